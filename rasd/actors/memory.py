"""The document actor memory: the actors an article has named so far, in order.

News names an actor once (``جماعة الحوثي``, ``الجيش العراقي``) and then refers back to it:
by a definite description (``الجماعة``, ``الحركة``, ``التنظيم``, ``الميليشيات``), by a
pronoun suffix (``مقاتلاتها``, ``قواته``), by a bare noun (``الجيش`` after ``الجيش
الإسرائيلي``) or by the pair ``الطرفان``. :class:`ActorMemory` is built once per document
from its resolved actor entities and answers those references:

* :meth:`ActorMemory.antecedent` — the actor a description stands for: the last named
  actor before it whose sector fits the description's class (``rasd/data/actors/memory/
  descriptions.tsv``), preferring one whose own name holds the description's noun;
* :meth:`ActorMemory.pair` — the last two distinct parties before an offset;
* :meth:`ActorMemory.owner` — who a pronoun suffix belongs to: the last actor with a
  country before it, in its sentence or the two before;
* :meth:`ActorMemory.same_kind` — the last actor of the same dictionary entry with a
  country (``الجيش`` → ``الجيش الإسرائيلي``);
* :meth:`ActorMemory.implied_country` — the country a generic noun stands for in an
  article about a given country (``قوات الاحتلال`` in an article on Palestine is Israel;
  ``rasd/data/actors/memory/implied_countries.tsv``);
* :meth:`ActorMemory.short_forms` — the shortened names an article uses for an
  organisation it named in full (``حزب العمال`` after ``حزب العمال الكردستاني``);
* :attr:`ActorMemory.country` — the country most places of the article lie in.

The memory holds references to the document's entities and never changes them; the
actors stage applies what it answers, and the events stage may ask it again (it is a
plain object passed along, not state hidden in the document).
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

from rasd.actors import sectors
from rasd.actors.dictionary import ActorDictionary, ActorEntry
from rasd.datafiles import read_tsv, variants
from rasd.doc import Document, Entity
from rasd.errors import DataFileError
from rasd.geo.context import dominant_country
from rasd.text.matcher import PhraseMatcher, longest_first
from rasd.text.normalize import fold
from rasd.text.tokenize import token_starts, word_stem

__all__ = ["ActorMemory", "Description", "Named", "ImplicitDoer", "load_descriptions",
           "load_implied_countries", "load_implicit_doers", "load_families", "short_form_key", "short_form_keys",
           "SHORT_FORM_WORDS", "VICTIM_SECTORS", "PAIR_ID"]

# Sectors of the usual victims: never the antecedent of a description or a pair.
VICTIM_SECTORS = sectors.VICTIM
ACTOR_KINDS = ("org", "state", "generic", "person", "office", "people")
MEDIATOR_SECTORS = frozenset({"IGO", "NGO"})  # monitors and brokers: never one of "the two sides"
NAMED_KINDS = ("org", "state", "person")  # kinds that name one identity by themselves
PAIR_ID = "both-parties"
OWNER_SENTENCES = 2  # how many sentences back a pronoun suffix may reach
SHORT_FORM_WORDS = 2  # حزب العمال for حزب العمال الكردستاني: the first words of a longer name


@dataclass(frozen=True, slots=True)
class Description:
    """One row of ``descriptions.tsv``: a class of definite descriptions."""
    cls: str
    sectors: frozenset[str] | None  # None: any sector but the victims'
    name_word: str | None
    pair: bool
    where: str
    needs_name_word: bool = False  # المقاومة is only an actor whose name holds مقاومة


@dataclass(frozen=True, slots=True)
class Named:
    """One actor named in the document: the entity and the sentence it stands in."""
    entity: Entity
    sentence: int

    @property
    def key(self) -> str:
        """What makes two mentions the same actor: the id, else the canonical name."""
        e = self.entity
        return e.id or e.canonical or e.text

    def to_dict(self) -> dict[str, Any]:
        e = self.entity
        return {"span": [e.start, e.end], "text": e.text, "id": e.id, "country": e.country,
                "sector": e.sector, "kind": e.attrs.get("kind"), "sentence": self.sentence}


@lru_cache(maxsize=4)
def load_descriptions() -> tuple[PhraseMatcher[Description], int]:
    """The matcher of ``rasd/data/actors/memory/descriptions.tsv`` and its number of rows."""
    matcher: PhraseMatcher[Description] = PhraseMatcher()
    rows = read_tsv("actors/memory/descriptions.tsv", ("pattern", "class", "sectors", "pair"))
    for row in rows:
        pair = row["pair"].strip().lower()
        if pair not in ("yes", "no"):
            raise DataFileError(f"pair must be yes or no, not {row['pair']!r}", where=f"{row.where}:pair")
        sectors = None if row["sectors"].strip() == "*" else frozenset(
            s.strip() for s in row["sectors"].split("|") if s.strip())
        name_word = fold(row.cells.get("name_word") or "") or None
        needs = (row.cells.get("needs_name_word") or "no").strip().lower()
        if needs not in ("yes", "no"):
            raise DataFileError(f"needs_name_word must be yes or no, not {needs!r}",
                                where=f"{row.where}:needs_name_word")
        desc = Description(row["class"], sectors, name_word, pair == "yes", row.where, needs == "yes")
        for variant in variants(row["pattern"]):
            matcher.add(variant, desc)
    return matcher, len(rows)


@lru_cache(maxsize=4)
def load_families() -> dict[str, frozenset[str]]:
    """``families.tsv``: for each actor id, the ids of its family (itself included)."""
    out: dict[str, frozenset[str]] = {}
    for row in read_tsv("actors/memory/families.tsv", ("family", "ids")):
        ids = frozenset(i.strip() for i in row["ids"].split("|") if i.strip())
        for i in ids:
            out[i] = out.get(i, frozenset()) | ids
    return out


@lru_cache(maxsize=4)
def load_implied_countries() -> dict[str, tuple[tuple[frozenset[str] | None, str], ...]]:
    """``implied_countries.tsv`` by actor id: (article countries or None for *, country) in order."""
    table: dict[str, list[tuple[frozenset[str] | None, str]]] = {}
    for row in read_tsv("actors/memory/implied_countries.tsv", ("actor", "context", "country")):
        country = row["country"].strip()
        if len(country) != 3 or not country.isupper():
            raise DataFileError(f"not an ISO3 code: {country!r}", where=f"{row.where}:country")
        context = None if row["context"].strip() == "*" else frozenset(
            c.strip() for c in row["context"].split("|") if c.strip())
        table.setdefault(row["actor"].strip(), []).append((context, country))
    return {k: tuple(v) for k, v in table.items()}


class ActorMemory:
    """The actors of one document in text order (see the module documentation).

    Args:
        doc: the document, with its sentences and resolved entities.
        entities: the actor entities to remember (default: ``doc.entities``).
    """

    def __init__(self, doc: Document, entities: list[Entity] | None = None) -> None:
        self.doc = doc
        pool = doc.entities if entities is None else entities
        self._sentence_starts = [s.start for s in doc.sentences]
        actors = sorted((e for e in pool if _is_actor(e)), key=lambda e: (e.start, e.end))
        self.named: list[Named] = [Named(e, self.sentence_of(e.start)) for e in actors]
        self._ends = [n.entity.end for n in self.named]
        self.country: str | None = dominant_country(pool)

    @classmethod
    def from_document(cls, doc: Document) -> "ActorMemory":
        return cls(doc)

    def __len__(self) -> int:
        return len(self.named)

    def sentence_of(self, offset: int) -> int:
        """The index of the sentence holding ``offset`` (0 when the document has none)."""
        return max(0, bisect.bisect_right(self._sentence_starts, offset) - 1)

    def before(self, offset: int) -> list[Named]:
        """The actors that end at or before ``offset``, nearest last."""
        return self.named[:bisect.bisect_right(self._ends, offset)]

    def last(self, offset: int, accept: Callable[[Named], bool]) -> Entity | None:
        for n in reversed(self.before(offset)):
            if accept(n):
                return n.entity
        return None

    def at(self, start: int, end: int) -> Entity | None:
        """The remembered actor with exactly this span."""
        i = bisect.bisect_left(self._ends, end)
        while i < len(self.named) and self.named[i].entity.end == end:
            if self.named[i].entity.start == start:
                return self.named[i].entity
            i += 1
        return None

    # -- references ---------------------------------------------------------------
    def antecedent(self, desc: Description, offset: int) -> Entity | None:
        """The named actor a definite description at ``offset`` refers to, or None."""
        def fits(n: Named) -> bool:
            e = n.entity
            if not _names_identity(e) or e.sector in VICTIM_SECTORS:
                return False
            return desc.sectors is None or e.sector in desc.sectors
        candidates = [n for n in self.before(offset) if fits(n)]
        if not candidates:
            return None
        if desc.name_word:
            with_word = [n for n in candidates if desc.name_word in _name_forms(n.entity)]
            if with_word:
                return with_word[-1].entity
            if desc.needs_name_word:
                return None
        return candidates[-1].entity

    def pair(self, offset: int) -> tuple[Entity, Entity] | None:
        """The last two distinct parties named before ``offset`` (the earlier first): named
        actors or nouns tied to a country, not victims, not monitors or mediators."""
        found: list[Named] = []
        for n in reversed(self.before(offset)):
            e = n.entity
            if e.sector in VICTIM_SECTORS or e.sector in MEDIATOR_SECTORS or e.sector is None \
                    or e.id == PAIR_ID or not _names_identity(e):
                continue
            if any(n.key == f.key for f in found):
                continue
            found.append(n)
            if len(found) == 2:
                return found[1].entity, found[0].entity
        return None

    def owner(self, offset: int) -> Entity | None:
        """Who a pronoun suffix at ``offset`` stands for: the last actor with a country in
        the same sentence or the ``OWNER_SENTENCES`` before it."""
        here = self.sentence_of(offset)
        return self.last(offset, lambda n: here - n.sentence <= OWNER_SENTENCES and n.entity.country is not None
                         and n.entity.attrs.get("kind") in ("org", "state", "generic", "office")
                         and n.entity.sector not in VICTIM_SECTORS and n.entity.end <= offset)

    def same_kind(self, entity: Entity) -> Entity | None:
        """The last earlier actor of the same dictionary entry, or of its family
        (``families.tsv``: ``الطيران`` after ``طائرات التحالف العربي``), that had a country."""
        base = entity.attrs.get("base")
        if base is None:
            return None
        family = load_families().get(base, frozenset({base}))
        return self.last(entity.start, lambda n: n.entity is not entity and n.entity.country is not None and (
            n.entity.attrs.get("base") in family or (n.entity.id or "").split("@")[0] in family))

    def last_of_ids(self, offset: int, ids: frozenset[str]) -> Entity | None:
        """The last actor before ``offset`` with a country whose id or base id is in ``ids``."""
        return self.last(offset, lambda n: n.entity.country is not None and (
            (n.entity.id or "").split("@")[0] in ids or n.entity.attrs.get("base") in ids))

    def implied_country(self, actor_id: str | None) -> str | None:
        """The country ``implied_countries.tsv`` gives ``actor_id`` in this article."""
        for context, country in load_implied_countries().get(actor_id or "", ()):
            if context is None or (self.country is not None and self.country in context):
                return country
        return None

    def short_forms(self, dictionary: ActorDictionary) -> dict[tuple[str, ...], Entity]:
        """The first ``SHORT_FORM_WORDS`` word stems of each organisation named in full by
        one of its longer ``dictionary`` names, keyed to its first full mention; a short
        form two organisations share is nobody's."""
        forms: dict[tuple[str, ...], Entity | None] = {}
        tokens = self.doc.tokens
        starts = token_starts(tokens)  # shared, read only
        for n in self.named:
            e = n.entity
            if e.attrs.get("kind") != "org" or e.id is None:
                continue
            lo, hi = bisect.bisect_left(starts, e.start), bisect.bisect_left(starts, e.end)
            if hi - lo <= SHORT_FORM_WORDS:
                continue
            key = short_form_key(tokens[lo:lo + SHORT_FORM_WORDS])
            if key not in _name_openings(dictionary.get(e.attrs.get("base"))):
                continue  # a mention grown around the name (الأعضاء في سفارة الاتحاد الأوروبي)
            if key not in forms:
                forms[key] = e
            elif forms[key] is not None and forms[key].id != e.id:
                forms[key] = None
        return {k: e for k, e in forms.items() if e is not None}

    def find_descriptions(self) -> list[tuple[int, int, Description]]:
        """Where the document holds a definite description (original offsets)."""
        norm = self.doc.normalized
        if norm is None:
            return []
        matcher, _ = load_descriptions()
        out = []
        for m in longest_first(matcher.find(norm.text)):
            if m.suffix:
                continue  # الجماعة + a pronoun is "its group", not the group
            if norm.text[m.nstart:m.core_start].endswith(("ال", "لل")) and not m.pattern.startswith("ال"):
                continue
            start, end = norm.original_span(m.nstart, m.nend)
            out.append((start, end, m.payload))
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"country": self.country, "actors": [n.to_dict() for n in self.named]}


@lru_cache(maxsize=4096)
def _name_openings(entry: ActorEntry | None) -> frozenset[tuple[str, ...]]:
    """The first ``SHORT_FORM_WORDS`` word stems of the entry's names that are longer."""
    if entry is None:
        return frozenset()
    words = [fold(v).split() for v in entry.variants]
    return frozenset((word_stem(ws[0]), *ws[1:SHORT_FORM_WORDS]) for ws in words if len(ws) > SHORT_FORM_WORDS)


def short_form_key(tokens: list) -> tuple[str, ...]:
    """The first word without its clitics (لحزب، والوكالة), the next as written (الأنباء ≠ أنباء)."""
    return (tokens[0].stem, *(t.norm for t in tokens[1:]))


def short_form_keys(tokens: list) -> list[tuple[str, ...]]:
    """:func:`short_form_key` of the ``SHORT_FORM_WORDS`` tokens from each token on (one key
    per start that has as many tokens after it), built by zip."""
    norms = [t.norm for t in tokens]
    return list(zip([t.stem for t in tokens], *(norms[k:] for k in range(1, SHORT_FORM_WORDS))))


def _is_actor(e: Entity) -> bool:
    return e.type in ("ORG", "PERSON") and e.attrs.get("kind", "org") in ACTOR_KINDS


def _names_identity(e: Entity) -> bool:
    """A name (org, state, person) or a noun the text tied to a country."""
    kind = e.attrs.get("kind")
    return kind in NAMED_KINDS or e.type == "PERSON" or (kind in ("generic", "office") and e.country is not None)


def _name_forms(e: Entity) -> str:
    return fold(" ".join(x for x in (e.text, e.attrs.get("name_ar") or "") if x))


@dataclass(frozen=True, slots=True)
class ImplicitDoer:
    """One row of ``implicit_doers.tsv``: who did an event of ``plover`` (with one of
    ``modes``; None = any) when the text names nobody."""
    plover: str
    modes: frozenset[str] | None
    doer: str  # unidentified | protesters | memory
    ids: frozenset[str] = frozenset()
    min_weight: float = 0.0
    where: str = ""


@lru_cache(maxsize=4)
def load_implicit_doers() -> tuple[ImplicitDoer, ...]:
    """The rows of ``rasd/data/actors/memory/implicit_doers.tsv``, in order."""
    rules = []
    for row in read_tsv("actors/memory/implicit_doers.tsv", ("plover", "modes", "doer")):
        modes = None if row["modes"].strip() == "*" else frozenset(
            m.strip() for m in row["modes"].split("|") if m.strip())
        doer, _, ids = row["doer"].strip().partition(":")
        if doer not in ("unidentified", "protesters", "memory") or (doer == "memory") != bool(ids):
            raise DataFileError(f"unknown doer {row['doer']!r} (unidentified, protesters or memory:IDS)",
                                where=f"{row.where}:doer")
        try:
            min_weight = float(row.cells.get("min_weight") or 0)
        except ValueError as exc:
            raise DataFileError(f"not a number: {row.cells.get('min_weight')!r}", where=f"{row.where}:min_weight") from exc
        rules.append(ImplicitDoer(row["plover"].strip(), modes, doer,
                                  frozenset(i.strip() for i in ids.split("|") if i.strip()), min_weight, row.where))
    return tuple(rules)
