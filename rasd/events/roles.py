"""Who did what to whom: actor1 (source), actor2 (target) and co-actors of an event.

Arabic news puts the doer in a handful of places, tried here from the most to the least
reliable:
1. after an agent marker: ``من قبل X``, ``على يد X``, ``برصاص X``, ``نفذته X``;
2. after a claim: ``تبنت X المسؤولية``;
3. in the genitive of an act noun: ``هجوم النظام``, ``استعادة قوات الأسد`` (but the
   genitive of ``مقتل``, ``اعتقال``… is the victim);
4. as the subject of a verb trigger, after it (VSO: ``قصفت قوات النظام``) or before it
   (SVO) — unless the verb reports casualties and the noun counts victims
   (``قُتل 28 متطوعاً``: without diacritics, passive and active look the same);
5. otherwise the actor before the trigger is the doer, the one after it the target.
The target sits after ``على``/``ضد``/``استهدف`` or ``مع`` (for talks and agreements), in
the genitive of a victim noun, or is the counted victims.

Beyond the sentence, the document actor memory (:class:`rasd.actors.memory.ActorMemory`)
supplies what the text refers back to: ``الطرفان`` becomes the two parties named before
(actor1 and actor2), an air strike with no doer takes the air force the article named, and
an event whose text names nobody gets the implicit doer of
``rasd/data/actors/memory/implicit_doers.tsv`` (an unidentified armed group for an
unclaimed bomb, protesters for a protest). Sources (``قال ناشطون``) are never parties, and
weapons and fire "from a country's soil" (``صاروخ إسرائيلي``) only ever do the act.
"""
from __future__ import annotations

from dataclasses import dataclass

from rasd.actors import sectors
from rasd.actors.dictionary import load_context
from rasd.actors.memory import PAIR_ID, ActorMemory, load_implicit_doers
from rasd.doc import Entity
from rasd.events.context import Hit, SentenceContext
from rasd.events.ontology import ontology

__all__ = ["Roles", "assign_roles", "POSSESSIVES"]

VICTIM_SECTORS = sectors.VICTIM
PROTESTER_SECTORS = sectors.PROTESTER
CIVIC_SECTORS = sectors.sector_class("civic")  # civil society: before a protest word, its doer
AUTHORITY_SECTORS = sectors.sector_class("authority")  # whom a protest is addressed to
ARMED_SECTORS = sectors.ARMED | sectors.CRIMINAL  # whoever carries arms, political or not
CASUALTY_CUES = ("killed", "injured")
TARGET_CUES = ("target_marker", "target_verb")  # the actor after them is the target (ضد X، استهدف X)
# Event types whose second party is a partner, not a victim.
PARTNER_TYPES = ontology().of_kind("partner")
PROTEST_OBJECT_REACH = 7  # للاحتجاج على ما وصفوه بانتهاكات الرئيس الباكستاني برويز مشرف: the grievance and a title stand between
FACILITIES = load_context().facility_generics  # a base, a mosque, a hospital: struck, never striking
POSSESSIVES = ("ه", "ها", "هم")  # قواته، جنودها، عناصرهم: the pronoun names whose they are


@dataclass
class Roles:
    actor1: Entity | None = None
    actor2: Entity | None = None
    associated: list[Entity] | None = None
    strength: int | None = None  # the priority of actor1's evidence (lower is surer)


def _cue_right_before(ctx: SentenceContext, ent: Entity, kinds: tuple[str, ...], gap: int = 1,
                      triggers: list[Hit] | None = None) -> bool:
    """A cue of ``kinds`` ends at most ``gap`` - 1 tokens before ``ent``.

    With ``triggers``, the cue counts only when the closest trigger before it is one of
    them: ``هجمة من قبل X`` gives X to the attack, not to a meeting earlier in the sentence.
    """
    for cue in ctx.cues_of(*kinds):
        if cue.end <= ent.start and ctx.distance(cue.end, ent.start) <= gap - 1:
            governing = _governing_trigger(ctx, cue.start)
            # no trigger before the cue in the sentence (ونسب إلى X، أدى إلى مقتل …): it is this event's
            if triggers is None or governing is None or governing in triggers:
                return True
    return False


def _governing_trigger(ctx: SentenceContext, offset: int) -> Hit | None:
    before = [t for t in ctx.triggers if t.end <= offset]
    return before[-1] if before else None


def _between(ctx: SentenceContext, ent: Entity, triggers: list[Hit]) -> bool:
    """``اشتباكات بين X و Y``: X is the first party."""
    for cue in ctx.cues_of("partner_marker"):
        if cue.text.lstrip("و") == "بين" and cue.end <= ent.start and ctx.distance(cue.end, ent.start) <= 0:
            return _governing_trigger(ctx, cue.start) in triggers
    return False


CLASH_WITH_REACH = 2  # words between a clash word and مع: مواجهات عنيفة مع، اشتباكات متقطعة مع


def _fought_with(ctx: SentenceContext, ent: Entity, triggers: list[Hit]) -> bool:
    """``اندلعت مواجهات متقطعة مع المسلحين``, ``قتل 13 مسلحا في مواجهات مع المقاومة``: the
    party after مع that follows the event's clash word fought it."""
    if not _fought(triggers):
        return False
    for cue in ctx.cues_of("partner_marker"):
        if cue.text.lstrip("و") == "مع" and cue.end <= ent.start and ctx.distance(cue.end, ent.start) <= 0:
            fight = _governing_trigger(ctx, cue.start)
            return fight in triggers and ontology().fought_act(fight.trigger.plover, fight.trigger.mode) and \
                ctx.distance(fight.end, cue.start) <= CLASH_WITH_REACH
    return False


def _fought(triggers: list[Hit]) -> bool:
    return any(ontology().fought_act(t.trigger.plover, t.trigger.mode) for t in triggers)


def _number_before(ctx: SentenceContext, ent: Entity) -> bool:
    """``ثلاثة جنود``, ``ثمانية من قوات الأمن``: a counted group (of victims, usually)."""
    for e in ctx.entities:
        if e.type == "NUM" and e.end <= ent.start:
            gap = ctx.distance(e.end, ent.start)
            if gap <= 0 or (gap == 1 and _words_between(ctx, e.end, ent.start) in (["من"], ["منهم"])):
                return True
    return False


def _words_between(ctx: SentenceContext, start: int, end: int) -> list[str]:
    norm = ctx.doc.normalized
    return norm.text[norm.normalized_start(start):norm.normalized_start(end)].split()


def _governed_by(ctx: SentenceContext, t: Hit, ent: Entity) -> bool:
    """``ent`` follows trigger ``t`` directly, or after only a count (``مقتل ثمانية من X``);
    a person's title counts as the start of the person (``اتهم رئيس الوزراء التركي أحمد داود أوغلو``)."""
    start = _head_start(ent)
    if not t.end <= start:
        return False
    if not is_verb(t) and "ال" in t.prefix:
        return False  # بالصواريخ مواقع لقوات X: a noun with the article governs no genitive
    gap = ctx.distance(t.end, start)
    if gap <= 1:
        return True
    numbers = [e for e in ctx.entities if e.type == "NUM" and t.end <= e.start and e.end <= ent.start]
    # a number's words, with its qualifier (ما لا يقل عن 28), count as one
    words_in_numbers = sum(ctx.token_index(n.end - 1) - ctx.token_index(n.start) for n in numbers)
    if numbers and gap - words_in_numbers <= 3:
        number_words = {w for n in numbers for w in _words_between(ctx, n.start - 1, n.end)}
        between = [w for w in _words_between(ctx, t.end, ent.start) if w not in number_words]
        return all(w in ("من", "منهم", "على", "الاقل", "الأقل", "نحو", "قرابة") or
                   any(ch.isdigit() for ch in w) for w in between) or gap - words_in_numbers <= 2
    return False


def _aimed_at_with_lam(ctx: SentenceContext, t: Hit, ent: Entity, actors: list[Entity],
                      triggers: list[Hit]) -> bool:
    """``نصب المسلحون كمينا لدورية الجيش``: after an act noun carried by a verb whose subject
    is named, an actor with ل is whom the act was aimed at; without that subject the ل names
    the doer (``هجوم لطالبان``)."""
    if is_verb(t) or not ent.attrs.get("proclitic", "").startswith("ل") or ctx.distance(t.end, _head_start(ent)) > 0:
        return False  # طائرة تابعة للقوات الأمريكية: whose the weapon is
    return any(a is not ent and _carrier_subject(ctx, a, triggers) for a in actors)


def _head_start(ent: Entity) -> int:
    """Where a mention begins, with the title the actor resolver read before the name."""
    title = ent.attrs.get("title_span")
    return title[0] if title and title[1] <= ent.start else ent.start


def _subject_before(ctx: SentenceContext, t: Hit, ent: Entity) -> bool:
    """SVO: the actor right before a verb (``ان طائراته قصفت``), ``قد`` allowed between."""
    if not is_verb(t) or ent.end > t.start:
        return False
    gap = ctx.distance(ent.end, t.start)
    return gap <= 0 or (gap == 1 and _words_between(ctx, ent.end, t.start)[-1:] == ["قد"])


def assign_roles(ctx: SentenceContext, triggers: list[Hit], clauses: list[tuple[int, int]],
                 excluded: list[tuple[int, int]], memory: ActorMemory | None = None) -> Roles:
    """Pick actor1/actor2 for an event made of ``triggers`` in ``clause``.

    Args:
        ctx: the sentence.
        triggers: the event's trigger hits (the first is the main one).
        clauses: the spans the event's words lie in; actors outside them are used only
            when they have none.
        excluded: spans whose actors are not participants (attribution sources).
        memory: the document's actors (for ``الطرفان``, air strikes and implicit doers);
            without it only the sentence is read.
    """
    excluded = excluded + [(a.start, a.end) for a in ctx.actors()
                           if _is_source(ctx, a) or _is_responder(ctx, a) or _is_supporter(ctx, a) or _is_worn(ctx, a)
                           or _is_border(ctx, a)]
    in_clauses = [a for clause in dict.fromkeys(clauses) for a in ctx.actors(*clause) if not _inside(a, excluded)]
    roles = _assign(ctx, triggers, in_clauses or [a for a in ctx.actors() if not _inside(a, excluded)], excluded)
    if in_clauses and (roles.actor1 is None or roles.actor2 is None):
        # a role the clause leaves empty may be filled from the rest of the sentence, on strong evidence
        rest = [a for a in ctx.actors() if not _inside(a, excluded) and a not in in_clauses]
        if rest:
            wide = _assign(ctx, triggers, rest, excluded, strongest=2)
            if roles.actor1 is None and wide.actor1 is not None and wide.actor1 is not roles.actor2:
                roles.actor1 = wide.actor1
            elif _subject_across_comma(ctx, triggers, wide, roles):
                # زعيم الحزب X، دعا أمس الحكومة …: the subject before the comma calls, the one after is called
                roles.actor1, roles.actor2 = wide.actor1, roles.actor2 or roles.actor1
            if roles.actor2 is None and wide.actor2 is not None and wide.actor2 is not roles.actor1:
                roles.actor2 = wide.actor2
    reporter = _reporting_subject(ctx, triggers)
    if reporter is not None and reporter is not roles.actor2:
        if roles.actor1 is not None and roles.actor1 is not reporter and roles.actor2 is None \
                and not _overlaps_hits(roles.actor1, triggers):
            roles.actor2 = roles.actor1  # أعلنت قوات X أنها استهدفت Y: the other actor is the target
        roles.actor1 = reporter
    if roles.actor1 is None or (roles.strength is not None and roles.strength >= 3):
        # a weak guess (the actor before the verb) yields to the subject of the verb it is chained to
        roles.actor1 = _chained_subject(ctx, triggers[0], roles.actor2, memory) or roles.actor1
    if roles.actor1 is None and roles.actor2 is not None and _one_side_of_a_clash(triggers, roles.actor2):
        roles.actor1, roles.actor2 = roles.actor2, None  # مقتل 15 مسلحا في اشتباكات: the one side named
    if memory is not None:
        _expand_pairs(roles, memory)
        if roles.actor1 is None:
            roles.actor1 = implicit_doer(ctx, triggers, memory)
    if _flyer_is_the_target(triggers, roles):
        roles.actor1, roles.actor2 = roles.actor2, roles.actor1
    if _lost_its_own(roles):
        roles.actor1 = None
    return roles


FIRST_PERSON_PREFIXES = ("ن", "ون", "فن")  # نطالب، ونرفض: "we" in the imperfect


def speaker_speaks_for_itself(ctx: SentenceContext, main: Hit, speaker: tuple[int, int] | None) -> Entity | None:
    """``وقال الطالب زياد «نطالب بإقالة المحافظ»``: a verb in the first person plural in the
    words of a named speaker is the speaker's own act (he and those he speaks for)."""
    if speaker is None or not is_verb(main) or main.prefix not in FIRST_PERSON_PREFIXES:
        return None
    inside = [a for a in ctx.actors(*speaker) if a.sector not in ("MED",)]
    return inside[-1] if inside else None


def _lost_its_own(roles: Roles) -> bool:
    """``أعلن الجيش الأمريكي مقتل اثنين من جنوده``: a body whose own members (a possessive
    pronoun naming it) are the victims announces its loss; it did not strike them."""
    a1, a2 = roles.actor1, roles.actor2
    return (a1 is not None and a2 is not None and a2.attrs.get("kind") == "generic"
            and a2.text.endswith(POSSESSIVES) and a1.sector is not None
            and (a1.sector, a1.country) == (a2.sector, a2.country))


def _flyer_is_the_target(triggers: list[Hit], roles: Roles) -> bool:
    """``اشتباكات بين قوات النظام والفصائل المعارضة … وقصف جوي``: only a state's forces fly, so
    an air strike read as done by the rebels to the army has its sides the wrong way round."""
    main = triggers[0].trigger
    a1, a2 = roles.actor1, roles.actor2
    return (ontology().airborne_act(main.plover, main.mode) and a1 is not None and a2 is not None
            and a1.sector not in sectors.AIR and a2.sector in sectors.AIR)


def _chained_subject(ctx: SentenceContext, main: Hit, target: Entity | None,
                     memory: ActorMemory | None) -> Entity | None:
    """``اقتحم مسلحو حماس منزلا، وقتلوا قائدا``: a verb joined by و/ف with no subject of its
    own shares the subject of the verb before it: in the same sentence, the actor right
    after or right before the nearest verb before it; in a report chained to the one
    before (``، و…``), the first party named there."""
    if not is_verb(main) or not main.prefix.startswith(("و", "ف")):
        return None
    earlier = [t for t in ctx.triggers if t.end <= main.start and is_verb(t)]
    if earlier:
        verb = earlier[-1]
        for ent in ctx.actors(ctx.sentence.start, main.start):
            if ent is target or ent.sector in VICTIM_SECTORS or _number_before(ctx, ent):
                continue
            if (verb.end <= ent.start and ctx.distance(verb.end, ent.start) <= 0) or _subject_before(ctx, verb, ent):
                return ent
        return None
    if memory is None or not ctx.sentence.chained or ctx.actors(ctx.sentence.start, main.start):
        return None
    here = memory.sentence_of(main.start)
    previous = [n.entity for n in memory.before(ctx.sentence.start) if n.sentence == here - 1]
    return next((e for e in previous if e.sector is not None and e.sector not in VICTIM_SECTORS
                 and e is not target and e.id != PAIR_ID), None)


def _one_side_of_a_clash(triggers: list[Hit], ent: Entity) -> bool:
    """A clash is fought by two sides: when the text names only one armed side, even as the
    one that suffered, it is a party to the fighting, not its target."""
    return ent.sector in ARMED_SECTORS and any(t.trigger.mode == "clash" for t in triggers)


def _subject_across_comma(ctx: SentenceContext, triggers: list[Hit], wide: Roles, roles: Roles) -> bool:
    """The clause's doer is only the word after a verb, while the actor right before the
    verb (across a comma) is its subject."""
    if wide.actor1 is None or roles.actor1 is None or roles.strength is None or roles.strength < 2:
        return False
    return any(_subject_before(ctx, t, wide.actor1) for t in triggers)


def _expand_pairs(roles: Roles, memory: ActorMemory) -> None:
    """``الطرفان``: the two parties named before become actor1 and actor2."""
    for slot in ("actor1", "actor2"):
        ent = getattr(roles, slot)
        if ent is None or ent.id != PAIR_ID:
            continue
        parties = [memory.at(s, e) for s, e in ent.attrs.get("refers_to", [])]
        parties = [p for p in parties if p is not None]
        if len(parties) != 2:
            setattr(roles, slot, None)
            continue
        if slot == "actor1":
            roles.actor1 = parties[0]
            if roles.actor2 is None or roles.actor2.id == PAIR_ID:
                roles.actor2 = parties[1]
        else:
            other = roles.actor1
            roles.actor2 = next((p for p in parties if other is None or (p.id or p.text) != (other.id or other.text)),
                                None)


def implicit_doer(ctx: SentenceContext, triggers: list[Hit], memory: ActorMemory) -> Entity | None:
    """The doer of an event whose text names none (``implicit_doers.tsv``), or None.

    Nothing is implied when someone claims the act in the sentence (the claimant was not
    recognised: better no actor than a wrong one), for words that only report deaths, nor
    for a definite noun (``الانفجار``), which mostly names again an event already reported.
    """
    main = triggers[0]
    if ctx.cues_of("claim") or (not is_verb(main) and main.prefix.endswith(("ال", "لل"))):
        return None
    modes = {t.trigger.mode for t in triggers if t.trigger.mode}
    if ontology().kinetic(main.trigger.plover) and modes <= {"kill"}:
        return None
    for rule in load_implicit_doers():
        if rule.plover != main.trigger.plover or (rule.modes is not None and not modes & rule.modes):
            continue
        if max(t.trigger.weight for t in triggers) < rule.min_weight:
            continue
        if rule.doer == "memory":
            found = memory.last_of_ids(main.start, rule.ids)
            if found is not None:
                return found
            continue
        if rule.doer == "unidentified":
            return Entity("ORG", main.start, main.end, main.text, canonical="Unidentified Armed Group",
                          id="unidentified-armed-group", sector="UAF", attrs={"kind": "implicit"})
        return Entity("ORG", main.start, main.end, main.text, canonical="Protesters", id="protesters",
                      sector="CVL", attrs={"kind": "generic", "implicit": True})
    return None


def _reporting_subject(ctx: SentenceContext, triggers: list[Hit]) -> Entity | None:
    """``أعلنت قوات الدعم السريع أنها سيطرت``, ``أقر التحالف أنه نفذ ضربات``: a pronoun
    subject (``أنها``) right before the act's verb (or before a light verb carrying the act
    noun) stands for the subject of the reporting verb, the nearest actor before it."""
    for cue in ctx.cues_of("pronoun_subject"):
        following = [t for t in ctx.triggers if t.start >= cue.end]
        if not following or following[0] not in triggers:
            continue
        act = following[0]
        if any(_overlap(v.start, v.end, act.start, act.end) for v in ctx.cues_of("sufferer_verb")):
            continue  # فإنه استشهد عدد من المواطنين: the victims are the verb's subject
        gap = ctx.distance(cue.end, act.start)
        carried = any(c.start >= cue.end and c.end <= act.start and ctx.distance(cue.end, c.start) <= 0
                      for c in ctx.cues_of("light_verb", "enabler"))
        if not ((is_verb(act) and gap <= 0) or (gap == 1 and _words_between(ctx, cue.end, act.start) == ["قد"])
                or carried):
            continue
        before = [a for a in ctx.actors(ctx.sentence.start, cue.start) if a.sector not in VICTIM_SECTORS
                  and not _is_source(ctx, a) and a.sector != "MED"]
        if before:
            return before[-1]
    return None


def _is_source(ctx: SentenceContext, ent: Entity) -> bool:
    """``قال ناشطون``, ``بحسب نشطاء``, ``ناشطون قالوا``: a source noun next to an attribution
    word reports the event; it takes no part in it."""
    if not any(_overlap(c.start, c.end, ent.start, ent.end) for c in ctx.cues_of("source_noun")):
        return False
    for cue in ctx.cues_of("attribution"):
        if cue.end <= ent.start and ctx.distance(cue.end, ent.start) <= 1:
            return True
        if ent.end <= cue.start and ctx.distance(ent.end, cue.start) <= 0:
            return True
    return False


def _bare_people(ent: Entity) -> bool:
    """People named only as people (شخصا، مدنيين، سكان): the weakest description of a target."""
    return ent.sector in VICTIM_SECTORS and ent.attrs.get("kind") in (None, "generic", "people")


def _is_responder(ctx: SentenceContext, ent: Entity) -> bool:
    """``باشرت فرق الدفاع المدني سقوط مقذوفات``: the subject of a verb of attending to an
    incident answers it; it is neither side of the act."""
    for cue in ctx.cues_of("responder"):
        if cue.end <= ent.start and ctx.distance(cue.end, ent.start) <= 1:  # باشرت فرق الدفاع المدني
            return True
        if ent.end <= cue.start and ctx.distance(ent.end, cue.start) <= 0:
            return True
    return False


def _is_supporter(ctx: SentenceContext, ent: Entity) -> bool:
    """``قوات المقاومة المدعومة بعناصر الجيش``: the backer named after the side it backs."""
    return any(cue.end <= ent.start and (ctx.distance(cue.end, ent.start) <= 0 or
                                         _words_between(ctx, cue.end, ent.start) == ["من"])
               for cue in ctx.cues_of("supporter"))


def _is_border(ctx: SentenceContext, ent: Entity) -> bool:
    """``في البلدة الحدودية مع سوريا``, ``المنطقة المتاخمة لأفغانستان``: a state named as
    the border near which the act took place."""
    return ent.attrs.get("kind") == "state" and _cue_right_before(ctx, ent, ("border",))


def _is_worn(ctx: SentenceContext, ent: Entity) -> bool:
    """``مسلحون يرتدون زي الشرطة``, ``ملابس جنود الجيش السوفياتي``: the body whose uniform is
    worn (and the genitive that names it further) is no side of the act."""
    ends = [cue.end for cue in ctx.cues_of("worn")]
    for actor in ctx.actors():
        if actor.start >= ent.end:
            break
        if any(end <= actor.start and ctx.distance(end, actor.start) <= 0 for end in ends):
            ends.append(actor.end)
    return any(end <= ent.start and ctx.distance(end, ent.start) <= 0 for end in ends)


def _assign(ctx: SentenceContext, triggers: list[Hit], actors: list[Entity],
            excluded: list[tuple[int, int]], strongest: int = 9) -> Roles:
    """Score ``actors`` as doers and targets; keep only evidence of priority <= ``strongest``."""
    main = triggers[0]
    plover = main.trigger.plover
    kinetic, crowd = ontology().kinetic(plover), ontology().crowd(plover)
    if not actors:
        return Roles()
    casualty_words = ctx.cues_of(*CASUALTY_CUES)
    reports_casualties = any(t.trigger.mode == "kill" for t in triggers) or any(
        _overlap(c.start, c.end, t.start, t.end) for c in casualty_words for t in triggers)
    patient_nouns = {(c.start, c.end) for c in ctx.cues_of("patient_noun")}

    agents: list[tuple[int, int, Entity]] = []   # (priority, distance, entity); lower is better
    patients: list[tuple[int, int, Entity]] = []
    for ent in actors:
        dist = min(abs(ctx.token_index(ent.start) - ctx.token_index(t.start)) for t in triggers)
        # a body named inside the act's own words (في غارات التحالف) strikes; it is not the
        # unit of the counted dead before it (20 مسلحا في …)
        victim_like = ent.sector in VICTIM_SECTORS or _number_before(ctx, ent) or (
            _member_of_counted(ctx, ent, actors) and not _overlaps_hits(ent, triggers))
        if ent.attrs.get("instrument") and kinetic:
            agents.append((1, dist, ent))  # صاروخ إسرائيلي، من داخل الأراضي اليمنية: a weapon never suffers the act
            continue
        if kinetic and ent.attrs.get("base") in FACILITIES:
            patients.append((3, dist, ent))  # كما قصف معسكرات، اشتباكات قرب مسجد: a site is struck, it strikes nobody
            continue
        if crowd and ent.sector in AUTHORITY_SECTORS and \
                _cue_right_before(ctx, ent, ("protest_object",), gap=PROTEST_OBJECT_REACH):
            patients.append((0, dist, ent))  # للاحتجاج على ما وصفوه بانتهاكات الرئيس: whom they protest
            continue
        if crowd and ent.attrs.get("base") != "protesters" and \
                _cue_right_before(ctx, ent, ("place_before",)):
            patients.append((3, dist, ent))  # في فناء الجامعة، أمام مقر الحكومة: where, or whom, they protest
            continue
        if crowd and ent.sector in PROTESTER_SECTORS and ent.attrs.get("kind") == "generic":
            agents.append((-1, dist, ent))  # the protesters lead a protest, wherever they stand
            continue
        if _subject_of_target_verb(ctx, ent, triggers):
            agents.append((1, dist, ent))  # استهدف الطيران مخازن: the armed subject of استهدف
            continue
        if _glued_after_explosion(ctx, ent, triggers):
            patients.append((1, dist, ent))  # انفجرت عبوة بدورية للشرطة: what the blast hit
            continue
        if _carrier_subject(ctx, ent, triggers):
            # شنت الطائرات غارات، نجحت قوات X في تدمير; أحزاب نظمت مسيرات: the organisers lead the protest
            agents.append((-1 if crowd else 1, dist, ent))
            continue
        if _overlaps_hits(ent, triggers):
            # the trigger names the participants itself: متظاهرين، قتلى مدنيين
            (patients if victim_like and reports_casualties else agents).append((2, dist, ent))
            continue
        if plover not in PARTNER_TYPES and _fought_with(ctx, ent, triggers):
            patients.append((0, dist, ent))  # في مواجهات متقطعة مع المسلحين: the other side of the fight
            continue
        if _cue_right_before(ctx, ent, ("agent_marker",), gap=2, triggers=triggers):
            agents.append((0, dist, ent))
            continue
        if _cue_right_before(ctx, ent, ("claim",), gap=1) or _between(ctx, ent, triggers):
            agents.append((1, dist, ent))
            continue
        if plover in PARTNER_TYPES and _cue_right_before(ctx, ent, ("partner_marker",), gap=1, triggers=triggers):
            patients.append((0, dist, ent))
            continue
        if plover not in PARTNER_TYPES and _object_past_subject(ctx, ent, actors):
            patients.append((0, dist, ent))  # استهدف مفجر انتحاري مركزا للشرطة: what the attack was aimed at
            continue
        if plover not in PARTNER_TYPES and _cue_right_before(ctx, ent, TARGET_CUES, gap=2, triggers=triggers):
            patients.append((0, dist, ent))  # استهدف موكبا لسفارة X: a facility noun may stand between
            continue
        if _undergoes(ctx, ent):
            patients.append((0, dist, ent))
            continue
        if _after_casualty_verb(ctx, ent):
            patients.append((1, dist, ent))  # أصيب سفير بولندا: the wounded, not the attacker
            continue
        referred = _object_pronoun_refers(ctx, triggers, ent)
        if referred is not None:
            # خطفهم، لاغتياله: the pronoun is the victim; هجماتها: the pronoun is the doer
            if is_verb(referred) or any(_overlap(s, e, referred.start, referred.end)
                                                      for s, e in patient_nouns):
                patients.append((1, dist, ent))
            else:
                agents.append((2, dist, ent))
            continue
        subject_of = [t for t in triggers if _subject_before(ctx, t, ent)]
        if subject_of:
            t = subject_of[0]
            casualty_verb = any(_overlap(c.start, c.end, t.start, t.end) for c in casualty_words)
            has_object = any(e is not ent and e.type in ("ORG", "PERSON", "NUM") and e.start >= t.end
                             and ctx.distance(t.end, e.start) <= 0 for e in ctx.entities)
            # a civilian before a verb of taking people with no object is the one taken
            taken = ontology().counts_takings(t.trigger.plover, t.trigger.mode) and ent.sector in VICTIM_SECTORS
            if (casualty_verb or taken) and not has_object:
                patients.append((1, dist, ent))  # جنديا عراقيا قتل، مواطنة أسترالية أوقفت: the passive, without diacritics
            else:
                agents.append((1, dist, ent))
            continue
        right_after = [t for t in triggers if _governed_by(ctx, t, ent)]
        if right_after:
            t = right_after[0]
            if not is_verb(t) and _target_verb_before(ctx, t):
                patients.append((1, dist, ent))  # استهدفت سيارة مفخخة دورية للشرطة: the object of استهدف
                continue
            is_patient_noun = any(_overlap(s, e, t.start, t.end) for s, e in patient_nouns) and not (
                # خطف مسلحون …: the same letters read as a verb when an armed group follows a bare word
                ent.sector in ARMED_SECTORS and is_verb(t))
            casualty_verb = is_verb(t) and any(
                _overlap(c.start, c.end, t.start, t.end) for c in casualty_words)
            if is_patient_noun or ((reports_casualties or is_verb(t) and kinetic)
                                   and victim_like):
                patients.append((1, dist, ent))
            elif casualty_verb and not _followed_by_party(ctx, ent):
                # قتل جنديان أمريكيان: a casualty verb with one party after it is the passive
                patients.append((1, dist, ent))
            elif is_verb(t) and t.suffix not in OBJECT_PRONOUNS and any(
                    a is not ent and _subject_before(ctx, t, a) for a in actors):
                patients.append((1, dist, ent))  # SVO: طائراته قصفت X — X is the object
            elif is_verb(t) and t.suffix in SUBJECT_ENDINGS:
                patients.append((1, dist, ent))  # احتجزوا أربعة من الشرطة: the verb holds its subject
            elif _aimed_at_with_lam(ctx, t, ent, actors, triggers):
                patients.append((1, dist, ent))  # نصب المسلحون كمينا لدورية الجيش: whom it was laid for
            else:
                agents.append((2, dist, ent))
            continue
        before = ent.end <= main.start
        if crowd and ent.sector in CIVIC_SECTORS:
            agents.append((3, dist, ent))
        elif victim_like and kinetic and (reports_casualties or not before
                                                      or _casualty_word_after(ctx, ent, casualty_words)):
            patients.append((3, dist, ent))  # 18 مجندا بالشرطة أصيبوا في انفجار: the wounded
        elif before:
            agents.append((4, dist, ent))
        else:
            patients.append((4, dist, ent))
    if crowd:
        # a protest is aimed at an authority, not at fellow protesters
        patients = [(p + 5 if e.sector in PROTESTER_SECTORS or e.sector is None else p, d, e) for p, d, e in patients]
    agents = sorted((a for a in agents if a[0] <= strongest), key=lambda x: (x[0], x[1]))
    # at equal evidence a named body hit (soldiers of the army) before people counted (شخصا)
    patients = sorted((p for p in patients if p[0] <= strongest + 1), key=lambda x: (x[0], _bare_people(x[2]), x[1]))
    actor1 = agents[0][2] if agents else None
    actor2 = next((p[2] for p in patients if p[2] is not actor1), None)
    actor2 = _body_of_members(ctx, actor2, actors, actor1)
    if actor1 is None and actor2 is not None and _fought(triggers):
        # قتل جنديان في اشتباكات مع مسلحين: those they fought with, then the armed dead as the other side
        side = next((p[2] for p in patients if p[2] is not actor2 and p[2].sector in ARMED_SECTORS), None)
        if side is not None:
            actor1, actor2 = actor2, side
    if kinetic and reports_casualties and _one_identity(actor1, actor2):
        actor1 = None  # جنديين عراقيين … بينهم جندي عراقي: the dead named twice, no doer named
    if actor2 is None and crowd:
        # a protest's target is the authority it addresses, anywhere in the sentence
        others = [a for a in ctx.actors() if a is not actor1 and not _inside(a, excluded)
                  and a.sector in AUTHORITY_SECTORS]
        actor2 = others[0] if others else None
    if actor1 is None and actor2 is not None and plover in PARTNER_TYPES:
        actor1, actor2 = actor2, None
    if actor1 is not None and plover not in PARTNER_TYPES and _between(ctx, actor1, triggers):
        other = _between_second(ctx, actor1, actors)
        if other is not None and (actor2 is None or actor2 is other or not _strong_patient(patients, actor2)):
            actor2 = other  # اشتباكات بين الجيش والدعم السريع: the second side is the other party
    associated = [a[2] for a in agents[1:] if actor1 is not None and _coordinated(ctx, actor1, a[2])
                  and a[2] is not actor2]
    if plover in PARTNER_TYPES and actor2 is None and associated:
        actor2 = associated.pop(0)  # وقعت الحكومة وجماعة الحوثي اتفاقا: the second party
    return Roles(actor1, actor2, associated, agents[0][0] if agents and agents[0][2] is actor1 else None)


def _one_identity(a: Entity | None, b: Entity | None) -> bool:
    """Two mentions of one actor (the same dictionary entry and country)."""
    return a is not None and b is not None and a.id is not None and (a.id, a.country) == (b.id, b.country)


def _carrier_subject(ctx: SentenceContext, ent: Entity, triggers: list[Hit]) -> bool:
    """The subject of a verb that carries the event noun: after it (``شنت الطائرات غارات``,
    ``نجحت قوات التحالف في تدمير``) or before it (``خمسة أحزاب نظمت مسيرات``, ``قوات X
    تمكنت من تحرير``). The carrier must be the last verb before the event's first trigger."""
    for cue in ctx.cues_of("light_verb", "enabler"):
        following = [t for t in ctx.triggers if t.start >= cue.end]
        if not following or following[0] not in triggers:
            continue
        if ctx.distance(cue.end, following[0].start) > 4:
            continue
        if cue.end <= ent.start and ctx.distance(cue.end, ent.start) <= 0:
            return True
        if ent.end <= cue.start and ctx.distance(ent.end, cue.start) <= 0:
            return True
    return False


def _member_of_counted(ctx: SentenceContext, ent: Entity, actors: list[Entity]) -> bool:
    """``18 مجندا بالشرطة``, ``ثلاثة جنود من الجيش``: the body the counted victims belong to
    shares their lot."""
    for other in actors:
        if other is ent or other.end > ent.start or ctx.distance(other.end, ent.start) > 1:
            continue
        words = _words_between(ctx, other.end, ent.start)
        proclitic = ent.attrs.get("proclitic", "")
        glued = words in ([], [proclitic]) and proclitic.startswith("ب")  # the span starts after بـ
        linked = glued or words in (["من"], ["في"])
        if linked and _number_before(ctx, other):
            return True
    return _counted_members_before(ctx, ent)


def _body_of_members(ctx: SentenceContext, target: Entity | None, actors: list[Entity],
                     doer: Entity | None) -> Entity | None:
    """``قتلت 11 مسلحا من تنظيم القاعدة``: members named by a common noun, then the body
    they belong to: the body is the target."""
    if target is None or target.attrs.get("kind") != "generic":
        return target
    for other in actors:
        if other is target or other is doer or other.start < target.end or ctx.distance(target.end, other.start) > 2:
            continue
        words = _words_between(ctx, target.end, other.start)  # من تنظيم «القاعدة»: a kind noun may stand between
        if other.attrs.get("kind") != "generic" and words and words[0] in ("من", "في"):
            return other
    return target


def _counted_members_before(ctx: SentenceContext, ent: Entity) -> bool:
    """``28 متطوعا في الجيش العراقي``: a count of members that the dictionary does not know
    as an actor, then the body they belong to."""
    for e in ctx.entities:
        if e.type == "NUM" and e.end <= ent.start and ctx.distance(e.end, ent.start) == 2:
            words = _words_between(ctx, e.end, ent.start)
            if len(words) == 2 and words[1] in ("من", "في"):
                return True
    return False


def _between_second(ctx: SentenceContext, first: Entity, actors: list[Entity]) -> Entity | None:
    """The second side of ``بين X و Y``: the next actor joined to X by و."""
    for other in actors:
        if other is first or other.start < first.end:
            continue
        if ctx.distance(first.end, other.start) <= 1 and (other.attrs.get("proclitic", "").startswith("و")
                                                          or _words_between(ctx, first.end, other.start) == ["و"]):
            return other
        break
    return None


def _casualty_word_after(ctx: SentenceContext, ent: Entity, casualty_words: tuple[Hit, ...]) -> bool:
    """A casualty word next to ``ent``: after it (``18 مجندا أصيبوا``, a count or ``على
    الأقل`` may stand between) or before it (``أصيب 12 مجندا``)."""
    return any((c.start >= ent.end and ctx.distance(ent.end, c.start) <= 4)
               or (c.end <= ent.start and ctx.distance(c.end, ent.start) <= 2) for c in casualty_words)


def _after_casualty_verb(ctx: SentenceContext, ent: Entity) -> bool:
    """``أصيب سفير بولندا``, ``جرح ثلاثة جنود``: right after an injury word that is a verb
    (no article, no preposition), an actor is the one hurt."""
    for c in ctx.cues_of("injured"):  # قتل is also the active "killed": left to the verb rules
        if c.end <= ent.start and (ctx.distance(c.end, ent.start) <= 0 or _when_and_count_between(ctx, c.end, ent)) \
                and "ال" not in c.prefix \
                and not c.text.lstrip("وف").startswith("ال") \
                and not c.prefix.endswith(("ب", "ل")) and not ent.attrs.get("instrument") \
                and ent.sector not in ("UAF", "CRM"):
            return True
    return False


def _when_and_count_between(ctx: SentenceContext, start: int, ent: Entity) -> bool:
    """``أصيب فجر أمس ثلاثة من عناصر الشرطة``: only a time and a count of ``ent`` stand
    between ``start`` and it."""
    if ctx.distance(start, ent.start) > 5 or not _number_before(ctx, ent):
        return False
    spans = [(e.start, e.end) for e in ctx.entities if e.type in ("DATE", "NUM") and start <= e.start < ent.start]
    covered, pos = True, start
    for s, e in sorted(spans):
        covered = covered and ctx.distance(pos, s) <= 0
        pos = max(pos, e)
    return covered and bool(spans)


def _subject_of_target_verb(ctx: SentenceContext, ent: Entity, triggers: list[Hit]) -> bool:
    """``استهدف الطيران مخازن``: right after a bare verb trigger that is also a target word,
    an armed actor is the subject, not the target (``استهدف موكب السفير`` keeps its object)."""
    if ent.sector not in ARMED_SECTORS:
        return False
    for t in triggers:
        if t.suffix == "ت" and _sound_masculine_plural(ent):
            continue  # الغارات … استهدفت المتمردين: a feminine verb has no المتمردين for subject
        if is_verb(t) and t.suffix in AGREEMENT_ENDINGS and t.end <= ent.start and ctx.distance(t.end, ent.start) <= 0 \
                and any(_overlap(c.start, c.end, t.start, t.end) for c in ctx.cues_of("target_verb")) \
                and not _subject_just_before(ctx, t):
            return True
    return False


def _object_past_subject(ctx: SentenceContext, ent: Entity, actors: list[Entity]) -> bool:
    """``استهدف مفجر انتحاري مركزا لتجنيد الشرطة``, ``استهدف هجوم انتحاري، امس، موكبا لسفارة X``:
    a target verb, its subject right after it (an attack noun or an armed actor), then the
    first other actor: the one the attack was aimed at."""
    for c in ctx.cues_of("target_verb"):
        if c.end > ent.start or ctx.token_index(ent.start) - ctx.token_index(c.end - 1) > TARGET_OBJECT_REACH:
            continue
        if any(_overlap(t.start, t.end, c.start, c.end) and t.suffix in OBJECT_PRONOUNS for t in ctx.triggers):
            continue  # استهدفهم: the object is the pronoun
        between = [a for a in actors if a is not ent and c.end <= a.start and a.end <= ent.start]
        subjects = [o for o in list(ctx.triggers) + between if o.start >= c.end and ctx.distance(c.end, o.start) <= 0]
        if any(o.end <= ent.start and ctx.distance(o.end, ent.start) <= 0 for o in subjects):
            continue  # هجوم لطالبان، مسلحو الحركة: the genitive of the subject is its doer
        if any(is_verb(t) and c.end <= t.start and t.end <= ent.start for t in ctx.triggers):
            continue  # استهدفت المتمردين ولم تقصف تركيا: another verb's subject
        if subjects and all(a.sector in ARMED_SECTORS or a.attrs.get("instrument") or _overlaps_hits(a, ctx.triggers)
                            for a in between):
            return True
    return False


def _sound_masculine_plural(ent: Entity) -> bool:
    """``المتمردين``, ``مسلحون``: a plural of men by ون/ين, which a verb marked feminine never agrees with."""
    head = ent.text.split()[0] if ent.text.split() else ""
    return len(head) > 4 and head.endswith(("ين", "ون"))


def _target_verb_before(ctx: SentenceContext, t: Hit) -> bool:
    """A target verb right before the trigger noun, its subject (استهدفت سيارة مفخخة …)."""
    return any(c.end <= t.start and ctx.distance(c.end, t.start) <= 0 for c in ctx.cues_of("target_verb"))


def _subject_just_before(ctx: SentenceContext, t: Hit) -> bool:
    """A trigger noun or an actor ends right before verb ``t`` (``هجوم بسيارة مفخخة استهدف``):
    it is the subject, and what follows ``t`` is its object."""
    return any(o is not t and o.end <= t.start and ctx.distance(o.end, t.start) <= 0 for o in ctx.triggers) or \
        any(a.end <= t.start and ctx.distance(a.end, t.start) <= 0 for a in ctx.actors())


def _glued_after_explosion(ctx: SentenceContext, ent: Entity, triggers: list[Hit]) -> bool:
    """``انفجرت عبوة ناسفة بدورية للشرطة``: after a blast, an actor glued to بـ is what it hit."""
    if not ent.attrs.get("proclitic", "").startswith("ب"):
        return False
    return any(t.trigger.mode in ("explosives", "suicide") and t.end <= ent.start
               and ctx.distance(t.end, ent.start) <= 1 for t in triggers)


def _strong_patient(patients: list[tuple[int, int, Entity]], ent: Entity) -> bool:
    return any(p <= 1 and e is ent for p, _, e in patients)


OBJECT_PRONOUNS = ("ه", "ها", "هم", "هما", "هن")
AGREEMENT_ENDINGS = ("", "ت", "تا")  # استهدفت طائرات التحالف: the verb agrees with the subject after it
# a verb that agrees with a plural subject said before it (الطلاب احتجزوا): what follows is its object;
# a verb before its subject stays singular (احتجز الطلاب)
SUBJECT_ENDINGS = ("وا",)
PRONOUN_REACH = 3
TARGET_OBJECT_REACH = 9  # tokens from استهدف to its object past the subject (هجوم انتحاري بسيارة مفخخة، امس، موكبا)  # tokens back to the actor a pronoun suffix may stand for


def _object_pronoun_refers(ctx: SentenceContext, triggers: list[Hit], ent: Entity) -> Hit | None:
    """The trigger whose pronoun suffix (خطفهم، لاغتياله، هجماتها) points back to ``ent``, the nearest actor before it."""
    for t in triggers:
        if t.suffix in OBJECT_PRONOUNS and ent.end <= t.start:
            if not ctx.actors(ent.end, t.start) and ctx.distance(ent.end, t.start) <= PRONOUN_REACH:
                return t
    return None


def is_verb(t: Hit) -> bool:
    """A verbal trigger as written here: no article and no preposition glued to it (برصاص is a noun)."""
    return t.trigger.pos == "verb" and "ال" not in t.prefix and not t.prefix.endswith(("ب", "ل", "ك"))


def _followed_by_party(ctx: SentenceContext, ent: Entity) -> bool:
    """Another actor or a count right after ``ent`` (``قتل مسلحون ثلاثة جنود``), a day
    between (``قتلت القوات أمس سبعة مدنيين``): ``ent`` is the doer."""
    end = ent.end
    for day in sorted((e for e in ctx.entities if e.type == "DATE" and e.start >= ent.end), key=lambda e: e.start):
        if ctx.distance(end, day.start) > 0:
            break
        end = day.end
    return any(e is not ent and e.type in ("ORG", "PERSON", "NUM") and e.start >= end
               and ctx.distance(end, e.start) <= 0 for e in ctx.entities)


def _undergoes(ctx: SentenceContext, ent: Entity) -> bool:
    """``تعرضت قافلة X لهجوم`` / ``X تعرض لهجوم``: the one next to تعرّض suffered the act."""
    for cue in ctx.cues_of("undergo"):
        if cue.end <= ent.start and ctx.distance(cue.end, ent.start) <= 1:
            return True
        if ent.end <= cue.start and ctx.distance(ent.end, cue.start) <= 0:
            return True
    return False


def _coordinated(ctx: SentenceContext, first: Entity, other: Entity) -> bool:
    """``X وY`` / ``X وحليفته Y``: ``other`` follows ``first`` joined by و or a coordination cue."""
    if other.start < first.end:
        return False
    between = ctx.doc.text[first.end:other.start].strip()
    if ctx.distance(first.end, other.start) > 1:
        return False
    return between in ("", "و", ",", "،") or other.text.startswith("و") or any(
        c.start >= first.end and c.end <= other.start + len(other.text) for c in ctx.cues_of("coordination"))


def _overlap(a: int, b: int, c: int, d: int) -> bool:
    return a < d and c < b


def _inside(ent: Entity, spans: list[tuple[int, int]]) -> bool:
    return any(s <= ent.start and ent.end <= e for s, e in spans)


def _overlaps_hits(ent: Entity, hits: list[Hit]) -> bool:
    return any(_overlap(ent.start, ent.end, h.start, h.end) for h in hits)
