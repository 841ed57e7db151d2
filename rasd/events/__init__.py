"""Stage 6 — events: triggers → candidate events with actors, place, date, casualties and flags.

The candidates go on to ``rasd.events.status`` (does the clause report that it happened?)
and ``rasd.events.incidents`` (which mentions are one happening), the next two stages.

How a candidate is made (one per happening in a sentence, not one per trigger word):
1. trigger words of the lexicon are found in each sentence; words inside a name
   (an organisation or place) and violence words in a sports or figurative context are
   dropped;
2. triggers of the same PLOVER type in one clause form one event, led by the most
   specific trigger; a later clause of the same type joins the earlier event unless it
   names its own participants;
3. roles (rasd.events.roles), place (rasd.geo.event_location), date
   (rasd.dates.event_date), casualties and attribution (rasd.events.details) and flags
   (rasd.events.flags) are read around the trigger;
4. a definite noun that only refers back to an event already reported (``الاجتماع``
   after ``عقدوا اجتماعاً``) adds no new event, only a mention in its ``evidence``.
"""
from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from rasd.actors import actor_ref, sectors
from rasd.actors.memory import ActorMemory  # roles: the actors named so far (issue 8, roles)
from rasd.dates import event_date
from rasd.doc import ActorRef, DateRef, Document, Entity, Event, Mention, Place
from rasd.events.acled import codes_doer_as_military, fold_absorbed, refined_coding, worst_coding
from rasd.events.context import Hit, SentenceContext, build_contexts
from rasd.events.details import attribution, casualties, speaker_span
from rasd.events.flags import flags_for
from rasd.events.lexicon import load_lexicon
from rasd.events.ontology import ontology
from rasd.events.roles import POSSESSIVES, VICTIM_SECTORS, assign_roles, is_verb, speaker_speaks_for_itself
from rasd.geo import event_location
from rasd.geo.context import dominant_country
from rasd.options import Options

__all__ = ["EventExtractor"]

log = logging.getLogger(__name__)

VIOLENT_TYPES = ontology().of_kind("violent")
SPEECH_TYPES = ontology().of_kind("speech")  # events that talk about other events
STATE_SECTORS = sectors.STATE
MIN_WEIGHT = 0.3          # triggers below this never make an event
WEAK_WEIGHT = 0.55        # triggers below this need an actor, a casualty word or a place
SPORT_DOC_CUES = 4        # a document with this many sports words is a sports report
SPORT_SAFE_WEIGHT = 0.9   # in a sports context only triggers this sure survive
FICTION_DOC_CUES = 8      # a document with this many words of fiction tells a story (a novel, a film)
MAIN_COUNTRY_SHARE = 0.5  # an unnamed group takes the document's country only when half its places lie there


class EventExtractor:
    name = "events"
    requires = ("normalized", "sentences", "tokens", "entities")
    assigns = ("events",)

    def __init__(self, options: Options) -> None:
        self.options = options
        self.lexicon = load_lexicon(tuple(map(Path, options.trigger_files)), tuple(map(Path, options.cue_files)))

    def __call__(self, doc: Document) -> Document:
        contexts = build_contexts(doc, self.lexicon)
        sport_words = sum(len(c.cues_of("not_event")) for c in contexts)
        sport_doc = sport_words >= SPORT_DOC_CUES
        # a story (a novel, a film, a series): its violence is the plot's
        fiction_doc = sum(len(c.cues_of("fiction")) for c in contexts) >= FICTION_DOC_CUES
        violent_doc = any(_violence_word(ctx, hit) for ctx in contexts for hit in ctx.triggers) or any(
            e.sector in sectors.ARMED for e in doc.entities if e.type in ("ORG", "PERSON"))
        main_country = dominant_country(doc.entities, MAIN_COUNTRY_SHARE)
        memory = ActorMemory(doc)  # roles: built once per document (rasd.actors.memory)
        events: list[Event] = []
        previous_place: Place | None = None
        for ctx in contexts:
            place_here: Place | None = None
            for group, clause in self._groups(ctx, sport_doc, fiction_doc):
                inherited = previous_place if ctx.sentence.chained else None
                event = self._event(ctx, group, clause, main_country, len(events) + 1, inherited,
                                    memory=memory)  # roles: the document actor memory
                if event is None:
                    continue
                if event.actor1 is None and not violent_doc and all(_casualty_only(ctx, h) for h in group):
                    continue  # deaths with no attacker and no violence anywhere: drowning, accidents, disease
                place_here = place_here or event.location
                if self._refers_back(event, group[0], events):
                    continue
                if not self.options.keep_flagged_events and (event.negated or event.hypothetical or event.historical):
                    continue
                if event.confidence < self.options.min_confidence:
                    continue
                events.append(event)
            previous_place = place_here
        events = fold_absorbed(events)  # the ontology's ACLED rules: force against protesters
        for n, event in enumerate(events, 1):
            event.id = f"e{n}"
        doc.events = events
        return doc

    # -- 1 and 2: triggers into groups -------------------------------------------------
    def _groups(self, ctx: SentenceContext, sport_doc: bool,
                fiction_doc: bool) -> list[tuple[list[Hit], tuple[int, int]]]:
        # a trigger inside a name (جيش الفتح) is no trigger; inside a common noun phrase
        # (المتظاهرين الإيرانيين) it still is
        names = [e for e in ctx.entities if e.type in ("ORG", "LOC", "PERSON") and e.attrs.get("kind") != "generic"]
        sport_here = bool(ctx.cues_of("not_event"))
        kept = []
        for hit in ctx.triggers:
            trig = hit.trigger
            if trig.weight < MIN_WEIGHT:
                continue
            if any(e.start <= hit.start and hit.end <= e.end and (e.end - e.start) > (hit.end - hit.start)
                   for e in names):
                continue  # part of a name: جيش الفتح, غرفة عمليات …
            if trig.plover in VIOLENT_TYPES and ((sport_here or sport_doc) and trig.weight < SPORT_SAFE_WEIGHT
                                                 or fiction_doc):
                continue
            if sport_here and sport_doc:
                continue  # a sentence of sport in a sports article: transfers, votes of clubs, matches
            kept.append(hit)
        # a mention naming itself another of its kind (ضربة جوية أخرى) begins a happening of its
        # own: it and the words after it are not added to the one told before
        by_clause: dict[tuple[tuple[int, int], str, int], list[Hit]] = {}
        another: dict[tuple[tuple[int, int], str], int] = {}
        for n, hit in enumerate(kept):
            key = (ctx.clause_of(hit.start), hit.trigger.plover)
            if _names_another(ctx, hit):
                another[key] = hit.start
            elif _verb_of_another(ctx, hit, kept[n + 1] if n + 1 < len(kept) else None):
                another[key] = kept[n + 1].start  # واستهدفت غارة أخرى: the verb of the other one
            by_clause.setdefault(key + (another.get(key, -1),), []).append(hit)
        groups: list[tuple[list[Hit], tuple[int, int]]] = []
        joins: dict[str, tuple[list[Hit], tuple[int, int]]] = {}  # by type, the group later clauses join
        for (clause, plover, own), hits in sorted(by_clause.items(), key=lambda kv: kv[1][0].start):
            hits.sort(key=_trigger_rank)
            earlier = joins.get(plover)
            if earlier is not None and own < 0 and (
                    not _doers(ctx, clause) or not _doers(ctx, earlier[1]) or _consequence(ctx, clause)):
                # the clause adds words, victims or an outcome to the same happening
                earlier[0].extend(hits)
                earlier[0].sort(key=_trigger_rank)
                continue
            if max(h.trigger.weight for h in hits) < WEAK_WEIGHT and not self._supported(ctx, clause):
                continue
            groups.append((hits, clause))
            if plover not in joins or own >= 0:
                joins[plover] = groups[-1]
        return groups

    @staticmethod
    def _supported(ctx: SentenceContext, clause: tuple[int, int]) -> bool:
        has_casualty = any(clause[0] <= c.start < clause[1] for c in ctx.cues_of("killed", "injured"))
        has_place = any(e.type == "LOC" and clause[0] <= e.start < clause[1] for e in ctx.entities)
        return has_casualty or has_place or bool(ctx.actors(*clause))

    # -- 3: one event ----------------------------------------------------------------
    def _event(self, ctx: SentenceContext, group: list[Hit], clause: tuple[int, int],
               main_country: str | None, number: int, inherited: Place | None = None,
               memory: ActorMemory | None = None) -> Event | None:
        doc = ctx.doc
        main = group[0]
        trig = main.trigger
        attrib = attribution(ctx)
        speaker = speaker_span(ctx)
        excluded = [span for span in (attrib[1] if attrib else None, speaker) if span]
        excluded += [(e.start, e.end) for e in _mediators(ctx, main)]
        spans = list(dict.fromkeys([clause] + [ctx.clause_of(h.start) for h in group]))
        roles = assign_roles(ctx, group, spans, excluded, memory=memory)
        own = speaker_speaks_for_itself(ctx, main, speaker)
        if own is not None:
            other = roles.actor1 if roles.actor1 is not own else None  # نقصف مواقع المسلحين: the object
            roles.actor1, roles.actor2 = own, (roles.actor2 if roles.actor2 not in (None, own) else other)
        # a report chained to the previous one by "، و…" happened in the same place unless it says otherwise
        location = _location(ctx, main) or inherited
        event_date = _date(ctx, main, group)
        counted = casualties(ctx, spans, trigger=(main.start, main.end))
        # the dead are counted for acts of violence; a demand or a visit near a toll has none
        fatalities, injuries = counted if trig.plover in VIOLENT_TYPES else (None, None)
        date_value = event_date.value if event_date and event_date.mention else None
        date_span = event_date.span if event_date and event_date.mention else None
        date_precision = event_date.precision if event_date else None
        flags = flags_for(ctx, main, clause, date_value, doc.published, date_span, date_precision)
        for other in group[1:]:
            if not (flags.negated or flags.hypothetical):
                break  # a recalled act stays recalled whatever word names it (مقتل الوحيشي آنذاك … ضربة)
            # ``فجر انتحاري نفسه … من دون أن يقتله``: the bombing happened even if the killing did not
            other_flags = flags_for(ctx, other, ctx.clause_of(other.start), date_value, doc.published,
                                    date_span, date_precision)
            if not (other_flags.negated or other_flags.hypothetical or other_flags.historical):
                flags = other_flags
                break
        country = (location.country if location else None) or main_country
        speaker = next((e for e in ctx.entities if attrib and (e.start, e.end) == attrib[1]
                        and e.type in ("ORG", "PERSON")), None)
        doer = roles.actor1
        if doer is None and speaker is not None and _announces(ctx, speaker, main):
            doer = speaker  # أعلنت الداخلية اعتقال …: a state body announcing its own act
        actor1 = _actor(doer, country, speaker)
        actor2 = _actor(roles.actor2, country, speaker)
        # the ontology's ACLED rules: the worst of the event's words (a protest with tear gas),
        # then its sides (two armed parties: a battle)
        coding = worst_coding(trig.plover, [(h.trigger.acled_event_type, h.trigger.acled_sub_event_type)
                                            for h in group], (trig.acled_event_type, trig.acled_sub_event_type))
        acled_type, acled_sub = refined_coding(trig.plover, coding, actor1, actor2)
        if actor1 is not None and codes_doer_as_military(trig.plover, acled_type):
            actor1 = _as_military(actor1)
        confidence = trig.weight * (0.55 + 0.2 * (actor1 is not None) + 0.1 * (actor2 is not None)
                                    + 0.1 * (location is not None) + 0.05 * (fatalities is not None))
        start, end = ctx.whole or (ctx.sentence.start, ctx.sentence.end)
        return Event(
            id=f"e{number}", plover_type=trig.plover, plover_mode=trig.mode,
            acled_event_type=acled_type, acled_sub_event_type=acled_sub, cameo=trig.cameo,
            trigger=main.text, trigger_span=(main.start, main.end),
            trigger_spans=[(h.start, h.end) for h in group],
            trigger_pos="verb" if is_verb(main) else ("phrase" if trig.pos == "phrase" else "noun"),
            sentence=doc.text[start:end], span=(start, end),
            actor1=actor1, actor2=actor2,
            associated_actors=[a for a in (_actor(e, country) for e in roles.associated or []) if a],
            location=location, date=event_date, fatalities=fatalities, injuries=injuries,
            earlier_toll=counted.earlier_toll,
            aggregate=counted.aggregate and counted.fatalities is None and trig.plover in VIOLENT_TYPES,
            attribution=attrib[0] if attrib else None, attribution_span=attrib[1] if attrib else None,
            negated=flags.negated, hypothetical=flags.hypothetical, historical=flags.historical,
            confidence=min(confidence, 0.99),
        )

    # -- 4: references back ------------------------------------------------------------
    @staticmethod
    def _refers_back(event: Event, main: Hit, earlier: list[Event]) -> bool:
        """Whether a noun trigger only mentions again an event already reported.

        Talks, agreements and other verbal events are named again and again in one article
        (``الاجتماع``, ``اجتماع القادة``): a noun of an earlier event's type is the same
        event unless it happened somewhere else. A violent event is repeated only by a
        definite or demonstrative noun with no doer of its own (``وأسفر الهجوم عن …``).
        """
        if is_verb(main):
            return False
        talked_about = _talked_about(event, main, earlier)
        if event.plover_type in VIOLENT_TYPES:
            if not main.prefix.endswith(("ال", "لل")) and not _demonstrative(event, main):
                return False
            if event.actor1 is not None and not _demonstrative(event, main) and not talked_about:
                return False
        for prior in reversed(earlier):
            if prior.plover_type == event.plover_type and not (prior.negated or prior.hypothetical):
                if ontology().kinetic(event.plover_type) and prior.location and event.location and \
                        prior.location.name != event.location.name and not talked_about:
                    continue
                if prior.fatalities is None and event.fatalities is not None:
                    prior.fatalities = event.fatalities
                if prior.injuries is None and event.injuries is not None:
                    prior.injuries = event.injuries
                if event.span != prior.span:  # the mention is kept as evidence of the event it names
                    prior.evidence.append(Mention(event.span, event.sentence, "detail", event.trigger))
                return True
        return False


def _doers(ctx: SentenceContext, clause: tuple[int, int]) -> list[Entity]:
    """Actors of a clause that could be doers: any but civilians and other usual victims."""
    return [a for a in ctx.actors(*clause) if a.sector not in VICTIM_SECTORS]


def _mediators(ctx: SentenceContext, main: Hit) -> list[Entity]:
    """``برعاية الأمم المتحدة``, ``بوساطة قطرية``: hosts and brokers are not parties
    (unless the event is the mediation itself)."""
    return [e for e in ctx.actors() for cue in ctx.cues_of("mediator")
            if cue.end <= e.start and ctx.distance(cue.end, e.start) <= 0
            and not (cue.start < main.end and main.start < cue.end)]


def _announces(ctx: SentenceContext, speaker: Entity, main: Hit) -> bool:
    """``أعلن الجيش قصف مواقع …``: a state speaker names its own act right after itself.

    Not for casualty words: ``أعلن الجيش مقتل جنديين`` reports a loss, not a deed.
    """
    return (speaker.sector in STATE_SECTORS and ontology().announced(main.trigger.plover)
            and not _casualty_only(ctx, main) and speaker.end <= main.start
            and ctx.distance(speaker.end, main.start) <= 0)


def _talked_about(event: Event, main: Hit, earlier: list[Event]) -> bool:
    """``واتهمت X قوات النظام بتنفيذ القصف``: the attack is what a statement is about, not a new one."""
    return any(e.plover_type in SPEECH_TYPES and e.span == event.span and e.trigger_span[0] < main.start
               for e in earlier)


def _verb_of_another(ctx: SentenceContext, hit: Hit, after: Hit | None) -> bool:
    """A verb right before a mention of another happening of its kind, of the same type, is
    that one's verb (``واستهدفت غارة أخرى منطقة صرواح``)."""
    return (after is not None and is_verb(hit) and after.trigger.plover == hit.trigger.plover
            and ctx.distance(hit.end, after.start) <= 0 and _names_another(ctx, after))


def _names_another(ctx: SentenceContext, hit: Hit) -> bool:
    """``ضربة جوية أخرى``: an act noun followed by a word naming another happening of its kind."""
    return not is_verb(hit) and ontology().names_another(ctx.doc.text, hit.end)


def _consequence(ctx: SentenceContext, clause: tuple[int, int]) -> bool:
    """``…، ما أسفر عن مقتل …`` / ``…، إثر انفجار عبوة``: the clause reports the outcome, or
    the cause, of what came before."""
    return any(clause[0] <= c.start < clause[0] + 24 for c in ctx.cues_of("consequence", "cause"))


def _casualty_only(ctx: SentenceContext, hit: Hit) -> bool:
    """A trigger that only reports deaths or injuries (قتل، لقي حتفه، جرحى), not how they came about."""
    return ontology().kinetic(hit.trigger.plover) and (hit.trigger.mode == "kill" or any(
        c.start < hit.end and hit.start < c.end for c in ctx.cues_of("killed", "injured")))


def _violence_word(ctx: SentenceContext, hit: Hit) -> bool:
    """A sure sign of political violence: a strong kinetic (ASSAULT) trigger that is not just a casualty word."""
    return ontology().kinetic(hit.trigger.plover) and hit.trigger.weight >= 0.8 and not _casualty_only(ctx, hit)


def _demonstrative(event: Event, main: Hit) -> bool:
    """``هذا الاجتماع``, ``تلك الغارة``: the noun points back explicitly."""
    before = event.sentence[: main.start - event.span[0]].split()
    return bool(before) and before[-1].lstrip("و") in ("هذا", "هذه", "ذلك", "تلك", "هذان", "هاتان")


def _trigger_rank(hit: Hit) -> tuple:
    trig = hit.trigger
    specific = trig.acled_sub_event_type not in (None, "Other")
    purpose = hit.prefix.endswith("ل") and trig.pos != "verb"  # لاستعادة: an aim, not a deed
    return (purpose, -(trig.weight + 0.15 * specific), hit.start)


def _actor(ent: Entity | None, country: str | None, speaker: Entity | None = None) -> ActorRef | None:
    """The ActorRef of an entity; an unnamed group or office takes the event's country.

    ``قال الجيش التركي إن طائراته قصفت …``: a group named with a possessive pronoun
    belongs to the speaker of the sentence, whatever country the event happened in.
    """
    if ent is None:
        return None
    ref = actor_ref(ent)
    # an unnamed group or an office named without its country (الرئيس، الحاكم)
    generic = ent.attrs.get("kind") in (None, "generic", "office")
    if (ref.country is None and generic and speaker is not None and speaker.country
            and ent.text.endswith(POSSESSIVES)):
        ref.country = speaker.country
    if ref.country is None and country and generic:
        ref.country = country  # ACLED's convention: an unnamed group is of the event's country
    if ref.sector is None and ent.attrs.get("kind") == "people":
        ref.sector = "CVL"  # خمسة بريطانيين: nationals with no other role are civilians
    return ref


def _as_military(actor: ActorRef) -> ActorRef:
    """ACLED codes a state's violence to its military forces: a government body doing it
    becomes MIL; a person or an office holder (رئيس الوزراء) stays who they are."""
    if actor.sector == "GOV" and actor.country and actor.id and not sectors.is_individual(actor.id):
        actor.sector = "MIL"
        actor.name = f"Military Forces of {actor.name.removeprefix('Government of ')}" \
            if actor.name and actor.name.startswith("Government of ") else actor.name
    return actor


def _location(ctx: SentenceContext, main: Hit) -> Place | None:
    return event_location(ctx.doc, (ctx.sentence.start, ctx.sentence.end), (main.start, main.end))


def _date(ctx: SentenceContext, main: Hit, group: list[Hit]) -> DateRef | None:
    # the sentence's other events, whose dates are theirs; a verb joined by و/ف to them
    # (قصفت … أمس ودمرت) shares their date
    joined = main.prefix.startswith(("و", "ف"))
    others = () if joined else tuple((h.start, h.end) for h in ctx.triggers if h not in group)
    found = event_date(ctx.doc, (ctx.sentence.start, ctx.sentence.end), (main.start, main.end), others)
    if found is not None:
        return found
    published: date | None = ctx.doc.published
    if published is None:
        return None
    # No date in the sentence: news reports the latest days; ACLED codes such events to the
    # report date with a week's precision.
    return DateRef(value=published.isoformat(), precision="week", mention=None, span=None)
