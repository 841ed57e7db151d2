"""The article's places as a whole: its dateline, its country, the place each sentence is about.

The geo stage (:class:`rasd.geo.PlaceResolver`) builds one :class:`DocumentPlaces` per
document and stores it on ``Document.geo_context``; :func:`rasd.geo.event_location`
reads it to place an event whose own clause names no place.

* the **dateline**: a place standing alone at the head of the article, cut off by a dash
  or a colon (``عدن - «الشرق الأوسط»:``, ``الرياض - واس``, ``دمشق (رويترز) -``, or after
  the outlet's name: ``عين اليوم – جاكرتا``);
* the **main country**: the country most of the article's resolved places lie in (the
  dateline counts once more), used to choose among places of one name (``عمان``);
* **sentence places**: for each sentence, the place its report is about (the last one
  named, the most specific when one lies in another; places naming an actor, a source,
  a venue of talks are left out). ``place_before(i)`` is the place the article was last
  at before sentence ``i``.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from rasd.doc import Document, Entity, Place

__all__ = ["DocumentPlaces", "find_dateline", "stands_as_dateline", "main_country", "dominant_country",
           "DATELINE_HEAD_CHARS"]

DATELINE_HEAD_CHARS = 80  # a dateline stands within the first characters of the article
DATELINE_MAX_WORDS_BEFORE = 4  # the outlet's name before it (عين اليوم –)
CARRY_SENTENCES = 5  # how far back (in sentences) an event with no place looks for the article's place
_SEPARATOR = "-–—:\u0640"
_SOURCE = r"(?:\([^()\n]{0,40}\)\s*)?"  # (رويترز)
_AFTER = re.compile(rf"[ \t]*{_SOURCE}(?:[{_SEPARATOR}]|\n|$)")
_AFTER_SEPARATOR = re.compile(rf"[ \t]*{_SOURCE}[{_SEPARATOR}]")
_BEFORE = re.compile(rf"(?:^|[{_SEPARATOR}])[ \t]*$")
_SENTENCE_END = re.compile(r"[.!؟?\n]")


@dataclass(slots=True)
class DocumentPlaces:
    """What the geo stage learnt about the article's places (see the module doc).

    Attributes:
        dateline: the dateline's place (its span that of the dateline), or None.
        main_country: ISO3 code of the country the article is about, or None.
        countries: resolved place mentions per country.
        sentence_places: one entry per ``Document.sentences`` item (None: no place).
        country_place: the main country as a place (no span), for the words that mean
            "the country" (``في أنحاء البلاد``).
        analysis: the geo analysis of the text (words, context words, mentions) made with
            the options' gazetteer, shared with the events stage; not serialised.
    """
    dateline: Place | None = None
    main_country: str | None = None
    countries: dict[str, int] = field(default_factory=dict)
    sentence_places: list[Place | None] = field(default_factory=list)
    country_place: Place | None = None
    analysis: Any = field(default=None, repr=False, compare=False)

    def place_before(self, index: int, max_back: int | None = None) -> Place | None:
        """The place of the nearest sentence before sentence ``index`` that names one,
        looking back ``max_back`` sentences at most (``CARRY_SENTENCES`` by default)."""
        max_back = CARRY_SENTENCES if max_back is None else max_back
        stop = max(index - max_back, 0)
        for i in range(min(index, len(self.sentence_places)) - 1, stop - 1, -1):
            if self.sentence_places[i] is not None:
                return self.sentence_places[i]
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "dateline": self.dateline.to_dict() if self.dateline else None,
            "main_country": self.main_country,
            "countries": dict(self.countries),
            "sentence_places": [p.to_dict() if p else None for p in self.sentence_places],
        }


def _place(ent: Entity) -> Place | None:
    place = ent.attrs.get("place")
    return place if isinstance(place, Place) else None


def stands_as_dateline(text: str, start: int, end: int, head: int = 0) -> bool:
    """Does ``text[start:end]`` stand alone at the head of the article like a dateline?

    Within ``DATELINE_HEAD_CHARS`` of the start of the text (``head``: after the title),
    between the start (or a dash after at most ``DATELINE_MAX_WORDS_BEFORE`` words: the
    outlet's name) and a dash or a colon (a source in parentheses may come between); after
    the outlet's name the end of the line will do.
    """
    lead_space = len(text[head:]) - len(text[head:].lstrip())
    if start < head or start >= head + lead_space + DATELINE_HEAD_CHARS:
        return False
    before = text[head:start]
    if _SENTENCE_END.search(before.strip()) or not _BEFORE.search(before):
        return False
    lead = before.strip().rstrip(_SEPARATOR).strip()
    if len(lead.split()) > DATELINE_MAX_WORDS_BEFORE:
        return False
    return bool((_AFTER if lead else _AFTER_SEPARATOR).match(text, end))


def find_dateline(doc: Document) -> Place | None:
    """The place of the article's dateline (:func:`stands_as_dateline`), or None."""
    text = doc.text
    head = len(doc.title) if doc.title and text.startswith(doc.title) else 0
    limit = head + len(text[head:]) - len(text[head:].lstrip()) + DATELINE_HEAD_CHARS
    for ent in doc.entities:
        if ent.type != "LOC" or ent.start < head:
            continue
        if ent.start >= limit:
            break
        place = _place(ent)
        if place is not None and stands_as_dateline(text, ent.start, ent.end, head):
            return replace(place, mention=ent.text, span=(ent.start, ent.end))
    return None


def dominant_country(entities: list[Entity], min_share: float = 0.0) -> str | None:
    """The country most places among ``entities`` lie in (a place's country, else the
    entity's own), ties to the first; None when none has a country or the first country's
    share of the counted places is under ``min_share``.

    Unlike :func:`main_country` it needs no resolved place (a place the text tied to a
    country counts) and leaves the dateline out; the actor memory and the events stage
    use it for the country of an unnamed group.
    """
    counts: Counter[str] = Counter()
    for e in entities:
        if e.type == "LOC":
            country = getattr(e.attrs.get("place"), "country", None) or e.country
            if country:
                counts[country] += 1
    if not counts:
        return None
    country, n = counts.most_common(1)[0]
    return country if n / sum(counts.values()) >= min_share else None


def main_country(doc: Document, dateline: Place | None = None) -> tuple[str | None, dict[str, int]]:
    """The country most resolved places of ``doc`` lie in, and the count per country.

    The dateline's country counts once more; a tie between the first two is no answer
    unless the dateline settles it.
    """
    counts: Counter[str] = Counter()
    for ent in doc.entities:
        place = _place(ent) if ent.type == "LOC" else None
        if place is not None and place.country:
            counts[place.country] += 1
    if dateline is not None and dateline.country:
        counts[dateline.country] += 1
    if not counts:
        return None, {}
    ranked = counts.most_common(2)
    if len(ranked) == 2 and ranked[0][1] == ranked[1][1]:
        tied = {ranked[0][0], ranked[1][0]}
        best = dateline.country if dateline is not None and dateline.country in tied else None
        return best, dict(counts)
    return ranked[0][0], dict(counts)
