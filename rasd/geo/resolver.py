"""Stage — geo: choose the place each LOC entity names and attach it as a :class:`Place`.

Among the places a name fits, the resolver prefers, in this order of weight:

1. the one that lies in the larger unit the text puts it in (``X في ريف حماة``,
   ``بلدة X في محافظة Y``, ``حي X في مدينة Y``, ``X شمال Y``);
2. one in a country the document names elsewhere;
3. the kind a type noun asks for (``محافظة حماة`` the governorate, ``مدينة حماة`` the city);
4. a curated place over a GeoNames-only one, then the more populous.

``ريف حماة الشمالي الغربي``, ``الريف الشرقي لدير الزور`` resolve to the governorate with
precision ``region`` and a name such as "Northwestern Hama countryside".
"""
from __future__ import annotations

import bisect
import logging
from collections import Counter

from dataclasses import replace

from rasd.doc import Document, Entity, Place
from rasd.geo.context import main_country
from rasd.geo.gazetteer import Gazetteer, PlaceEntry, distance_km, load_gazetteer, load_neighbours, prior
from rasd.geo.location import document_places
from rasd.geo.mentions import Analysis, Mention, analyze, kind_rank, score_entry
from rasd.options import Options

__all__ = ["PlaceResolver", "resolve_mentions", "parent_links", "find_place_mentions",
           "MAIN_COUNTRY_BONUS", "NEIGHBOUR_BONUS"]

log = logging.getLogger(__name__)

_ADJ = {"north": "Northern", "south": "Southern", "east": "Eastern", "west": "Western",
        "north-west": "Northwestern", "north-east": "Northeastern",
        "south-west": "Southwestern", "south-east": "Southeastern", "central": "Central"}
_OF = {"north": "North", "south": "South", "east": "East", "west": "West",
       "north-west": "Northwest", "north-east": "Northeast", "south-west": "Southwest",
       "south-east": "Southeast", "central": "Central"}
# words allowed between a place and the larger unit that follows it
_PARENT_PREPS = frozenset({"في", "فى", "ب", "قرب", "بالقرب من", "داخل", "وسط"})
PARENT_CITY_KM = 30.0
PARENT_REGION_KM = 120.0
# a place of one name in several countries (عمان: Amman or Oman) is taken in the
# country the article is about: worth more than a mention elsewhere in the text (+3)
MAIN_COUNTRY_BONUS = 4.0
NEIGHBOUR_BONUS = 3.0  # …or failing that in a country bordering it (طرابلس in news of Syria)


def consistent(child: PlaceEntry, parent: PlaceEntry) -> bool:
    """Does ``child`` lie in ``parent`` (by admin units, or by distance when unknown)?"""
    if child.id == parent.id:
        return False
    if parent.kind == "country":
        return child.country == parent.country
    if child.country and parent.country and child.country != parent.country:
        return False
    if parent.kind in ("governorate", "region", "district", "subdistrict"):
        if child.admin1 and parent.admin1:
            return child.admin1 == parent.admin1
        return distance_km(child, parent) <= PARENT_REGION_KM
    if child.admin1 and parent.admin1 and child.admin1 != parent.admin1:
        return False
    return distance_km(child, parent) <= PARENT_CITY_KM


def _abroad(child: PlaceEntry, parent: PlaceEntry) -> bool:
    """``child`` is of another country than the larger unit the text puts it in."""
    return bool(child.country and parent.country and child.country != parent.country)


def parent_links(an: Analysis) -> dict[int, int]:
    """Mention index → index of the mention naming the larger unit it lies in."""
    links: dict[int, int] = {}
    ms = an.mentions
    for i in range(len(ms) - 1):
        m, n = ms[i], ms[i + 1]
        gap = range(m.we + 1, n.ws)
        if len(gap) > 3:
            continue
        if n.prefix.startswith("و") and not n.prep:
            continue  # a list: حلب وحماة
        covered = set()
        ok = True
        for wi in gap:
            if wi in covered:
                continue
            hits = [h for h in an.starting_at(wi) if h.role in ("prep", "link")]
            if not hits:
                ok = False
                break
            covered.update(range(hits[0].ws, hits[0].we + 1))
        if not ok:
            continue
        joined = (n.prep in _PARENT_PREPS or n.direction_before or n.countryside
                  or (not gap and n.governor in ("type", "countryside", None))
                  or any(h.role == "link" for wi in gap for h in an.starting_at(wi)))
        if not joined:
            continue
        if max(kind_rank(n, e) for e in n.entries) <= min(kind_rank(m, e) for e in m.entries):
            continue
        links[i] = i + 1
    return links


def resolve_mentions(doc: Document, an: Analysis, gaz: Gazetteer,
                     main_country: str | None = None) -> list[tuple[Place, PlaceEntry]]:
    """The place chosen for each mention of ``an``, with the entry it came from.

    ``main_country``: the country the article is about (a first pass's answer), which
    settles names shared by places of several countries.
    """
    ms = an.mentions
    countries: Counter[str] = Counter()
    for m in ms:
        if len({e.country for e in m.entries}) == 1 and m.entries[0].country:
            countries[m.entries[0].country] += 1
    for ent in doc.entities:
        if ent.type != "LOC" and ent.country:
            countries[ent.country] += 1
    links = parent_links(an)
    near = load_neighbours().get(main_country, frozenset()) if main_country else frozenset()

    def article_bonus(e: PlaceEntry) -> float:
        if main_country and e.country == main_country:
            return MAIN_COUNTRY_BONUS
        return NEIGHBOUR_BONUS if e.country in near else 0.0
    chosen: list[tuple[Place, PlaceEntry] | None] = [None] * len(ms)
    for i in range(len(ms) - 1, -1, -1):
        m = ms[i]
        parent = chosen[links[i]] if i in links else None
        parent_entry = parent[1] if parent else None
        # the countries with a positive count leaving this mention's own out, once per
        # mention (not per entry); a plain dict: score_entry only reads it with .get
        own = m.entries[0].country if len({e.country for e in m.entries}) == 1 else None
        present = {c: k for c, n in countries.items() if (k := n - (c == own)) > 0}
        best = max(m.entries, key=lambda e: score_entry(m, e, present, parent_entry, consistent)
                   + article_bonus(e))
        fits = parent_entry is not None and consistent(best, parent_entry)
        if parent_entry is not None and not fits and _abroad(best, parent_entry):
            # حي الخالدية شمال حلب: the only الخالدية known is in Iraq; a place of another
            # country than the one the text puts it in is one the gazetteer lacks
            chosen[i] = (make_place(doc, m, parent_entry, None, gaz), parent_entry)
            continue
        chosen[i] = (make_place(doc, m, best, parent[0] if parent and fits else None, gaz), best)
    return [c for c in chosen if c is not None]


def make_place(doc: Document, m: Mention, e: PlaceEntry, parent: Place | None, gaz: Gazetteer) -> Place:
    mention = doc.text[m.start:m.end]
    admin1 = e.admin1 or (parent.admin1 if parent else None)
    country = e.country or (parent.country if parent else None)
    if m.countryside or m.direction:
        base = e.admin1 if e.kind == "governorate" and e.admin1 else e.name_en
        if m.countryside:
            adj = _ADJ.get(m.direction or "", "")
            name = f"{adj} {base} countryside".strip()
        elif m.direction_before and e.kind == "country":
            name = f"{_ADJ.get(m.direction or '', '')} {base}".strip()  # Northern Syria
        elif m.direction_before:
            name = f"{_OF.get(m.direction or '', '')} of {base}".strip()
        else:
            name = f"{_ADJ.get(m.direction or '', '')} {base}".strip()
        return Place(name=name, name_ar=mention, mention=mention, admin1=admin1,
                     admin2=e.admin2 if e.kind not in ("governorate", "country") else None,
                     country=country, lat=e.lat, lon=e.lon, geonameid=None,
                     precision="region" if (e.kind != "country" or m.direction) else "country",
                     span=(m.start, m.end), id=e.id)
    return Place(name=e.name_en, name_ar=e.name_ar, mention=mention,
                 admin1=admin1 if e.kind != "country" else None,
                 admin2=e.admin2 or (parent.admin2 if parent and e.kind in ("village", "neighbourhood", "camp", "point") else None),
                 country=country, lat=e.lat, lon=e.lon, geonameid=e.geonameid,
                 precision=e.precision, span=(m.start, m.end), id=e.id)


class PlaceResolver:
    """Pipeline stage ``geo``: sets ``entity.attrs["place"]`` on every LOC entity it can
    resolve, and ``canonical``/``id``/``country`` to the chosen place; then reads the
    article as a whole into ``doc.geo_context`` (a :class:`rasd.geo.DocumentPlaces`).

    LOC mentions of gazetteer places that no entity covers yet are added, so the stage
    works after any entity recogniser.
    """
    name = "geo"
    requires = ("normalized", "entities")
    assigns = ("entities", "geo_context")

    def __init__(self, options: Options) -> None:
        self.options = options
        self._gazetteer: Gazetteer | None = None

    @property
    def gazetteer(self) -> Gazetteer:
        if self._gazetteer is None:
            self._gazetteer = load_gazetteer(self.options.place_files)
        return self._gazetteer

    def __call__(self, doc: Document) -> Document:
        gaz = self.gazetteer
        an = analyze(doc, gaz)
        places = resolve_mentions(doc, an, gaz)
        added = self._attach(doc, an, places)
        for ent in doc.entities:
            if ent.type == "LOC" and "place" not in ent.attrs:
                self._fallback(doc, ent, gaz)
        added = self._national_areas(doc, an, gaz) or added
        if added:
            doc.entities.sort(key=lambda e: (e.start, -e.end))
        if any(len({e.country for e in m.entries}) > 1 for m in an.mentions):
            # names of places in several countries: read again knowing the article's country
            country, _ = main_country(doc)
            if country is not None:
                again = resolve_mentions(doc, an, gaz, main_country=country)
                if [p[1].id for p in again] != [p[1].id for p in places]:
                    self._attach(doc, an, again)
        doc.geo_context = document_places(doc, an, gaz)
        return doc

    @staticmethod
    def _national_areas(doc: Document, an: Analysis, gaz: Gazetteer) -> bool:
        """``في مناطق بحرينية``, ``مدن يمنية``: a place noun qualified by a demonym is a place
        in that country (country precision); the demonym becomes part of the place."""
        found = []
        overlapping = _Overlaps(doc.entities)
        for ent in doc.entities:
            if ent.type != "ORG" or ent.attrs.get("kind") != "demonym" or not ent.country:
                continue
            wi = an.word_index_at(ent.start)
            nouns = [h for h in an.hits_before(wi, "parts", "type")] if wi is not None else []
            entry = gaz.country(ent.country) if nouns else None
            if entry is None:
                continue
            start = an.words[nouns[0].ws].start
            if start >= ent.start or any(e.type == "LOC" for e in overlapping(start, ent.end)):
                continue
            place = Place(name=entry.name_en, name_ar=entry.name_ar, mention=doc.text[start:ent.end],
                          country=entry.country, lat=entry.lat, lon=entry.lon, geonameid=entry.geonameid,
                          precision="country", span=(start, ent.end), id=entry.id)
            found.append((ent, Entity("LOC", start, ent.end, doc.text[start:ent.end], canonical=entry.name_en,
                                      country=entry.country, attrs={"place": place})))
        if found:
            demonyms = {id(d) for d, _ in found}
            doc.entities = [e for e in doc.entities if id(e) not in demonyms] + [loc for _, loc in found]
        return bool(found)

    def _attach(self, doc: Document, an: Analysis, places: list[tuple[Place, PlaceEntry]]) -> bool:
        """Set the chosen place on the LOC entities of each mention (adding the missing
        ones); True when entities were added."""
        added = False
        overlapping = _Overlaps(doc.entities)
        for m, (place, entry) in zip(an.mentions, places):
            ents = overlapping(m.start, m.end)
            locs = [e for e in ents if e.type == "LOC"]
            # a location phrase that an organisation's span took in (الأمن العام شرق
            # مدينة الرياض) is a place as well; a bare name inside one is not (شرطة بغداد)
            swallowed = (not locs and (m.direction_before or m.prep is not None)
                         and all(e.start <= m.start and m.end <= e.end for e in ents))
            if not ents or swallowed:
                ent = Entity("LOC", m.start, m.end, doc.text[m.start:m.end])
                doc.entities.append(ent)
                overlapping.added.append(ent)
                locs = [ent]
                added = True
            for ent in locs:
                self._set(ent, m, place, entry)
        return added

    @staticmethod
    def _set(ent: Entity, m: Mention, place: Place, entry: PlaceEntry) -> None:
        if (ent.start, ent.end) != (m.start, m.end):
            place = replace(place, mention=ent.text, span=(ent.start, ent.end))
        ent.attrs["place"] = place
        ent.canonical, ent.id, ent.country = place.name, entry.id, place.country
        if len(m.entries) > 1:
            ent.attrs["candidates"] = [entry.id] + [e.id for e in m.entries if e.id != entry.id]
        else:
            ent.attrs.pop("candidates", None)

    @staticmethod
    def _fallback(doc: Document, ent: Entity, gaz: Gazetteer) -> None:
        """A LOC entity found by other means: look its text (or id) up directly."""
        entry = gaz.get(ent.id) if ent.id else None
        cands = [entry] if entry else gaz.candidates(ent.text)
        if not cands:
            return
        e = cands[0]
        ent.attrs["place"] = Place(name=e.name_en, name_ar=e.name_ar, mention=ent.text,
                                   admin1=e.admin1 if e.kind != "country" else None,
                                   admin2=e.admin2, country=e.country, lat=e.lat, lon=e.lon,
                                   geonameid=e.geonameid, precision=e.precision,
                                   span=(ent.start, ent.end), id=e.id)
        ent.canonical, ent.id, ent.country = e.name_en, e.id, e.country


def find_place_mentions(doc: Document, gazetteer: Gazetteer | None = None) -> list[Entity]:
    """LOC entities for the gazetteer places named in ``doc``, in text order.

    Each entity spans the mention in ``doc.text`` (type noun, ``ريف`` and direction words
    included), with ``canonical``/``id``/``country`` of the most likely place; when the
    name fits several places, ``attrs["candidates"]`` lists their ids, most likely first.
    :class:`rasd.geo.PlaceResolver` then chooses with the whole document in view.
    """
    gaz = gazetteer or load_gazetteer()
    an = analyze(doc, gaz)
    places = resolve_mentions(doc, an, gaz)
    out = []
    for m, (place, entry) in zip(an.mentions, places):
        ent = Entity("LOC", m.start, m.end, doc.text[m.start:m.end],
                     canonical=place.name, id=entry.id, country=entry.country)
        if len(m.entries) > 1:
            ranked = sorted(m.entries, key=lambda e: (e.id != entry.id, -prior(e)))
            ent.attrs["candidates"] = [e.id for e in ranked]
        out.append(ent)
    return out


class _Overlaps:
    """The entities overlapping a span, in list order, without a scan of all of them per
    mention: a bisect over the entities sorted by start, within the longest entity's length
    (entities ``added`` meanwhile, few, are checked one by one)."""

    def __init__(self, entities: list[Entity]) -> None:
        self.order = sorted(range(len(entities)), key=lambda i: entities[i].start)
        self.entities = entities
        self.starts = [entities[i].start for i in self.order]
        self.longest = max((e.end - e.start for e in entities), default=0)
        self.added: list[Entity] = []

    def __call__(self, start: int, end: int) -> list[Entity]:
        lo = bisect.bisect_left(self.starts, start - self.longest)
        hi = bisect.bisect_left(self.starts, end)
        found = sorted(i for i in self.order[lo:hi] if self.entities[i].end > start)
        return [self.entities[i] for i in found] + [e for e in self.added if e.start < end and start < e.end]
