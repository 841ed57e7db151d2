"""Where did the event of a sentence happen? The place of its clause, else the article's.

Places that only name an actor (``شرطة بغداد``, ``محافظ نينوى``, a place inside an
organisation's name), the source of the report (``قال مصدر في دمشق``, a dateline
``دمشق -``), the venue of talks or a visit when the event is not the meeting itself
(``اجتماع في أنقرة``), and countries that are not governed by a locative word (``قصفت
روسيا``) are not sites. Among the sites of the sentence the place governed by a locative
word or a type noun, the most specific when one lies in another (a town over its
governorate and its country), and the nearest to the trigger in the same clause wins.

When the sentence names no site, the place comes from the base of a local actor it
names (``محافظ البصرة``), then from the article (:class:`rasd.geo.DocumentPlaces`): the
place the article was last at before the sentence, then the dateline.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import replace
from functools import lru_cache

from rasd.doc import Document, Entity, Place
from rasd.geo.context import DocumentPlaces, find_dateline, main_country
from rasd.geo.gazetteer import Gazetteer
from rasd.geo.lexicon import load_lexicon
from rasd.geo.mentions import Analysis, Mention, analyze
from rasd.text.normalize import fold

__all__ = ["event_location", "place_roles", "sentence_place", "clause_place", "based_place",
           "document_places", "sentence_index", "country_references", "EXCLUDED_ROLES"]

_SPECIFICITY = {"point": 5, "town": 4, "district": 3, "region": 2.5, "governorate": 2,
                "country": 1, "unknown": 0}
_DATELINE = re.compile(r"\s*(?:\([^()\n]{0,40}\)\s*)?[-–—:\u0640]")
SOURCE_WINDOW = 5  # words between a source noun and the place
MEETING_WINDOW = 6
EXCLUDED_ROLES = frozenset({"actor", "source", "dateline", "meeting"})  # never a site


def _clause(doc: Document, sentence: tuple[int, int], offset: int) -> tuple[int, int]:
    for s in doc.sentences:
        if s.start <= offset < s.end or (s.start <= sentence[0] and sentence[1] <= s.end):
            for c in s.clauses:
                if c[0] <= offset < c[1]:
                    return c
    return sentence


def _mention_for(an: Analysis, ent: Entity) -> Mention | None:
    best = None
    for m in an.mentions_overlapping(ent.start, ent.end):
        if best is None or abs(m.start - ent.start) < abs(best.start - ent.start):
            best = m
    return best


@lru_cache(maxsize=4096)
def _is_meeting_word(text: str) -> bool:
    """Does ``text`` (a trigger as written) hold a meeting word of the bundled context
    lexicon? Remembered per text: trigger words repeat across documents."""
    if not text.strip():
        return False
    lex = load_lexicon()
    folded = fold(text)
    if any(h.payload.role == "meeting" for h in lex.matcher.find(folded)):
        return True
    return any(cw.role == "meeting" for word in folded.split() for _, cw, _ in lex.lookup(word))


def place_roles(doc: Document, ent: Entity, trigger: tuple[int, int],
                an: Analysis | None = None, names: list[Entity] | None = None,
                meeting: bool | None = None) -> set[str]:
    """Why a LOC entity may not be the event's location: ``actor``, ``source``,
    ``dateline``, ``meeting``; ``governed`` when a locative word or type noun governs
    it; ``based`` when it names the base of a local actor (``محافظ البصرة``). The empty
    set: an ungoverned place in the event's own words.

    ``names``: the ORG/PERSON entities that may contain it (all of the document's when None).
    ``meeting``: whether the trigger is a meeting word (read from the text when None).
    """
    an = an or analyze(doc)
    roles: set[str] = set()
    m = _mention_for(an, ent)
    # a place inside an organisation's name names the actor (شرطة بغداد, قوات سوريا
    # الديمقراطية), unless a direction or preposition makes it a location phrase that the
    # organisation's span took in (الأمن العام شرق مدينة الرياض)
    located = m is not None and (m.direction_before or m.prep is not None)
    if not located:
        start, end = ent.start, ent.end
        for other in (doc.entities if names is None else names):
            if other.start <= start and end <= other.end and other.type in ("ORG", "PERSON") \
                    and (other.start != start or other.end != end):
                roles.add("actor")
                break
    ws = m.ws if m is not None else an.word_index_at(ent.start)
    if ws is None:
        return roles
    governed = m is not None and (m.governor is not None or m.prep is not None)
    if m is None:
        governed = bool(an.hits_before(ws, "prep", "type", "direction", "countryside"))
    if governed:
        roles.add("governed")
    if m is None or m.prefix in ("", "ال"):
        heads = an.hits_before(ws, "actor_head")
        if heads:
            roles.add("actor")
        if any(h.word.value == "local" for h in heads):
            roles.add("based")
    place = ent.attrs.get("place")
    # a country is where an event happened only with a locative word (في سوريا); as a
    # subject or between two parties (الاتفاق الموقع بين تركيا وروسيا) it is an actor
    large = isinstance(place, Place) and (place.precision == "country" or place.country is None)
    if large and (not governed or (m is not None and m.prep == "بين")):
        roles.add("actor")
    trigger_wi = an.word_index_at(trigger[0])
    # the source of the report: مصدر عسكري في دمشق، وكالة … من بيروت
    prep = m.prep if m is not None else None
    if prep in ("في", "فى", "من", "ب") or (m is None and governed):
        lo = max(0, ws - SOURCE_WINDOW - 1)
        for wi in range(ws - 1, lo - 1, -1):
            if trigger_wi is not None and wi == trigger_wi:
                break
            hits = an.starting_at(wi)
            if hits and any(h.role == "source" for h in hits):
                roles.add("source")
                break
    # a dateline: دمشق - … / بيروت (رويترز) -
    sentence_start = _sentence_start(doc, ent.start)
    if doc.text[sentence_start:ent.start].strip() == "" and _DATELINE.match(doc.text, ent.end) \
            and trigger[0] > ent.end:
        roles.add("dateline")
    # the venue of talks or a visit, when the event is not the meeting itself; after the
    # trigger, a meeting noun is rather what the event hit (استهدفت اجتماعا بمدينة X)
    if meeting is None and governed:
        meeting = _is_meeting_word(doc.text[trigger[0]:trigger[1]])
    if governed and not meeting:
        lo = max(0, ws - MEETING_WINDOW - 1)
        after_trigger = trigger_wi is not None and trigger_wi < ws
        for wi in range(ws - 1, lo - 1, -1):
            if trigger_wi is not None and wi == trigger_wi:
                break
            hits = an.starting_at(wi)
            if hits and any(h.role == "meeting" and (not after_trigger or h.word.value == "travel") for h in hits):
                roles.add("meeting")
                break
    return roles


def _sentence_start(doc: Document, offset: int) -> int:
    for s in doc.sentences:
        if s.start <= offset < s.end:
            return s.start
    line = doc.text.rfind("\n", 0, offset)
    return line + 1


def event_location(doc: Document, sentence: tuple[int, int], trigger: tuple[int, int]) -> Place | None:
    """The place where the event of ``sentence`` (triggered at ``trigger``) happened.

    In this order: the place of the trigger's own clause or sentence (the most specific,
    governed by a locative word, nearest to the trigger); a place the sentence names only
    through a locally based actor (``محافظ البصرة``); the place the article was last at
    before the sentence; the article's dateline. The last two come from
    ``doc.geo_context`` (the geo stage's :class:`DocumentPlaces`); without it only the
    sentence is read.

    Args:
        doc: a document that went through the entities and geo stages.
        sentence: the sentence's original span.
        trigger: the trigger's original span.

    Returns:
        The chosen :class:`Place`, its span that of the mention it was read from (in an
        earlier sentence or the dateline when inherited), or None.
    """
    context = doc.geo_context if isinstance(doc.geo_context, DocumentPlaces) else None
    an = context.analysis if context is not None and context.analysis is not None else analyze(doc)
    found = sentence_place(doc, an, sentence, trigger, context)
    if found is not None or context is None:
        return found
    index = sentence_index(doc, sentence)
    carried = context.place_before(index) if index is not None else None
    return carried or context.dateline


def sentence_place(doc: Document, an: Analysis, sentence: tuple[int, int],
                   trigger: tuple[int, int], context: DocumentPlaces | None = None) -> Place | None:
    """The place of the event at ``trigger`` read from its own sentence only: a site of
    the sentence (``في أنحاء البلاد`` standing for the article's country when ``context``
    knows it), else a place it names through a locally based actor."""
    locs, names = _sentence_entities(doc, sentence)
    refs = country_references(doc, an, sentence, context.country_place if context else None)
    if not locs and not refs:
        return None
    clause = _clause(doc, sentence, trigger[0])
    meeting = _is_meeting_word(doc.text[trigger[0]:trigger[1]])  # once for all the sentence's places
    roles = [(ent, place_roles(doc, ent, trigger, an, names, meeting)) for ent in locs] + refs
    return clause_place(doc, an, roles, clause, trigger, meeting) or based_place(roles)


_COUNTRY_PREPS = frozenset({"في", "فى", "داخل"})


def country_references(doc: Document, an: Analysis, sentence: tuple[int, int],
                       country: Place | None) -> list[tuple[Entity, set[str]]]:
    """``في أنحاء البلاد``, ``داخل البلاد``: the words for "the country" governed by a
    locative word, as places of the article's ``country`` (none when it is unknown)."""
    if country is None or "بلاد" not in doc.text[sentence[0]:sentence[1]]:
        return []
    first, after = an.word_index_at(sentence[0]), an.word_index_at(sentence[1])
    last = (len(an.words) if after is None else after) - 1  # the sentence may end on a stop, not a word
    if first is None or last < first:
        return []
    out = []
    for wi in range(first, last + 1):
        for h in an.starting_at(wi):
            if h.role != "country_ref":
                continue
            governed = h.prefix.lstrip("وف") == "ب" or any(
                p.word.pattern in _COUNTRY_PREPS and p.prefix in ("", "و", "ف")
                for p in an.hits_before(h.ws, "prep"))
            if not governed:
                continue
            start, end = an.words[h.ws].start, an.words[h.we].end
            place = replace(country, mention=doc.text[start:end], span=(start, end))
            out.append((Entity("LOC", start, end, doc.text[start:end], canonical=place.name,
                               country=place.country, attrs={"place": place}), {"governed"}))
            break
    return out


def sentence_index(doc: Document, sentence: tuple[int, int]) -> int | None:
    """Index in ``doc.sentences`` of the sentence containing ``sentence``'s start."""
    starts = [s.start for s in doc.sentences]
    i = bisect_right(starts, sentence[0]) - 1
    if 0 <= i < len(doc.sentences) and sentence[0] < max(doc.sentences[i].end, sentence[0] + 1):
        return i
    return None


def _sentence_entities(doc: Document, sentence: tuple[int, int]) -> tuple[list[Entity], list[Entity]]:
    """The sentence's resolved LOC entities, and its ORG/PERSON entities (which may hold them)."""
    locs, names = [], []
    for e in doc.entities_in(sentence[0], sentence[1]):
        if e.type == "LOC" and isinstance(e.attrs.get("place"), Place):
            locs.append(e)
        elif e.type in ("ORG", "PERSON"):
            names.append(e)
    return locs, names


def clause_place(doc: Document, an: Analysis, roles: list[tuple[Entity, set[str]]],
                 clause: tuple[int, int], trigger: tuple[int, int],
                 meeting: bool | None = None) -> Place | None:
    """Among the sentence's places that are sites (not an actor, a source, a dateline or
    a venue of talks), the one governed by a locative word, the most specific when one
    lies in another, and the nearest to the trigger in its clause. ``meeting``: whether
    the trigger is a meeting word (read from the text when None)."""
    kept: list[tuple[Entity, set[str]]] = []
    if meeting is None:
        meeting = _is_meeting_word(doc.text[trigger[0]:trigger[1]])
    trigger_wi = an.word_index_at(trigger[0])
    for ent, ent_roles in roles:
        if ent_roles & EXCLUDED_ROLES:
            continue
        if meeting and trigger_wi is not None:
            # a meeting's venue stands next to it (اجتماع في أنقرة); a place further on
            # belongs to what the meeting was about
            wi = an.word_index_at(ent.start)
            if wi is None or abs(wi - trigger_wi) > MEETING_WINDOW:
                continue
        kept.append((ent, ent_roles))
    scored: list[tuple[float, Entity]] = []
    for ent, ent_roles in kept:
        place: Place = ent.attrs["place"]
        s = 0.0
        if "governed" in ent_roles:
            s += 3
        s += 0.6 * _specificity(place)
        if any(_contains(place, other.attrs["place"]) for other, _ in kept if other is not ent):
            s -= 4
        if clause[0] <= ent.start and ent.end <= clause[1]:
            s += 2
        if ent.start >= trigger[1]:
            dist = ent.start - trigger[1]
            s += 0.3
        else:
            dist = trigger[0] - ent.end
        s -= min(max(dist, 0), 300) / 100
        scored.append((s, ent))
    if not scored:
        return None
    best = max(scored, key=lambda x: x[0])[1]
    return _at(best)


def based_place(roles: list[tuple[Entity, set[str]]]) -> Place | None:
    """A town or governorate named only as the base of an actor (``محافظ البصرة``,
    ``شرطة بغداد``): with no other place in the sentence, the event happened there. The
    most specific such place, the first of equals."""
    based = [ent for ent, ent_roles in roles
             if "based" in ent_roles and not ent_roles & (EXCLUDED_ROLES - {"actor"})
             and ent.attrs["place"].precision not in ("country", "unknown")]
    if not based:
        return None
    return _at(max(based, key=lambda e: (_specificity(e.attrs["place"]), -e.start)))


def _at(ent: Entity) -> Place:
    return replace(ent.attrs["place"], mention=ent.text, span=(ent.start, ent.end))


def document_places(doc: Document, an: Analysis, gazetteer: Gazetteer | None = None) -> DocumentPlaces:
    """The article-wide reading of places (dateline, main country, sentence places) of
    a document whose LOC entities are resolved; ``an`` is kept for the events stage, and
    ``gazetteer`` (the one that made it) gives the main country's row."""
    dateline = find_dateline(doc)
    country, counts = main_country(doc, dateline)
    entry = gazetteer.country(country) if gazetteer is not None else None
    country_place = None if entry is None else Place(
        name=entry.name_en, name_ar=entry.name_ar, country=entry.country, lat=entry.lat,
        lon=entry.lon, geonameid=entry.geonameid, precision="country", id=entry.id)
    places: list[Place | None] = []
    by_sentence: dict[int, tuple[list[Entity], list[Entity]]] = {}
    starts = [s.start for s in doc.sentences]
    for e in doc.entities:  # one pass: the entities of each sentence
        i = bisect_right(starts, e.start) - 1
        if i < 0 or e.end > doc.sentences[i].end:
            continue
        locs, names = by_sentence.setdefault(i, ([], []))
        if e.type == "LOC" and isinstance(e.attrs.get("place"), Place):
            locs.append(e)
        elif e.type in ("ORG", "PERSON"):
            names.append(e)
    for i, s in enumerate(doc.sentences):
        locs, names = by_sentence.get(i, ([], []))
        if not locs:
            places.append(None)
            continue
        # roles as for an event told after the sentence's places; among the sites, the
        # sentence's main place: governed, the most specific, the first named
        end, start = (s.end, s.end), (s.start, s.start)
        roles = [(ent, place_roles(doc, ent, end, an, names, False)) for ent in locs]  # no trigger word
        places.append(clause_place(doc, an, roles, (s.start, s.end), start, False) or based_place(roles))
    return DocumentPlaces(dateline=dateline, main_country=country, countries=counts,
                          sentence_places=places, country_place=country_place, analysis=an)


def _specificity(place: Place) -> float:
    if place.precision == "region" and place.admin1 is None:
        return 1.5  # a part of a country (شرق اليمن): larger than a governorate
    return _SPECIFICITY.get(place.precision, 0)


def _contains(outer: Place, inner: Place) -> bool:
    """Does ``outer`` contain ``inner`` (a governorate its town, a country its city)?"""
    if outer is inner or _specificity(outer) >= _specificity(inner):
        return False
    if outer.precision == "country" or (outer.precision == "region" and outer.admin1 is None):
        return outer.country is not None and outer.country == inner.country
    if outer.precision in ("governorate", "region"):
        return outer.admin1 is not None and outer.admin1 == inner.admin1 and outer.country == inner.country
    if outer.precision in ("district", "town"):
        if outer.lat is None or inner.lat is None:
            return False
        return abs(outer.lat - inner.lat) < 0.15 and abs(outer.lon - inner.lon) < 0.15
    return False
