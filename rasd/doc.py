"""Typed records that flow through the pipeline.

A :class:`Document` carries the clean body text and everything the stages add to it.
Every span is a pair of character offsets into ``Document.text`` (the original
characters, never the normalised ones): ``doc.text[start:end]`` is what was read.
``to_dict()`` on a Document gives the record fixed in the output contract
(``shared/contract/output.md``).
"""
from __future__ import annotations

import bisect
import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

__all__ = [
    "Span", "Token", "Sentence", "Entity", "ActorRef", "Place", "DateRef", "Mention",
    "Event", "Document", "content_id",
]


def content_id(text: str) -> str:
    """A stable id for a document that came without one: a hash of its text."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


@dataclass(slots=True)
class Span:
    start: int
    end: int

    def as_list(self) -> list[int]:
        return [self.start, self.end]


@dataclass(slots=True)
class Token:
    """A word of the normalised text, with its clitics split off.

    ``start``/``end`` index the original text; ``norm`` is the folded surface form,
    ``stem`` the form with proclitics (و ف ب ل ك ال) and pronoun suffixes removed.
    ``nstart``/``nend`` index the normalised text.
    """
    start: int
    end: int
    nstart: int
    nend: int
    norm: str
    stem: str
    prefix: str = ""
    suffix: str = ""


@dataclass(slots=True)
class Sentence:
    start: int
    end: int
    # clause boundaries inside the sentence (original offsets), split at conjunctions
    # and punctuation that separate independent reports
    clauses: list[tuple[int, int]] = field(default_factory=list)
    # split off the previous sentence at "، و…" (one orthographic sentence, two reports)
    chained: bool = False


@dataclass(slots=True)
class Entity:
    """A mention of a person, organisation, place, date or number.

    ``attrs`` holds what the resolving stages learn: ``role`` and ``affiliation`` for a
    person, ``place`` (a :class:`Place`) for a location, ``value`` for a number,
    ``date`` (a :class:`DateRef`) for a date.
    """
    type: str  # PERSON | ORG | LOC | DATE | NUM
    start: int
    end: int
    text: str
    canonical: str | None = None
    id: str | None = None
    country: str | None = None
    sector: str | None = None
    attrs: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out = {
            "type": self.type, "text": self.text, "span": [self.start, self.end],
            "canonical": self.canonical, "id": self.id,
            "country": self.country, "sector": self.sector,
        }
        for key, value in self.attrs.items():
            if hasattr(value, "to_dict"):
                value = value.to_dict()
            out.setdefault(key, value)
        return out


@dataclass(slots=True)
class ActorRef:
    """An actor of an event, as resolved from one mention."""
    name: str | None
    name_ar: str | None = None
    mention: str | None = None
    id: str | None = None
    country: str | None = None
    sector: str | None = None
    span: tuple[int, int] | None = None
    parent: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "name_ar": self.name_ar, "mention": self.mention,
            "id": self.id, "country": self.country, "sector": self.sector,
            "span": list(self.span) if self.span else None,
        }


@dataclass(slots=True)
class Place:
    """A resolved location. ``precision`` is point|town|district|governorate|region|country|unknown."""
    name: str | None
    name_ar: str | None = None
    mention: str | None = None
    admin1: str | None = None
    admin2: str | None = None
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    geonameid: int | None = None
    precision: str = "unknown"
    span: tuple[int, int] | None = None
    id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "name_ar": self.name_ar, "mention": self.mention,
            "admin1": self.admin1, "admin2": self.admin2, "country": self.country,
            "lat": self.lat, "lon": self.lon, "geonameid": self.geonameid,
            "precision": self.precision,
            "span": list(self.span) if self.span else None,
        }


@dataclass(slots=True)
class DateRef:
    """A date read from the text. ``value`` is ISO ``YYYY-MM-DD`` or None when unanchored."""
    value: str | None
    precision: str = "unknown"  # day | week | month | year | unknown
    mention: str | None = None
    span: tuple[int, int] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "precision": self.precision, "mention": self.mention,
                "span": list(self.span) if self.span else None}


@dataclass(slots=True)
class Mention:
    """One place in the article that reports an incident (contract: ``evidence``)."""
    span: tuple[int, int]
    sentence: str
    role: str  # headline | lead | detail | toll
    trigger: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"span": list(self.span), "sentence": self.sentence, "role": self.role, "trigger": self.trigger}


@dataclass(slots=True)
class Event:
    id: str
    plover_type: str
    plover_mode: str | None
    acled_event_type: str | None
    acled_sub_event_type: str | None
    cameo: str | None
    trigger: str
    trigger_span: tuple[int, int]
    sentence: str
    span: tuple[int, int]
    actor1: ActorRef | None = None
    actor2: ActorRef | None = None
    associated_actors: list[ActorRef] = field(default_factory=list)
    location: Place | None = None
    date: DateRef | None = None
    fatalities: int | None = None
    injuries: int | None = None
    attribution: str | None = None
    attribution_span: tuple[int, int] | None = None
    negated: bool = False
    hypothetical: bool = False
    historical: bool = False
    confidence: float = 0.5
    # what the clause says of the event (rasd.events.status): reported | recalled; the others
    # (reference, generic, accusation, …) are dropped unless Options.keep_flagged_events
    status: str = "reported"
    aggregate: bool = False  # a running total (منذ بداية العام …), never a single incident
    earlier_toll: bool = False  # the fatality figure is one the report calls earlier (حصيلة سابقة)
    evidence: list[Mention] = field(default_factory=list)  # every mention of the incident
    trigger_spans: list[tuple[int, int]] = field(default_factory=list)  # all its trigger words, main first
    # how the main trigger word is used here: "verb", "noun" (a verbal noun counts) or "phrase";
    # read by the status rules, not part of the output record
    trigger_pos: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "plover": {"type": self.plover_type, "mode": self.plover_mode},
            "acled": {"event_type": self.acled_event_type,
                      "sub_event_type": self.acled_sub_event_type},
            "cameo": self.cameo,
            "actor1": self.actor1.to_dict() if self.actor1 else None,
            "actor2": self.actor2.to_dict() if self.actor2 else None,
            "associated_actors": [a.to_dict() for a in self.associated_actors],
            "location": self.location.to_dict() if self.location else None,
            "date": self.date.to_dict() if self.date else None,
            "fatalities": self.fatalities,
            "injuries": self.injuries,
            "attribution": self.attribution,
            "attribution_span": list(self.attribution_span) if self.attribution_span else None,
            "trigger": self.trigger,
            "trigger_span": list(self.trigger_span),
            "sentence": self.sentence,
            "span": list(self.span),
            "negated": self.negated,
            "hypothetical": self.hypothetical,
            "historical": self.historical,
            "confidence": round(self.confidence, 3),
            "status": self.status,
            "aggregate": self.aggregate,
            "earlier_toll": self.earlier_toll,
            "evidence": [m.to_dict() for m in self.evidence],
            "trigger_spans": [list(t) for t in self.trigger_spans],
        }


def _entity_start(e: Entity) -> int:
    return e.start


@dataclass(slots=True)
class Document:
    """One article: its clean text, metadata, and what the pipeline found in it."""
    text: str
    id: str | None = None
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published: date | None = None
    language: str = "ar"
    meta: dict[str, Any] = field(default_factory=dict)
    # filled by the stages
    normalized: Any = None  # rasd.text.normalize.NormalizedText
    tokens: list[Token] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)  # sorted by start (entities_in relies on it)
    events: list[Event] = field(default_factory=list)
    # the geo stage's reading of the article as a whole (rasd.geo.DocumentPlaces): its
    # dateline, its country, the place each sentence is about
    geo_context: Any = None
    # what the pipeline skipped or cut to stay within the budget of rasd.options.Options
    # (rasd.errors.ExtractionWarning: W101 long run of letters, W102 long sentence, W103 long text)
    warnings: list[Any] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.id is None:
            self.id = content_id(self.text)

    def entities_in(self, start: int, end: int, types: tuple[str, ...] | None = None) -> list[Entity]:
        """Entities lying wholly inside ``[start, end)``, in text order.

        ``entities`` is kept sorted by start by every stage that changes it, so this is a
        bisect and a walk over the span, not a scan of the document (called per event).
        """
        entities = self.entities
        i = bisect.bisect_left(entities, start, key=_entity_start)
        out = []
        while i < len(entities) and entities[i].start < end:
            e = entities[i]
            if e.end <= end and (types is None or e.type in types):
                out.append(e)
            i += 1
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "document": {
                "id": self.id, "title": self.title, "source": self.source, "url": self.url,
                "published": self.published.isoformat() if self.published else None,
                "language": self.language, "text": self.text,
            },
            "entities": [e.to_dict() for e in self.entities],
            "events": [e.to_dict() for e in self.events],
            "warnings": [w.to_dict() for w in self.warnings],
        }
