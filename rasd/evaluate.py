"""Scoring extraction output against gold data, and the error analysis behind `rasd eval`.

Three gold forms are understood (:func:`gold_kind` tells them apart):

* **sentence records** (``gsr``; JSON lines, one coded sentence each: ``id``, ``date``,
  ``category``, ``text``, ``source_code``, ``target_code`` …). Every record is a positive
  example of its category; the figures are recall per category, the share of records that
  also get the other category, and actor accuracy (country + sector of actor1/actor2). An
  event counts when it is *asserted* (not negated, not hypothetical; a ``historical`` event
  counts: the coders judged whether a sentence describes an event, not its recency).
* **detection records** (``detection``; JSON lines with a ``label``: ``yes``, ``easy no``,
  ``difficult no``, ``ambiguous``). A sentence *fires* for its category when it has an
  asserted event of that category; the figures are fire rates per label and precision,
  recall and F1 of ``yes`` against the two no's.
* **article gold** (``article``; ``NAME.gold.json``: ``document`` is a path to the article
  or a corpus id, required and optional ``events`` with evidence strings,
  ``must_not_be_events`` and ``boilerplate``). A predicted real event (not negated,
  hypothetical or historical) is a candidate for a gold event when its ``sentence`` or a
  sentence of its ``evidence`` list contains most of the evidence words; among candidates
  of the gold type the one with the right actor1 and place comes first; gold and predicted
  events are paired by a maximum one-to-one matching; precision = matched predicted real
  events / all predicted real events.

The definitions are the project's reference scorer's, figure for figure, so that numbers
from ``rasd eval`` and from the reference scorer can be compared directly (``to_dict`` has
its JSON layout, ``summary`` its last line).

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
    "GsrReport", "DetectionReport", "ArticleResult", "ArticlesReport", "ErrorCase",
    "GOLD_KINDS", "DETECTION_LABELS", "gold_kind",
    "load_gsr", "load_detection", "load_predictions", "load_article_gold", "find_article_golds",
    "load_documents", "DocumentSet", "article_document", "article_predictions",
    "predict_gsr", "predict_article", "predict_document",
    "score_gsr", "score_detection", "fires", "candidates", "rank_candidates", "score_article", "score_articles", "classify_errors",
    "is_real", "is_asserted", "event_sentences", "place_keys", "location_match",
]

log = logging.getLogger(__name__)

_DIACRITICS = re.compile("[\u064b-\u065f\u0670\u0640]")
_NOT_WORD = re.compile(r"[^\w]+")
ROLE_FIELDS = (("source", "source_code", "actor1"), ("target", "target_code", "actor2"))
GSR_FIELDS = ("id", "category", "text")
GOLD_KINDS = ("gsr", "detection", "article")
DETECTION_LABELS = ("yes", "difficult no", "easy no", "ambiguous")

# Causes of error for sentence records, in the order `--errors` prints them.
CAUSES = ("no trigger", "flagged", "wrong type", "also other type",
          "actor missing", "wrong country", "wrong sector")
# Causes of error for detection records, in the order `--errors` prints them.
DETECTION_CAUSES = ("false alarm on easy no", "false alarm on difficult no", "missed yes")


# ---------------------------------------------------------------- shared definitions

def _words(text: str | None) -> set[str]:
    text = _DIACRITICS.sub("", text or "")
    text = re.sub("[إأآٱ]", "ا", text).replace("ى", "ي").replace("ة", "ه")
    return {w for w in _NOT_WORD.split(text) if len(w) > 1}


def _overlaps(evidence: str, sentence: str, share: float = 0.6) -> bool:
    ev = _words(evidence)
    return bool(ev) and len(ev & _words(sentence)) / len(ev) >= share


def is_real(event: Mapping[str, Any]) -> bool:
    """A new, real event (what article gold counts): not negated, hypothetical or historical."""
    return not (event.get("negated") or event.get("hypothetical") or event.get("historical"))


def is_asserted(event: Mapping[str, Any]) -> bool:
    """Reported as having happened, at any time (what sentence gold counts): not negated,
    not hypothetical; a ``historical`` event is asserted."""
    return not (event.get("negated") or event.get("hypothetical"))


def event_sentences(event: Mapping[str, Any]) -> list[str]:
    """The event's ``sentence`` and the sentences of its other mentions (``evidence`` list)."""
    more = [m.get("sentence") or "" for m in event.get("evidence") or [] if isinstance(m, dict)]
    return [event.get("sentence") or ""] + more


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


def _gold_actor_code(actor: Mapping[str, Any] | None) -> str:
    """An article gold actor ``{"country", "sector"}`` as a ``CTRY SECTOR`` code."""
    actor = actor or {}
    return f"{actor.get('country', 'None')} {actor.get('sector', 'None')}"


_PLACE_SPLIT = re.compile(r"\s+and\s+|[(),/;]|\s+-\s+")
_PLACE_ARTICLE = re.compile(r"^(al|el|as|ad|ar|an|at|az|ash)[-\s]")


def place_keys(name: str | None) -> set[str]:
    """Spelling-tolerant keys for an English place name.

    ``Ta'izz`` = ``Taiz`` = ``Taizz``, ``Idleb`` = ``Idlib``, ``Dayr az-Zawr`` =
    ``Deir ez-Zor``, ``Kabul (Police Academy)`` = ``Kabul``: the whole name and each of its
    parts (split at ``and``, brackets, commas, slashes, `` - ``), lower case, without a
    leading al-/el-, letters only, vowels (and w, y) dropped after the first letter,
    doubled letters collapsed, a final h dropped.
    """
    keys = set()
    for part in [name or ""] + _PLACE_SPLIT.split(name or ""):
        w = _PLACE_ARTICLE.sub("", part.strip().lower())
        w = re.sub(r"[^a-z]", "", w)
        if not w:
            continue
        w = w[0] + re.sub(r"[aeiouwy]", "", w[1:])
        w = re.sub(r"(.)\1+", r"\1", w)
        w = w[:-1] if len(w) > 2 and w.endswith("h") else w
        keys.add(w)
    return keys


def location_match(got: Mapping[str, Any] | None, loc: Mapping[str, Any]) -> bool:
    """The predicted place's name or admin1 names the gold place or one of its admin1s
    (spelling-tolerant, :func:`place_keys`); a gold event without a place always matches."""
    admin1 = loc.get("admin1")
    want: set[str] = set()
    for x in [loc.get("name")] + (admin1 if isinstance(admin1, list) else [admin1]):
        want |= place_keys(x)
    if not want:
        return True
    got = got or {}
    return bool((place_keys(got.get("name")) | place_keys(got.get("admin1"))) & want)


def _ratio(n: int, d: int) -> float | None:
    return round(n / d, 3) if d else None


def _actor_code(actor: Mapping[str, Any] | None) -> str:
    if not actor:
        return "—"
    name = actor.get("name") or actor.get("mention") or "?"
    return f"{name} ({actor.get('country') or 'None'} {actor.get('sector') or 'None'})"


def _describe(event: Mapping[str, Any]) -> str:
    flags = [f for f in ("negated", "hypothetical", "historical") if event.get(f)]
    acled = (event.get("acled") or {}).get("sub_event_type")
    text = f"{_ptype(event) or '?'}"
    if acled:
        text += f"/{acled}"
    text += f" «{event.get('trigger') or ''}» a1={_actor_code(event.get('actor1'))} a2={_actor_code(event.get('actor2'))}"
    loc = event.get("location") or {}
    if loc.get("name") or loc.get("admin1"):
        text += f" at {loc.get('name') or '?'}/{loc.get('admin1') or '?'}"
    if flags:
        text += " [" + ",".join(flags) + "]"
    return text


# ---------------------------------------------------------------- loading

def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", where=str(path), code="E107") from None
    except UnicodeDecodeError:
        raise InputError("not UTF-8", where=str(path), code="E103") from None


def _read_jsonl(path: Path) -> list[tuple[int, dict]]:
    rows = []
    for n, line in enumerate(_read_text(path).splitlines(), 1):
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


def gold_kind(path: str | Path) -> str:
    """Which kind of gold ``path`` holds: ``article`` (a folder of ``*.gold.json``, such a
    file, or a JSON object with an ``events`` list), ``detection`` (JSON lines whose first
    record has a ``label``) or ``gsr`` (other JSON lines).

    Raises:
        InputError: the path is missing or unreadable, or a folder holds no gold file.
    """
    path = Path(path)
    if path.is_dir():
        if not find_article_golds(path):
            raise InputError("no *.gold.json files in this folder", where=str(path), code="E107")
        return "article"
    if path.name.endswith(".gold.json"):
        return "article"
    text = _read_text(path)
    if text.lstrip().startswith("{"):
        try:
            whole = json.loads(text)
        except json.JSONDecodeError:
            whole = None  # JSON lines
        if isinstance(whole, dict) and isinstance(whole.get("events"), list):
            return "article"
    for line in text.splitlines():
        if line.strip():
            try:
                first = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"not JSON: {exc.msg}", where=f"{path}:1", code="E105") from None
            return "detection" if isinstance(first, dict) and "label" in first else "gsr"
    raise InputError("no records", where=str(path), code="E101")


def _load_records(path: Path, check: Callable[[dict, str], None] | None = None) -> list[dict]:
    records = []
    for n, rec in _read_jsonl(path):
        for key in GSR_FIELDS:
            if not rec.get(key):
                raise InputError(f"missing {key!r}", where=f"{path}:{n}:{key}", code="E105")
        if check:
            check(rec, f"{path}:{n}")
        records.append(rec)
    if not records:
        raise InputError("no records", where=str(path), code="E101")
    return records


def load_gsr(path: str | Path) -> list[dict]:
    """Sentence gold records from a JSON lines file.

    Raises:
        InputError: the file is unreadable, a line is not a JSON object, or a record lacks
            ``id``, ``category`` or ``text`` (the error names file:line:field).
    """
    return _load_records(Path(path))


def _check_label(rec: dict, where: str) -> None:
    if rec.get("label") not in DETECTION_LABELS:
        raise InputError(f"label {rec.get('label')!r} is not one of {', '.join(DETECTION_LABELS)}",
                         where=f"{where}:label", code="E105")


def load_detection(path: str | Path) -> list[dict]:
    """Detection gold records (``id``, ``category``, ``label``, ``text``) from a JSON lines file.

    Raises:
        InputError: as :func:`load_gsr`, and for a ``label`` that is not one of
            :data:`DETECTION_LABELS`.
    """
    return _load_records(Path(path), _check_label)


def load_predictions(path: str | Path) -> dict[str, dict]:
    """Contract records from a JSON lines file (or one JSON record / a JSON list), by id."""
    path = Path(path)
    text = _read_text(path)
    records: list[tuple[str, dict]] = []
    if text.lstrip().startswith("["):
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
        return json.loads(_read_text(path))
    except json.JSONDecodeError as exc:
        raise InputError(f"not JSON: {exc.msg}", where=f"{path}:{exc.lineno}", code="E105") from None


def load_article_gold(path: str | Path) -> dict:
    """An article gold file, checked: a ``document`` and ``events`` whose members have
    ``id``, ``plover`` and ``evidence``; ``must_not_be_events`` members have ``evidence``.

    Raises:
        InputError: unreadable, not JSON, or a field missing (named as file:field).
    """
    path = Path(path)
    gold = _load_json(path)
    if not isinstance(gold, dict) or not isinstance(gold.get("events"), list):
        raise InputError("an article gold file needs an 'events' list", where=f"{path}:events", code="E105")
    if not gold.get("document"):
        raise InputError("missing 'document'", where=f"{path}:document", code="E105")
    for i, g in enumerate(gold["events"]):
        for key in ("id", "plover", "evidence"):
            if not isinstance(g, dict) or not g.get(key):
                raise InputError(f"missing {key!r}", where=f"{path}:events[{i}].{key}", code="E105")
    for i, g in enumerate(gold.get("must_not_be_events") or []):
        if not isinstance(g, dict) or not g.get("evidence"):
            raise InputError("missing 'evidence'", where=f"{path}:must_not_be_events[{i}].evidence", code="E105")
    if not isinstance(gold.get("boilerplate") or [], list):
        raise InputError("'boilerplate' must be a list of strings", where=f"{path}:boilerplate", code="E105")
    return gold


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


class DocumentSet(dict):
    """Documents by id (a dict), with where they were read from and the records that could
    not be read (reported only when an article that is needed is missing)."""

    def __init__(self, path: Path, documents: Mapping[str, Any], failures: Sequence[InputError] = ()) -> None:
        super().__init__(documents)
        self.path = path
        self.failures = list(failures)


def load_documents(path: str | Path, wanted: Iterable[str] | None = None, options: Any = None) -> DocumentSet:
    """Articles by id from a JSON lines file (``{"id", "text", "date", …}`` per line, as
    ``tools/corpus.py --gold DIR`` writes), read as ``rasd extract FILE.jsonl`` reads them.

    Args:
        wanted: keep only these ids (the file may be a whole corpus); all when None.

    Raises:
        InputError: the file is missing or not JSON lines. A bad record does not stop the
            reading: it is kept in ``failures`` and named if the article it holds is needed.
    """
    from rasd.ingest import read_path

    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", where=str(path), code="E107")
    keep = None if wanted is None else set(wanted)
    out: dict[str, Any] = {}
    failures: list[InputError] = []
    for item in read_path(path, input_format="jsonl", options=options):
        if item.error is not None:
            failures.append(item.error)
        elif keep is None or item.document.id in keep:
            out[item.document.id] = item.document
    return DocumentSet(path, out, failures)


def article_document(gold: Mapping[str, Any], gold_path: str | Path,
                     documents: Mapping[str, Any] | None = None, options: Any = None) -> Any:
    """The article a gold file annotates, as a :class:`~rasd.doc.Document`.

    ``document`` is looked up in ``documents`` (by id; see :func:`load_documents`) when
    given, else read as a path relative to the gold file's parent's parent
    (``gold/x.gold.json`` names ``seed/x.txt``) and dated with the gold's ``published``.

    Raises:
        InputError: the article is neither among ``documents`` nor a readable file (a
            corpus id without ``documents`` says how to get them).
    """
    from rasd.ingest import document_from_string

    gold_path = Path(gold_path)
    ref = str(gold["document"])
    if documents is not None and ref in documents:
        return documents[ref]
    doc_path = Path(ref)
    if not doc_path.is_absolute():
        doc_path = gold_path.resolve().parent.parent / doc_path
    if not doc_path.is_file():
        if documents is not None:
            failures = getattr(documents, "failures", [])
            source = getattr(documents, "path", "the documents given")
            why = f" ({len(failures)} records could not be read, first: {failures[0]})" if failures else ""
            raise InputError(f"the article {ref!r} is neither in {source}{why} nor a file",
                             where=f"{gold_path}:document", code="E107")
        raise InputError(f"the article {ref!r} is not a file; if it is a corpus id, pass the articles "
                         "with --documents FILE.jsonl (tools/corpus.py --gold DIR writes them)",
                         where=f"{gold_path}:document", code="E107")
    try:
        text = doc_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"the article {ref!r} cannot be read: {getattr(exc, 'strerror', None) or exc}",
                         where=f"{gold_path}:document", code="E107") from None
    return document_from_string(text, published=_iso(gold.get("published")), id=gold_name(gold_path),
                                options=options, where=str(doc_path))


def article_predictions(pred_path: str | Path, golds: Sequence[tuple[Path, Mapping[str, Any]]]
                        ) -> list[dict | None]:
    """Saved predictions for article golds, in their order (None where there is none).

    ``pred_path`` is a folder of ``NAME.json`` (the reference scorer's layout), or a file of
    records (JSON lines, a list, or one record) matched by ``document.id`` to the gold
    file's name or its ``document``; one gold file and one record are paired whatever the id.
    """
    pred_path = Path(pred_path)
    if pred_path.is_dir():
        out: list[dict | None] = []
        for path, _ in golds:
            file = pred_path / f"{gold_name(path)}.json"
            out.append(_load_json(file) if file.is_file() else None)
        return out
    records = load_predictions(pred_path)
    if len(golds) == 1 and len(records) == 1:
        return list(records.values())
    return [records.get(gold_name(path), records.get(str(gold.get("document")))) for path, gold in golds]


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
    """Run the pipeline over each gold sentence (gsr or detection records); contract records
    by id. A sentence the input side rejects (no Arabic text …) is logged and left out, so
    it counts as missing output, as it would in ``rasd extract`` output."""
    import rasd

    pipeline = pipeline or rasd.default_pipeline()
    out = {}
    for i, g in enumerate(gold, 1):
        try:
            doc = rasd.extract(g["text"], published=_iso(g.get("date")), id=str(g["id"]), pipeline=pipeline)
        except InputError as exc:
            log.warning("record %s left out: %s", g["id"], exc)
        else:
            out[str(g["id"])] = doc.to_dict()
        if progress:
            progress(i)
    return out


def predict_document(doc: Any, pipeline: Any = None) -> dict:
    """The contract record of one :class:`~rasd.doc.Document`."""
    import rasd

    pipeline = pipeline or rasd.default_pipeline()
    return pipeline(doc).to_dict()


def predict_article(gold: Mapping[str, Any], text: str, name: str, pipeline: Any = None) -> dict:
    """The contract record of an article given as text, dated with the gold's ``published``."""
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
        events = [e for e in rec.get("events", []) if is_asserted(e)]
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
        asserted = [e for e in all_events if is_asserted(e)]
        own = [e for e in asserted if _ptype(e) == cat]

        def add(cause: str, detail: str) -> None:
            out[cause].append(ErrorCase(cause, gid, cat, text, detail, described))

        if not own:
            flagged_own = [e for e in all_events if _ptype(e) == cat and not is_asserted(e)]
            if flagged_own:
                add("flagged", f"{cat} found but flagged negated or hypothetical")
            elif not asserted:
                add("no trigger", f"no event (gold trigger: {g.get('event_text') or '?'})")
            else:
                add("wrong type", f"want {cat} (gold trigger: {g.get('event_text') or '?'})")
        others = {_ptype(e) for e in asserted} & (cats - {cat})
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


# ---------------------------------------------------------------- detection records

@dataclass
class DetectionReport:
    """Figures for detection records; :meth:`to_dict` has the reference scorer's layout."""
    records: int
    missing_output: int
    categories: dict[str, dict[str, Any]]
    errors: dict[str, list[ErrorCase]] = field(default_factory=dict)

    def to_dict(self) -> dict:
        out: dict[str, Any] = {"records": self.records, "missing_output": self.missing_output}
        out.update(self.categories)
        return out

    def summary(self) -> str:
        parts = []
        for cat, v in self.categories.items():
            rate = v["fire_rate"]
            parts.append(f"{cat}_recall={v['recall']} {cat}_fp_easy={rate['easy no']} "
                         f"{cat}_fp_difficult={rate['difficult no']} {cat}_f1={v['f1']}")
        return " ".join(parts)


def fires(record: Mapping[str, Any] | None, category: str) -> bool:
    """A sentence fires for ``category`` when its record has an asserted event of that type."""
    return bool(record) and any(_ptype(e) == category for e in record.get("events", []) if is_asserted(e))


def score_detection(predictions: Mapping[str, Mapping[str, Any]],
                    gold: Sequence[Mapping[str, Any]]) -> DetectionReport:
    """Score contract records (by document id) against detection gold records: per category,
    how many sentences of each label fire, and precision/recall/F1 of ``yes`` against the
    two no's (``ambiguous`` is reported, not scored)."""
    missing = 0
    categories: dict[str, dict[str, Any]] = {}
    errors: dict[str, list[ErrorCase]] = {c: [] for c in DETECTION_CAUSES}
    for cat in sorted({g["category"] for g in gold}):
        n = {lab: 0 for lab in DETECTION_LABELS}
        fired = {lab: 0 for lab in DETECTION_LABELS}
        for g in gold:
            if g["category"] != cat:
                continue
            rec = predictions.get(str(g["id"]))
            if rec is None:
                missing += 1
            label = g["label"]
            n[label] += 1
            hit = fires(rec, cat)
            fired[label] += hit
            cause = _detection_cause(label, hit)
            if cause:
                events = (rec or {}).get("events", [])
                detail = ("no output" if rec is None else
                          f"{cat} fired" if hit else f"no asserted {cat}")
                errors[cause].append(ErrorCase(cause, str(g["id"]), cat, g["text"],
                                               f"{label} (accept {g.get('accept', '?')}, reject "
                                               f"{g.get('reject', '?')}): {detail}",
                                               [_describe(e) for e in events]))
        tp, fp = fired["yes"], fired["easy no"] + fired["difficult no"]
        precision, recall = _ratio(tp, tp + fp), _ratio(tp, n["yes"])
        # F1 of the rounded figures, as the reference scorer computes it
        f1 = round(2 * precision * recall / (precision + recall), 3) if precision and recall else 0.0
        categories[cat] = {"n": n, "fired": fired,
                           "fire_rate": {lab: _ratio(fired[lab], n[lab]) for lab in DETECTION_LABELS},
                           "precision": precision, "recall": recall, "f1": f1}
    return DetectionReport(len(gold), missing, categories, errors)


def _detection_cause(label: str, hit: bool) -> str | None:
    if hit and label in ("easy no", "difficult no"):
        return f"false alarm on {label}"
    if not hit and label == "yes":
        return "missed yes"
    return None


# ---------------------------------------------------------------- articles

def _match(options: list[list[int]]) -> dict[int, int]:
    """Maximum one-to-one matching; ``options[g]`` lists the predicted events gold g may take,
    best first (augmenting paths, so an earlier gold event gives way where that lets a later
    one match too)."""
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


def candidates(gold_event: Mapping[str, Any], live: Sequence[Mapping[str, Any]]) -> list[int]:
    """Indexes of the predicted events with a sentence (its own or of its evidence list) that
    holds ≥ 60 % of the words of the gold event's evidence or of one of its ``also_evidence``."""
    evid = [gold_event["evidence"]] + list(gold_event.get("also_evidence") or [])
    return [i for i, e in enumerate(live) if any(_overlaps(x, s) for x in evid for s in event_sentences(e))]


def rank_candidates(gold_event: Mapping[str, Any], live: Sequence[Mapping[str, Any]],
                    cands: Iterable[int]) -> list[int]:
    """The candidates of the gold type, those with the right actor1 and place first (a stable
    sort: ties keep the output order)."""
    code = _gold_actor_code(gold_event.get("actor1"))
    place = gold_event.get("location") or {}

    def quality(i: int) -> int:
        e = live[i]
        return -(_actor_match(e.get("actor1"), code)[0] + location_match(e.get("location"), place))
    return sorted((i for i in cands if _ptype(live[i]) == gold_event["plover"]), key=quality)


@dataclass
class ArticleResult:
    required: int = 0
    found: int = 0
    type_ok: int = 0
    actor1_ok: int = 0
    location_ok: int = 0
    false_positive: int = 0
    unmatched_pred: int = 0
    matched_pred: int = 0
    live_pred: int = 0
    missed: list[str] = field(default_factory=list)
    false: list[str] = field(default_factory=list)
    # for --errors (not in the reference layout)
    details: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"required": self.required, "found": self.found, "type_ok": self.type_ok,
                "actor1_ok": self.actor1_ok, "location_ok": self.location_ok,
                "false_positive": self.false_positive, "unmatched_pred": self.unmatched_pred,
                "matched_pred": self.matched_pred, "live_pred": self.live_pred,
                "missed": self.missed, "false": self.false}

    @property
    def precision(self) -> float | None:
        return _ratio(self.matched_pred, self.live_pred)


def _where(e: Mapping[str, Any]) -> str:
    return f"«{(e.get('sentence') or '')[:80]}»"


def score_article(pred: Mapping[str, Any], gold: Mapping[str, Any]) -> ArticleResult:
    """Score one article's contract record against its gold file."""
    live = [e for e in pred.get("events", []) if is_real(e)]
    res = ArticleResult(live_pred=len(live))
    gold_events = gold.get("events", [])
    near = [candidates(g, live) for g in gold_events]
    chosen = _match([rank_candidates(g, live, c) for g, c in zip(gold_events, near)])
    used = set(chosen.values())
    res.matched_pred = len(used)
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
        if _actor_match(e.get("actor1"), _gold_actor_code(a1))[0]:
            res.actor1_ok += 1
        else:
            res.details.append(f"actor1 {g['id']}: want {a1.get('country')} {a1.get('sector')} — got "
                               f"{_actor_code(e.get('actor1'))}")
        loc = g.get("location") or {}
        if location_match(e.get("location"), loc):
            res.location_ok += 1
        else:
            got_loc = e.get("location") or {}
            res.details.append(f"location {g['id']}: want {loc.get('name')} / {loc.get('admin1')} — got "
                               f"{got_loc.get('name')} / {got_loc.get('admin1')}")
    negatives = [n["evidence"] for n in gold.get("must_not_be_events", [])] + list(gold.get("boilerplate") or [])
    for i, e in enumerate(live):
        if i in used:
            continue
        if any(_overlaps(n, s, 0.8) for n in negatives for s in event_sentences(e)):
            res.false_positive += 1
            res.false.append((e.get("sentence") or "")[:80])
            res.details.append(f"false positive: {_describe(e)} in {_where(e)}")
        else:
            res.unmatched_pred += 1
            res.details.append(f"unmatched: {_describe(e)} in {_where(e)}")
    return res


@dataclass
class ArticlesReport:
    total: dict[str, int]
    articles: dict[str, ArticleResult]

    def to_dict(self) -> dict:
        return {"total": self.total, "articles": {k: v.to_dict() for k, v in self.articles.items()}}

    @property
    def precision(self) -> float | None:
        return _ratio(self.total["matched_pred"], self.total["live_pred"])

    def summary(self) -> str:
        t, n = self.total, self.total["required"]
        return (f"events_found={t['type_ok']}/{n} actor1_ok={t['actor1_ok']}/{n} "
                f"location_ok={t['location_ok']}/{n} false_positives={t['false_positive']} "
                f"unmatched_pred={t['unmatched_pred']} missing_output={t['missing_output']} "
                f"precision={self.precision}")


def score_articles(pairs: Iterable[tuple[str, Mapping[str, Any] | None, Mapping[str, Any]]]) -> ArticlesReport:
    """Score ``(gold file name, prediction or None, gold)`` triples; None counts as missing output."""
    total = {"required": 0, "found": 0, "type_ok": 0, "actor1_ok": 0, "location_ok": 0,
             "false_positive": 0, "unmatched_pred": 0, "matched_pred": 0, "live_pred": 0,
             "articles": 0, "missing_output": 0}
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
