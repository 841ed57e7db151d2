"""Incidents: the mentions of one happening in an article become one event.

A report names its incident several times: the headline, the lead, a detail sentence, a
casualty update. The events stage codes each mention; this stage joins the mentions that
can be one happening and keeps every one of them as ``evidence``. Two mentions are one
incident when every rule of :data:`SAME_INCIDENT_RULES` allows it (same type and status,
places, dates, actors, sub-events and counts of people taken that do not contradict
each other). The joined event takes the clearest mention's sentence and actors (an
unnamed doer yields to the armed doer another mention names), the most specific place,
the explicit date, and the final casualty count of the report.

A figure the text gives as earlier (``حصيلة سابقة``) or a running total
(``منذ بداية العام``) is never the count: the casualty step marks such mentions, and an
aggregate event is never joined to a single incident.
"""
from __future__ import annotations

import bisect
import re
from typing import Callable

from rasd.actors import sectors
from rasd.actors.dictionary import load_actors
from rasd.doc import ActorRef, Document, Event, Mention, Place
from rasd.events.ontology import ontology
from rasd.geo.gazetteer import distance_km
from rasd.options import Options
from rasd.text.normalize import fold

__all__ = ["IncidentMerger", "merge_incidents", "same_incident", "SAME_INCIDENT_RULES"]

PLACE_RANK = {"point": 5, "town": 4, "district": 3, "governorate": 2, "country": 1, "unknown": 0}
# sub-event labels a mention carries when it only tells that people died or were attacked
GENERIC_SUB_EVENTS = {None, "Attack", "Other"}
GENERIC_MODES = {None, "kill"}
GOVERNORATE_REACH_KM = 60  # a town without a known governorate may lie in one whose centre is this near
FOLD_REACH = 2  # sentences back a part (a destruction) looks for the act it belongs to
MAX_OPEN_INCIDENTS = 40    # incidents of one kind a new mention is compared with (the latest)
MAX_CHECKED_MENTIONS = 8   # mentions of an incident checked from each end


# ---------------------------------------------------------------- rules: may a and b be one?

def same_type(a: Event, b: Event) -> bool:
    return a.plover_type == b.plover_type


def different_sentences(a: Event, b: Event) -> bool:
    """Two events the events stage read apart in one sentence are two happenings: it
    already joins the words of one happening within a sentence. A bare casualty report
    beside an act recoded after that reading (a clash) is still its toll, and the same doer
    striking one town twice in one sentence (``غارات … على معسكر … وغارة على …``) is one
    attack on it."""
    return a.span != b.span or _generic(a) or _generic(b) or (
        _at_one_known_place(a, b) and _same_actor(a.actor1, b.actor1))


def same_status(a: Event, b: Event) -> bool:
    """A denied or planned attack is not the attack that happened; an aggregate is no incident."""
    return (a.negated, a.hypothetical, a.historical) == (b.negated, b.hypothetical, b.historical) \
        and not (a.aggregate or b.aggregate)


def compatible_places(a: Event, b: Event) -> bool:
    """Places that can be one: either unknown, the same, or one lying in the other's governorate."""
    pa, pb = a.location, b.location
    if pa is None or pb is None:
        return True
    if pa.country and pb.country and pa.country != pb.country:
        return False
    if _same_place(pa, pb):
        return True
    fine, coarse = (pa, pb) if PLACE_RANK.get(pa.precision, 0) >= PLACE_RANK.get(pb.precision, 0) else (pb, pa)
    if PLACE_RANK.get(coarse.precision, 0) <= PLACE_RANK["country"]:
        return True
    if PLACE_RANK.get(coarse.precision, 0) <= PLACE_RANK["governorate"]:
        if fine.admin1:
            return fine.admin1 in (coarse.name, coarse.admin1)
        # a town the gazetteer gives no governorate: near the governorate's centre
        return distance_km(fine, coarse) <= GOVERNORATE_REACH_KM
    return False  # two different towns


def compatible_dates(a: Event, b: Event) -> bool:
    """Two explicit days that differ are two happenings."""
    da, db = a.date, b.date
    if not (da and db and da.mention and db.mention and da.value and db.value):
        return True
    if "day" not in (da.precision, db.precision) or da.precision != db.precision:
        return True
    return da.value == db.value


def compatible_actors(a: Event, b: Event) -> bool:
    """Different doers are different acts, unless the two mentions name the same two sides
    the other way round (a clash: ``اشتباكات بين X وY`` / ``هاجم Y مواقع X``). Mentions
    of one act at one known place are one incident even when one of them names the doer
    by another word (a pronoun, a description, the victim's side by mistake): the
    incident keeps the actors of its clearest mention. Within one sentence the events stage
    has already told the doers apart (the army retook the town, the rebels struck back)."""
    if a.span != b.span and _at_one_known_place(a, b):
        return True
    if a.actor1 is None or b.actor1 is None or _same_actor(a.actor1, b.actor1):
        return _targets_agree(a, b)
    return _same_actor(a.actor1, b.actor2) and _same_actor(b.actor1, a.actor2)


def compatible_sub_events(a: Event, b: Event) -> bool:
    """An air strike and a shelling are two events; a casualty report fits any of them."""
    if a.acled_sub_event_type == b.acled_sub_event_type:
        return True
    return _generic(a) or _generic(b)


_COUNT_AFTER_WORD = re.compile(r"\s*[(«]?\s*(\d+)")


def _count_taken(ev: Event) -> int | None:
    """The number right after the trigger word (``ضبط 24 من``), for the types that count the taken."""
    if not ontology().counts_takings(ev.plover_type, ev.plover_mode):
        return None
    m = _COUNT_AFTER_WORD.match(ev.sentence, ev.trigger_span[1] - ev.span[0])
    return int(m.group(1)) if m else None


def compatible_counts(a: Event, b: Event) -> bool:
    """``ضبط 24 من العناصر`` and ``ضبط 6 من أعضاء اللجان``: two counts of people taken are two batches."""
    ca, cb = _count_taken(a), _count_taken(b)
    return ca is None or cb is None or ca == cb


def _another_of_its_kind(ev: Event) -> bool:
    # وأصيب آخر: another of the wounded, a toll of the same act
    return ev.trigger_pos != "verb" and ontology().names_another(ev.sentence, ev.trigger_span[1] - ev.span[0])


def not_another_of_its_kind(a: Event, b: Event) -> bool:
    """``وقعت اشتباكات مماثلة في منطقة المخدرة``, ``هجوم آخر``: a mention that names itself
    another happening of the kind is not the one told before."""
    return not (_another_of_its_kind(a) or _another_of_its_kind(b))


SAME_INCIDENT_RULES: tuple[Callable[[Event, Event], bool], ...] = (
    same_type, different_sentences, same_status, compatible_places, compatible_dates, compatible_actors, compatible_sub_events,
    compatible_counts, not_another_of_its_kind,
)


def same_incident(a: Event, b: Event) -> bool:
    return all(rule(a, b) for rule in SAME_INCIDENT_RULES)


# ---------------------------------------------------------------- helpers

def _same_place(a: Place, b: Place) -> bool:
    if a.id and b.id:
        return a.id == b.id
    return (a.name or a.name_ar) == (b.name or b.name_ar)


def _at_one_known_place(a: Event, b: Event) -> bool:
    """Both at one governorate or finer (a town and the governorate it lies in count as one):
    a country holds many acts of many doers."""
    pa, pb = a.location, b.location
    return pa is not None and pb is not None and compatible_places(a, b) \
        and min(PLACE_RANK.get(pa.precision, 0), PLACE_RANK.get(pb.precision, 0)) >= PLACE_RANK["governorate"]


def _same_actor(a: ActorRef | None, b: ActorRef | None) -> bool:
    if a is None or b is None:
        return False
    if a.id and b.id and a.id == b.id:
        return True
    if _unidentified(a) and _unidentified(b):
        # مجهولون and an unclaimed bombing: one unknown doer, placed or not in a country
        return a.country is None or b.country is None or a.country == b.country
    if (_individual(a) or _individual(b)) and a.name and b.name and a.name != b.name:
        return False  # two officials of one government are two people
    return (a.country, a.sector) == (b.country, b.sector) and a.sector is not None


def _two_named_groups(a: ActorRef, b: ActorRef) -> bool:
    """Two different movements of the dictionary (the Houthis and the Popular Resistance),
    not a body and a common noun for it (the army and its soldiers)."""
    if a.id == b.id:
        return False
    entries = [load_actors().get(x.id) for x in (a, b)]
    return all(e is not None and e.kind == "org" for e in entries)


def _unidentified(a: ActorRef) -> bool:
    return a.sector in sectors.UNIDENTIFIED


def _individual(a: ActorRef) -> bool:
    """A person or an office holder, or a name the dictionary does not know (most often a person)."""
    return a.id is None or sectors.is_individual(a.id)


def _targets_agree(a: Event, b: Event) -> bool:
    if a.actor2 is None or b.actor2 is None or _same_actor(a.actor2, b.actor2):
        return True
    # the dead of a bare toll may be either side of the act it counts (a clash)
    if _generic(a) and a.actor1 is None and _same_actor(a.actor2, b.actor1):
        return True
    if _generic(b) and b.actor1 is None and _same_actor(b.actor2, a.actor1):
        return True
    # a partner type names both sides in either order
    return ontology().partner(a.plover_type) and _same_actor(a.actor2, b.actor1)


def _own_place(ev: Event) -> bool:
    span = ev.location.span if ev.location else None
    return span is not None and ev.span[0] <= span[0] < ev.span[1]


def _generic(ev: Event) -> bool:
    return ev.acled_sub_event_type in GENERIC_SUB_EVENTS or ev.plover_mode in GENERIC_MODES


# ---------------------------------------------------------------- joining

def _clarity(ev: Event) -> tuple:
    """How clear a mention is: who, against whom, where, how many; the body over the headline."""
    place = PLACE_RANK.get(ev.location.precision, 0) if ev.location else 0
    return (2 * (ev.actor1 is not None) + (ev.actor2 is not None) + place / 2
            + (ev.fatalities is not None) + 0.5 * (not _generic(ev)), ev.confidence)


def _join(mentions: list[Event], roles: list[str]) -> Event:
    main = max(mentions, key=_clarity)
    others = [m for m in mentions if m is not main]
    filled = set()
    for field in ("actor1", "actor2", "date", "attribution", "attribution_span"):
        if getattr(main, field) is None:
            setattr(main, field, next((getattr(m, field) for m in others if getattr(m, field) is not None), None))
            filled.add(field)
    if main.actor1 is not None and _unidentified(main.actor1):
        # an unnamed doer (سقوط مقذوفات من الأراضي اليمنية) is named by another mention
        named = [m.actor1 for m in others if m.actor1 is not None and m.actor1.sector in sectors.ARMED - sectors.UNIDENTIFIED
                 and not _same_actor(m.actor1, main.actor2)]
        if named:
            main.actor1 = named[0]
            filled.add("actor1")
    # one actor on both sides: a side filled from a mention that had the sides the other way
    # round, or the same actor named twice; two actors one mention names stay two sides
    # (الحوثيون مع المتمردين: two armed groups of one country)
    a1, a2 = main.actor1, main.actor2
    if a1 is not None and a2 is not None and not ontology().partner(main.plover_type) and _same_actor(a1, a2) \
            and (filled & {"actor1", "actor2"} or not _two_named_groups(a1, a2)):
        main.actor2 = None
    # a mention's own place (named in its sentence) over one carried from elsewhere
    places = [m.location for m in mentions if m.location is not None and _own_place(m)] or \
        [m.location for m in mentions if m.location is not None]
    if places:
        main.location = max(places, key=lambda p: PLACE_RANK.get(p.precision, 0))
    dated = [m.date for m in mentions if m.date is not None and m.date.mention]
    if dated and not (main.date and main.date.mention):
        main.date = min(dated, key=lambda d: ("day", "week", "month", "year").index(d.precision)
                        if d.precision in ("day", "week", "month", "year") else 9)
    # the report's final toll: the largest figure, which later updates give; a figure the
    # report calls earlier (حصيلة سابقة) only when no other is given
    tolls = [m.fatalities for m in mentions if m.fatalities is not None and not m.earlier_toll]
    tolls = tolls or [m.fatalities for m in mentions if m.fatalities is not None]
    main.fatalities = max(tolls) if tolls else None
    main.earlier_toll = all(m.earlier_toll for m in mentions if m.fatalities is not None) and bool(tolls)
    hurt = [m.injuries for m in mentions if m.injuries is not None]
    main.injuries = max(hurt) if hurt else None
    main.associated_actors = main.associated_actors or next(
        (m.associated_actors for m in others if m.associated_actors), [])
    main.confidence = max(m.confidence for m in mentions)
    parts = [part for m in mentions for part in m.evidence]  # folded in by _fold_parts
    main.evidence = [Mention(m.span, m.sentence, role, m.trigger) for m, role in zip(mentions, roles)] + parts
    return main


def _fold_parts(events: list[Event], sentence_of: Callable[[Event], int]) -> list[Event]:
    """Mentions that are part of another event (the buildings an air strike destroyed) join
    that event's evidence instead of standing alone: an event of their sentence, or the
    latest one of the sentences just before at a place that can be theirs
    (``شنت الطائرات غارات على البلدة. … وان الغارات دمرت مباني``)."""
    kept: list[Event] = []
    by_sentence: dict[tuple[int, int], list[Event]] = {}
    for ev in events:
        by_sentence.setdefault(ev.span, []).append(ev)

    def whole_of(ev: Event, whole_type: str) -> Event | None:
        def fits(o: Event) -> bool:
            return o.plover_type == whole_type and (o.negated, o.hypothetical) == (ev.negated, ev.hypothetical) \
                and _voiced_by_its_side(ev, o)
        same = next((o for o in by_sentence[ev.span] if fits(o)), None)
        if same is not None:
            return same
        here = sentence_of(ev)
        for o in reversed(kept):
            if here - sentence_of(o) > FOLD_REACH:
                return None  # text order: the rest lie further back
            if fits(o) and compatible_places(o, ev):
                return o
        return None

    for ev in events:
        whole_type = ontology().folds_into(ev.plover_type, ev.plover_mode)
        whole = whole_of(ev, whole_type) if whole_type else None
        if whole is None:
            kept.append(ev)
        else:
            whole.evidence.append(Mention(ev.span, ev.sentence, "detail", ev.trigger))
    return kept


def _one_toll_per_sentence(events: list[Event]) -> list[Event]:
    """``قتل الجيش 20 مسلحا واعتقل 90 في اشتباكات``: a sentence's toll is the deaths of
    its act of force; an arrest or a protest of the same sentence that took the same figure
    does not count those dead again."""
    kinetic_tolls: dict[tuple[int, int], set[tuple[str, int]]] = {}
    for ev in events:
        if ontology().kinetic(ev.plover_type):
            tolls = kinetic_tolls.setdefault(ev.span, set())
            tolls.update((kind, n) for kind, n in (("dead", ev.fatalities), ("hurt", ev.injuries)) if n is not None)
    for ev in events:
        tolls = kinetic_tolls.get(ev.span)
        if not tolls or ontology().kinetic(ev.plover_type):
            continue
        if ("dead", ev.fatalities) in tolls:
            ev.fatalities = None
        if ("hurt", ev.injuries) in tolls:
            ev.injuries = None
    return events


def _voiced_by_its_side(part: Event, whole: Event) -> bool:
    """Words folded into an act (the demands of a protest) are those of its own side: nobody
    named, a crowd's own people, or the act's doer; a government's answer stands alone."""
    if not ontology().speech(part.plover_type) or part.actor1 is None:
        return True
    return part.actor1.sector in sectors.PROTESTER or _same_actor(part.actor1, whole.actor1)


def _role(ev: Event, headline_end: int, lead: tuple[int, int] | None) -> str:
    if ev.span[1] <= headline_end:
        return "headline"
    if lead is not None and ev.span[0] < lead[1] and lead[0] < ev.span[1]:
        return "lead"
    if ev.plover_mode == "kill":
        return "toll"
    return "detail"


def merge_incidents(doc: Document) -> list[Event]:
    """The document's events with the mentions of each incident joined, in text order."""
    headline_end = len(doc.title) if doc.title and doc.text.startswith(doc.title) else 0
    body = [s for s in doc.sentences if s.start >= headline_end]
    lead = (body[0].start, body[0].end) if body else None
    incidents: list[list[Event]] = []
    open_: dict[tuple, list[list[Event]]] = {}  # by type and status: only those can be one
    starts = [s.start for s in doc.sentences]
    events = _one_toll_per_sentence(doc.events)
    for ev in _fold_parts(events, lambda ev: bisect.bisect_right(starts, ev.span[0])):
        key = (ev.plover_type, ev.negated, ev.hypothetical, ev.historical, ev.aggregate)
        recent = open_.setdefault(key, [])
        # bounded work per event (the page may be huge): the latest incidents of its kind,
        # checked against their first and latest mentions
        home = next((inc for inc in recent[-MAX_OPEN_INCIDENTS:]
                     if all(same_incident(m, ev) for m in inc[:MAX_CHECKED_MENTIONS] + inc[-MAX_CHECKED_MENTIONS:])),
                    None)
        if home is None:
            incidents.append([ev])
            recent.append(incidents[-1])
        else:
            home.append(ev)
    roles = [[_role(m, headline_end, lead) for m in inc] for inc in incidents]
    body_types = {inc[0].plover_type for inc, r in zip(incidents, roles) if set(r) != {"headline"}}
    # a headline that joins no report of the body restates it in other words: the body's count
    joined = [_join(inc, r) for inc, r in zip(incidents, roles)
              if set(r) != {"headline"} or inc[0].plover_type not in body_types]
    for n, ev in enumerate(joined, 1):
        ev.id = f"e{n}"
    return joined


class IncidentMerger:
    """Pipeline stage: one event per happening, every mention kept as evidence."""
    name = "incidents"
    requires = ("events", "sentences")
    assigns = ("events",)

    def __init__(self, options: Options) -> None:
        self.options = options

    def __call__(self, doc: Document) -> Document:
        doc.events = merge_incidents(doc)
        return doc
