"""Scoring extraction output against gold data, and the error analysis behind `rasd eval`.

Two gold forms are understood:

* **sentence records** (JSON lines, one coded sentence each: ``id``, ``date``, ``category``,
  ``text``, ``source_code``, ``target_code`` …). Every record is a positive example of its
  category; the figures are recall per category, the share of records that also get the
  other category, and actor accuracy (country + sector of actor1/actor2).
* **article gold** (``NAME.gold.json``: the article's path in ``document``, required and
  optional ``events`` with evidence strings, ``must_not_be_events`` and ``boilerplate``).
  A predicted event matches a gold event when its sentence contains most of the evidence
  words; gold and predicted events are paired one to one.

The definitions are the project's reference scorer's, figure for figure, so that numbers
from ``rasd eval`` and from the reference scorer can be compared directly.

    >>> from rasd.evaluate import load_gsr, predict_gsr, score_gsr
    >>> gold = load_gsr("gsr_dev.jsonl")                      # doctest: +SKIP
    >>> report = score_gsr(predict_gsr(gold), gold)           # doctest: +SKIP
    >>> report.summary()                                      # doctest: +SKIP
    'ASSAULT_recall=0.93 ASSAULT_other=0.04 … source_acc=0.61 target_acc=0.57'
"""
from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from rasd.errors import InputError

__all__ = [
    "GsrReport", "ArticleResult", "ArticlesReport", "ErrorCase",
    "load_gsr", "load_predictions", "load_article_gold", "find_article_golds",
    "predict_gsr", "predict_article",
    "score_gsr", "score_article", "score_articles", "classify_errors", "is_real",
]

log = logging.getLogger(__name__)

_DIACRITICS = re.compile("[\u064b-\u065f\u0670\u0640]")
_NOT_WORD = re.compile(r"[^\w]+")
ROLE_FIELDS = (("source", "source_code", "actor1"), ("target", "target_code", "actor2"))
GSR_FIELDS = ("id", "category", "text")

# Causes of error for sentence records, in the order `--errors` prints them.
CAUSES = ("no trigger", "flagged", "wrong type", "also other type",
          "actor missing", "wrong country", "wrong sector")


# ---------------------------------------------------------------- shared definitions

def _words(text: str | None) -> set[str]:
    text = _DIACRITICS.sub("", text or "")
    text = re.sub("[إأآٱ]", "ا", text).replace("ى", "ي").replace("ة", "ه")
    return {w for w in _NOT_WORD.split(text) if len(w) > 1}


def _overlaps(evidence: str, sentence: str, share: float = 0.6) -> bool:
    ev = _words(evidence)
    return bool(ev) and len(ev & _words(sentence)) / len(ev) >= share


def is_real(event: Mapping[str, Any]) -> bool:
    """An event that is neither negated, hypothetical nor historical."""
    return not (event.get("negated") or event.get("hypothetical") or event.get("historical"))


def _ptype(event: Mapping[str, Any]) -> str:
    return ((event.get("plover") or {}).get("type") or "").upper()


def _code_parts(code: str | None) -> list[str | None]:
    parts = (code or "None None").split()
    parts += ["None"] * (2 - len(parts))
    return [None if p == "None" else p for p in parts[:2]]


def _actor_match(actor: Mapping[str, Any] | None, gold_code: str | None) -> tuple[bool, bool, bool]:
    """(full match, country right where gold has one, sector right where gold has one)."""
    country, sector = _code_parts(gold_code)
    actor = actor or {}
    c_ok = country is None or actor.get("country") == country
    s_ok = sector is None or actor.get("sector") == sector
    return c_ok and s_ok, country is not None and c_ok, sector is not None and s_ok


def _ratio(n: int, d: int) -> float | None:
    return round(n / d, 3) if d else None


def _actor_code(actor: Mapping[str, Any] | None) -> str:
    if not actor:
        return "—"
    name = actor.get("name") or actor.get("mention") or "?"
    return f"{name} ({actor.get('country') or 'None'} {actor.get('sector') or 'None'})"


# ---------------------------------------------------------------- loading

def _read_jsonl(path: Path) -> list[tuple[int, dict]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", where=str(path), code="E107") from None
    except UnicodeDecodeError:
        raise InputError("not UTF-8", where=str(path), code="E103") from None
    rows = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"not JSON: {exc.msg}", where=f"{path}:{n}", code="E105") from None
        if not isinstance(value, dict):
            raise InputError("a line must hold a JSON object", where=f"{path}:{n}", code="E105")
        rows.append((n, value))
    return rows


def load_gsr(path: str | Path) -> list[dict]:
    """Sentence gold records from a JSON lines file.

    Raises:
        InputError: the file is unreadable, a line is not a JSON object, or a record lacks
            ``id``, ``category`` or ``text`` (the error names file:line:field).
    """
    path = Path(path)
    records = []
    for n, rec in _read_jsonl(path):
        for key in GSR_FIELDS:
            if not rec.get(key):
                raise InputError(f"missing {key!r}", where=f"{path}:{n}:{key}", code="E105")
        records.append(rec)
    if not records:
        raise InputError("no records", where=str(path), code="E101")
    return records


def load_predictions(path: str | Path) -> dict[str, dict]:
    """Contract records from a JSON lines file (or one JSON record / a JSON list), by id."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", where=str(path), code="E107") from None
    stripped = text.lstrip()
    records: list[tuple[str, dict]] = []
    if stripped.startswith("["):
        try:
            values = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"not JSON: {exc.msg}", where=f"{path}:{exc.lineno}", code="E105") from None
        records = [(f"{path}:[{i}]", v) for i, v in enumerate(values)]
    else:
        try:  # one record, possibly pretty-printed
            whole = json.loads(text)
        except json.JSONDecodeError:
            whole = None
        if isinstance(whole, dict):
            records = [(str(path), whole)]
        else:
            records = [(f"{path}:{n}", v) for n, v in _read_jsonl(path)]
    out: dict[str, dict] = {}
    for where, rec in records:
        doc = rec.get("document") if isinstance(rec, dict) else None
        if not isinstance(doc, dict) or doc.get("id") is None:
            raise InputError("a prediction needs document.id", where=f"{where}:document.id", code="E105")
        out[str(doc["id"])] = rec
    return out


def _load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", where=str(path), code="E107") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"not JSON: {exc.msg}", where=f"{path}:{exc.lineno}", code="E105") from None


def load_article_gold(path: str | Path) -> tuple[dict, str]:
    """An article gold file and the text of the article it annotates.

    The gold's ``document`` path is relative to the gold file's parent's parent
    (``gold/x.gold.json`` names ``seed/x.txt``).
    """
    path = Path(path)
    gold = _load_json(path)
    if not isinstance(gold, dict) or not isinstance(gold.get("events"), list):
        raise InputError("an article gold file needs an 'events' list", where=f"{path}:events", code="E105")
    doc_ref = gold.get("document")
    if not doc_ref:
        raise InputError("missing 'document'", where=f"{path}:document", code="E105")
    doc_path = Path(doc_ref)
    if not doc_path.is_absolute():
        doc_path = path.resolve().parent.parent / doc_path
    try:
        text = doc_path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"the article {doc_ref!r} cannot be read: {exc.strerror or exc}",
                         where=f"{path}:document", code="E107") from None
    return gold, text


def find_article_golds(path: str | Path) -> list[Path]:
    """``path`` itself if it is a gold file, else every ``*.gold.json`` in the directory."""
    path = Path(path)
    if path.is_dir():
        return sorted(path.glob("*.gold.json"))
    return [path]


def gold_name(path: Path) -> str:
    return path.name[: -len(".gold.json")] if path.name.endswith(".gold.json") else path.stem


def is_article_gold(path: str | Path) -> bool:
    path = Path(path)
    return path.is_dir() or path.name.endswith(".gold.json")


# ---------------------------------------------------------------- running the pipeline

def _iso(value: str | None) -> str | None:
    if not value:
        return None
    value = str(value).strip()
    if len(value) == 8 and value.isdigit():
        return f"{value[:4]}-{value[4:6]}-{value[6:]}"
    return value[:10]


def predict_gsr(gold: Iterable[Mapping[str, Any]], pipeline: Any = None,
                progress: Callable[[int], None] | None = None) -> dict[str, dict]:
    """Run the pipeline over each gold sentence; contract records by id."""
    import rasd

    pipeline = pipeline or rasd.default_pipeline()
    out = {}
    for i, g in enumerate(gold, 1):
        doc = rasd.extract(g["text"], published=_iso(g.get("date")), id=str(g["id"]), pipeline=pipeline)
        out[str(g["id"])] = doc.to_dict()
        if progress:
            progress(i)
    return out


def predict_article(gold: Mapping[str, Any], text: str, name: str, pipeline: Any = None) -> dict:
    import rasd

    pipeline = pipeline or rasd.default_pipeline()
    return rasd.extract(text, published=_iso(gold.get("published")), id=name, pipeline=pipeline).to_dict()


# ---------------------------------------------------------------- sentence records

@dataclass
class ErrorCase:
    """One gold record the system gets wrong, with what it predicted."""
    cause: str
    id: str
    category: str
    text: str
    detail: str
    predicted: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"cause": self.cause, "id": self.id, "category": self.category, "text": self.text,
                "detail": self.detail, "predicted": self.predicted}


@dataclass
class GsrReport:
    """Figures for sentence records; :meth:`to_dict` has the reference scorer's layout."""
    records: int
    missing_output: int
    categories: dict[str, dict[str, Any]]
    roles: dict[str, dict[str, Any]]
    errors: dict[str, list[ErrorCase]] = field(default_factory=dict)

    def to_dict(self) -> dict:
        out: dict[str, Any] = {"records": self.records, "missing_output": self.missing_output}
        out.update(self.categories)
        for role, r in self.roles.items():
            out[f"{role}_actor"] = r
        return out

    def summary(self) -> str:
        text = " ".join(f"{c}_recall={v['recall']} {c}_other={v['other_category']}"
                        for c, v in self.categories.items())
        return (text + f" source_acc={self.roles['source']['accuracy']}"
                f" target_acc={self.roles['target']['accuracy']}")


def score_gsr(predictions: Mapping[str, Mapping[str, Any]], gold: Sequence[Mapping[str, Any]]) -> GsrReport:
    """Score contract records (by document id) against sentence gold records."""
    cats = sorted({g["category"] for g in gold})
    missing = 0
    tally = {c: {"n": 0, "hit": 0, "other": 0, "none": 0} for c in cats}
    roles = {r: {"n": 0, "full": 0, "country_n": 0, "country": 0, "sector_n": 0, "sector": 0}
             for r, _, _ in ROLE_FIELDS}
    for g in gold:
        t = tally[g["category"]]
        t["n"] += 1
        rec = predictions.get(str(g["id"]))
        if rec is None:
            missing += 1
            t["none"] += 1
            continue
        events = [e for e in rec.get("events", []) if is_real(e)]
        types = {_ptype(e) for e in events}
        own = [e for e in events if _ptype(e) == g["category"]]
        if own:
            t["hit"] += 1
        elif not events:
            t["none"] += 1
        if types & (set(cats) - {g["category"]}):
            t["other"] += 1
        for role, key, actor_field in ROLE_FIELDS:
            country, sector = _code_parts(g.get(key))
            if country is None and sector is None:
                continue
            r = roles[role]
            r["n"] += 1
            r["country_n"] += country is not None
            r["sector_n"] += sector is not None
            best = (False, False, False)
            for e in own:
                m = _actor_match(e.get(actor_field), g.get(key))
                best = tuple(a or b for a, b in zip(best, m))
            r["full"] += best[0]
            r["country"] += best[1]
            r["sector"] += best[2]
    categories = {c: {"n": t["n"], "recall": _ratio(t["hit"], t["n"]),
                      "other_category": _ratio(t["other"], t["n"]), "no_event": _ratio(t["none"], t["n"])}
                  for c, t in tally.items()}
    role_out = {role: {"n": r["n"], "accuracy": _ratio(r["full"], r["n"]),
                       "country": _ratio(r["country"], r["country_n"]),
                       "sector": _ratio(r["sector"], r["sector_n"])}
                for role, r in roles.items()}
    return GsrReport(len(gold), missing, categories, role_out, classify_errors(predictions, gold))


def _describe(event: Mapping[str, Any]) -> str:
    flags = [f for f in ("negated", "hypothetical", "historical") if event.get(f)]
    acled = (event.get("acled") or {}).get("sub_event_type")
    text = f"{_ptype(event) or '?'}"
    if acled:
        text += f"/{acled}"
    text += f" «{event.get('trigger') or ''}» a1={_actor_code(event.get('actor1'))} a2={_actor_code(event.get('actor2'))}"
    if flags:
        text += " [" + ",".join(flags) + "]"
    return text


def classify_errors(predictions: Mapping[str, Mapping[str, Any]],
                    gold: Sequence[Mapping[str, Any]]) -> dict[str, list[ErrorCase]]:
    """The gold records the system gets wrong, grouped by cause (see :data:`CAUSES`).

    A record can appear under several causes (a missing target and an extra category).
    """
    cats = {g["category"] for g in gold}
    out: dict[str, list[ErrorCase]] = {c: [] for c in CAUSES}
    for g in gold:
        gid, cat, text = str(g["id"]), g["category"], g["text"]
        rec = predictions.get(gid) or {}
        all_events = rec.get("events", [])
        described = [_describe(e) for e in all_events]
        real = [e for e in all_events if is_real(e)]
        own = [e for e in real if _ptype(e) == cat]

        def add(cause: str, detail: str) -> None:
            out[cause].append(ErrorCase(cause, gid, cat, text, detail, described))

        if not own:
            flagged_own = [e for e in all_events if _ptype(e) == cat and not is_real(e)]
            if flagged_own:
                add("flagged", f"{cat} found but flagged")
            elif not real:
                add("no trigger", f"no event (gold trigger: {g.get('event_text') or '?'})")
            else:
                add("wrong type", f"want {cat} (gold trigger: {g.get('event_text') or '?'})")
        others = {_ptype(e) for e in real} & (cats - {cat})
        if others:
            add("also other type", f"also {', '.join(sorted(others))}")
        if not own:
            continue
        for role, key, actor_field in ROLE_FIELDS:
            country, sector = _code_parts(g.get(key))
            if country is None and sector is None:
                continue
            gold_text = g.get(f"{role}_text")
            want = f"{role} want {country or 'None'} {sector or 'None'}" + (f" «{gold_text}»" if gold_text else "")
            actors = [e.get(actor_field) for e in own]
            if any(_actor_match(a, g.get(key))[0] for a in actors):
                continue
            if not any(actors):
                add("actor missing", want + " — none given")
            elif country is not None and not any(_actor_match(a, g.get(key))[1] for a in actors):
                add("wrong country", want + " — got " + "; ".join(_actor_code(a) for a in actors))
            else:
                add("wrong sector", want + " — got " + "; ".join(_actor_code(a) for a in actors))
    return out


# ---------------------------------------------------------------- articles

def _match(options: list[list[int]]) -> dict[int, int]:
    """Maximum one-to-one matching; ``options[g]`` lists the predicted events gold g may take."""
    owner: dict[int, int] = {}

    def take(g: int, seen: set[int]) -> bool:
        for p in options[g]:
            if p not in seen:
                seen.add(p)
                if p not in owner or take(owner[p], seen):
                    owner[p] = g
                    return True
        return False

    for g in range(len(options)):
        take(g, set())
    return {g: p for p, g in owner.items()}


@dataclass
class ArticleResult:
    required: int = 0
    found: int = 0
    type_ok: int = 0
    actor1_ok: int = 0
    location_ok: int = 0
    false_positive: int = 0
    unmatched_pred: int = 0
    missed: list[str] = field(default_factory=list)
    false: list[str] = field(default_factory=list)
    # for --errors (not in the reference layout)
    details: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"required": self.required, "found": self.found, "type_ok": self.type_ok,
                "actor1_ok": self.actor1_ok, "location_ok": self.location_ok,
                "false_positive": self.false_positive, "unmatched_pred": self.unmatched_pred,
                "missed": self.missed, "false": self.false}


def score_article(pred: Mapping[str, Any], gold: Mapping[str, Any]) -> ArticleResult:
    """Score one article's contract record against its gold file."""
    live = [e for e in pred.get("events", []) if is_real(e)]
    res = ArticleResult()
    gold_events = gold.get("events", [])
    near, typed = [], []
    for g in gold_events:
        evid = [g["evidence"]] + g.get("also_evidence", [])
        cands = [i for i, e in enumerate(live) if any(_overlaps(x, e.get("sentence", "")) for x in evid)]
        near.append(cands)
        typed.append([i for i in cands if _ptype(live[i]) == g["plover"]])
    chosen = _match(typed)
    used = set(chosen.values())
    for gi, g in enumerate(gold_events):
        if not g.get("required"):
            continue
        res.required += 1
        if near[gi]:
            res.found += 1
        if gi not in chosen:
            res.missed.append(g["id"])
            got = "; ".join(_describe(live[i]) for i in near[gi]) or "no event in that sentence"
            res.details.append(f"missed {g['id']} {g['plover']}: «{g['evidence'][:70]}» — got {got}")
            continue
        res.type_ok += 1
        e = live[chosen[gi]]
        a1 = g.get("actor1") or {}
        if _actor_match(e.get("actor1"), f"{a1.get('country', 'None')} {a1.get('sector', 'None')}")[0]:
            res.actor1_ok += 1
        else:
            res.details.append(f"actor1 {g['id']}: want {a1.get('country')} {a1.get('sector')} — got "
                               f"{_actor_code(e.get('actor1'))}")
        loc = g.get("location") or {}
        admin1 = loc.get("admin1")
        want = {x.lower() for x in ([loc.get("name")] + (admin1 if isinstance(admin1, list) else [admin1])) if x}
        got_loc = e.get("location") or {}
        if not want or (got_loc.get("name") or "").lower() in want or (got_loc.get("admin1") or "").lower() in want:
            res.location_ok += 1
        else:
            res.details.append(f"location {g['id']}: want {sorted(want)} — got {got_loc.get('name')}"
                               f" / {got_loc.get('admin1')}")
    negatives = [n["evidence"] for n in gold.get("must_not_be_events", [])] + gold.get("boilerplate", [])
    for i, e in enumerate(live):
        if i in used:
            continue
        if any(_overlaps(n, e.get("sentence", ""), 0.8) for n in negatives):
            res.false_positive += 1
            res.false.append(e.get("sentence", "")[:80])
            res.details.append(f"false positive: {_describe(e)} in «{e.get('sentence', '')[:80]}»")
        else:
            res.unmatched_pred += 1
            res.details.append(f"unmatched: {_describe(e)} in «{e.get('sentence', '')[:80]}»")
    return res


@dataclass
class ArticlesReport:
    total: dict[str, int]
    articles: dict[str, ArticleResult]

    def to_dict(self) -> dict:
        return {"total": self.total, "articles": {k: v.to_dict() for k, v in self.articles.items()}}

    def summary(self) -> str:
        t, n = self.total, self.total["required"]
        return (f"events_found={t['type_ok']}/{n} actor1_ok={t['actor1_ok']}/{n} "
                f"location_ok={t['location_ok']}/{n} false_positives={t['false_positive']} "
                f"unmatched_pred={t['unmatched_pred']} missing_output={t['missing_output']}")


def score_articles(pairs: Iterable[tuple[str, Mapping[str, Any] | None, Mapping[str, Any]]]) -> ArticlesReport:
    """Score ``(gold file name, prediction or None, gold)`` triples; None counts as missing output."""
    total = {"required": 0, "found": 0, "type_ok": 0, "actor1_ok": 0, "location_ok": 0,
             "false_positive": 0, "unmatched_pred": 0, "articles": 0, "missing_output": 0}
    per: dict[str, ArticleResult] = {}
    for name, pred, gold in pairs:
        if pred is None:
            total["missing_output"] += 1
            pred = {"events": []}
        r = score_article(pred, gold)
        per[name] = r
        total["articles"] += 1
        for k, v in r.to_dict().items():
            if k in total:
                total[k] += v
    return ArticlesReport(total, per)
