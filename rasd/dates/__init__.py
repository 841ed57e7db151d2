"""Stage 5 — dates: resolve DATE entities against the publication date.

The entities stage finds date expressions (:func:`find_date_mentions`, words in
``rasd/data/dates/``); :class:`DateResolver` gives each DATE entity
``attrs["date"] = DateRef(value, precision, mention, span)``. :func:`publication_date`
reads a dateline from the text when metadata gave none; :func:`event_date` picks the
date of one event in its sentence.
"""
from __future__ import annotations

import logging
import re
from datetime import date
from functools import lru_cache

from rasd.dates.mentions import DateExpr, find_dates
from rasd.dates.resolve import resolve
from rasd.doc import DateRef, Document, Entity
from rasd.datafiles import alternation, read_tsv, variants
from rasd.options import Options
from rasd.text.matcher import PhraseMatcher
from rasd.text.normalize import NormalizedText, normalize

__all__ = ["DateResolver", "DateExpr", "find_date_mentions", "resolve_entity", "publication_date",
           "event_date", "resolve"]

log = logging.getLogger(__name__)


class DateResolver:
    """Give every DATE entity its calendar date (``attrs["date"]``, a :class:`DateRef`)."""
    name = "dates"
    requires = ("entities", "published")
    assigns = ("entities",)

    def __init__(self, options: Options) -> None:
        self.options = options

    def __call__(self, doc: Document) -> Document:
        for entity in doc.entities:
            if entity.type == "DATE":
                entity.attrs["date"] = resolve_entity(entity, doc.published)
        return doc


def find_date_mentions(doc: Document, words: list[tuple[int, str]] | None = None) -> list[Entity]:
    """DATE entities for the date expressions of ``doc`` (its text stage must have run).

    ``words``: ``(nstart, norm)`` of its tokens, when the caller has built them already.
    """
    norm: NormalizedText = doc.normalized
    if words is None:
        words = [(t.nstart, t.norm) for t in doc.tokens]
    out = []
    for mention in find_dates(norm.text, words):
        start, end = norm.original_span(mention.nstart, mention.nend)
        out.append(Entity("DATE", start, end, doc.text[start:end], attrs={"expr": mention.expr}))
    return out


def resolve_entity(entity: Entity, published: date | None) -> DateRef:
    """The :class:`DateRef` of one DATE entity (parsed again from its text if it has no expr)."""
    expr = entity.attrs.get("expr")
    if not isinstance(expr, DateExpr):
        found = find_dates(normalize(entity.text).text)
        expr = found[0].expr if found else None
    span = (entity.start, entity.end)
    if expr is None:
        return DateRef(None, "unknown", entity.text, span)
    value, precision = resolve(expr, published)
    return DateRef(value.isoformat() if value else None, precision, entity.text, span)


@lru_cache(maxsize=None)
def _publication_cues() -> re.Pattern[str]:
    keys = [k for row in read_tsv("dates/publication.tsv", ("pattern",)) for k in variants(row["pattern"])]
    return re.compile(rf"(?:{alternation(keys)})[\s:：-]*")


# A dateline sits near the top of a page in a short line of its own.
_DATELINE_CHARS = 800
_DATELINE_LINE = 80


def publication_date(text: str) -> date | None:
    """A publication date the text states, or None.

    Looks first for a line with a publication cue (``نشر في``, ``تاريخ النشر`` …, from
    ``rasd/data/dates/publication.tsv``) followed by a full date, then for a short line
    near the top that holds a full date (``الأحد 15 تشرين الثاني 2019``). Only dates with
    day, month and year count; nothing is guessed.
    """
    norm = normalize(text).text
    for cue in _publication_cues().finditer(norm):
        line_end = norm.find("\n", cue.end())
        window = norm[cue.end(): line_end if line_end != -1 else cue.end() + 60]
        found = _full_date(window[:60])
        if found:
            return found
    offset = 0
    for line in norm[:_DATELINE_CHARS].split("\n"):
        if 0 < len(line.strip()) <= _DATELINE_LINE:
            found = _full_date(line)
            if found:
                return found
        offset += len(line) + 1
    return None


def _full_date(text: str) -> date | None:
    for mention in find_dates(text):
        expr = mention.expr
        if expr.kind == "calendar" and expr.year and expr.month and expr.day:
            value, _ = resolve(expr, None)
            if value is not None:
                return value
    return None


@lru_cache(maxsize=None)
def _context_matcher() -> PhraseMatcher[str]:
    matcher: PhraseMatcher[str] = PhraseMatcher()
    for row in read_tsv("dates/context.tsv", ("pattern", "cue")):
        for key in row["pattern"].split("|"):
            matcher.add(key, row["cue"], verb=row["cue"] == "attribution")
    return matcher


# How far before a date (normalised characters) an attribution or recall cue counts.
_CUE_REACH = 48


DATE_REACH = 150  # characters (some 25 words) from a trigger to a date outside its clause
OTHER_EVENT_REACH = 30  # characters (some five words) from another event's trigger to the date it governs
SINCE_REACH = 30  # characters (some 4 words) from a trigger to a "since/ago" date that can be its own (قتل منذ يومين)


def event_date(doc: Document, sentence: tuple[int, int], trigger: tuple[int, int],
               other_triggers: tuple[tuple[int, int], ...] = ()) -> DateRef | None:
    """The date of the event whose trigger is at ``trigger`` in ``sentence``, or None.

    Among the DATE entities of the sentence, the one in the trigger's clause wins, then
    the one nearest the trigger; a date right after an attribution cue (``قال … أمس``:
    the date of the statement) or a recall cue (``منذ عام 2011``) is taken only when
    there is no other. A date before the trigger that follows the trigger of another
    event (``other_triggers``) within a few words dates that event: ``كانت خطفت في اليمن في فبراير أطلق
    سراحها`` (February is the abduction's month, not the release's). Spans are original
    offsets.
    """
    dates = doc.entities_in(sentence[0], sentence[1], ("DATE",))
    if not dates:
        return None
    clause = _clause_of(doc, sentence, trigger)
    norm: NormalizedText | None = doc.normalized
    best: tuple[tuple[int, int, int], Entity] | None = None
    for entity in dates:
        if entity.end <= trigger[0] and any(o[1] <= entity.start and entity.start - o[1] <= OTHER_EVENT_REACH
                                            for o in other_triggers):
            continue  # the other event's verb and then its date: خطفت في اليمن في فبراير
        in_clause = clause is not None and entity.start >= clause[0] and entity.end <= clause[1]
        distance = entity.start - trigger[1] if entity.start >= trigger[1] else trigger[0] - entity.end
        if not in_clause and distance > DATE_REACH:
            continue  # a date clauses away in a long sentence dates another report
        if distance > SINCE_REACH and _opens_with_recall(norm, entity):
            continue  # ``المحاصر منذ أكثر من عامين``: how long a state has lasted, not the act's date
        key = (_cue_before(norm, entity) is not None, not in_clause, max(distance, 0))
        if best is None or key < best[0]:
            best = (key, entity)
    if best is None:
        return None
    entity = best[1]
    ref = entity.attrs.get("date")
    return ref if isinstance(ref, DateRef) else resolve_entity(entity, doc.published)


def _clause_of(doc: Document, sentence: tuple[int, int], trigger: tuple[int, int]) -> tuple[int, int] | None:
    for sent in doc.sentences:
        if sent.start <= trigger[0] < sent.end:
            for clause in sent.clauses:
                if clause[0] <= trigger[0] < clause[1]:
                    return clause
    return None


def _opens_with_recall(norm: NormalizedText | None, entity: Entity) -> bool:
    """The date phrase itself begins with a recall cue (``منذ عامين``)."""
    if norm is None:
        return False
    nstart = norm.normalized_start(entity.start)
    return any(m.nstart == nstart and m.payload == "recall"
               for m in _context_matcher().find(norm.text, nstart, norm.normalized_start(entity.end)))


def _cue_before(norm: NormalizedText | None, entity: Entity) -> str | None:
    if norm is None:
        return None
    nstart = norm.normalized_start(entity.start)
    lo = max(0, nstart - _CUE_REACH)
    last = None
    for match in _context_matcher().find(norm.text, lo, nstart):
        if "\n" not in norm.text[match.nend:nstart]:
            last = match.payload
    # after إن/أن the reported content begins: a date there is the event's (قال المرصد إن قصفا … أمس)
    return None if last == "content" else last
