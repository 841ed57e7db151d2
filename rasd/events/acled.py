"""An event's ACLED coding from its context, by the ``acled_rules`` of the ontology.

A trigger word carries a default ACLED event and sub-event type (``triggers.tsv``); the
events stage changes it from what the event's other words and sides show. What changes,
for which PLOVER type, is data (``rasd/data/events/ontology.json``, ``acled_rules``);
the functions here only apply it:

* :func:`worst_coding`: an event with several trigger words is coded by the worst one
  (a protest where tear gas was fired is a ``Protest with intervention``);
* :func:`refined_coding`: the first ``refine`` rule whose trigger sub-event types and
  sides match gives the coding (state forces taking a town → ``Government regains
  territory``; two armed sides → ``Armed clash``; civilians attacked → ``Violence against
  civilians``);
* :func:`codes_doer_as_military`: whether a state body doing the act stands for the
  state's military forces, ACLED's convention for its violence;
* :func:`fold_absorbed`: an event another one of the same sentence ``absorbs`` is part of
  it (security forces firing on protesters: the protest, ``Excessive force against
  protesters``).
"""
from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from rasd.actors import sectors
from rasd.doc import ActorRef, Event
from rasd.events.ontology import ontology

__all__ = ["Coding", "worst_coding", "refined_coding", "codes_doer_as_military",
           "fold_absorbed"]

Coding = tuple[str | None, str | None]  # (ACLED event type, sub-event type)
ANY_SIDE = "any"


def worst_coding(plover: str, codings: Iterable[Coding], current: Coding) -> Coding:
    """The coding of the worst sub-event type among ``codings`` (the event's trigger words),
    by the type's ``worst_of`` order; ``current`` when none is worse or the type has no order."""
    order = ontology().acled_rules_of(plover).get("worst_of")
    if not order:
        return current
    worst = max(codings, key=lambda coding: _severity(order, coding[1]), default=current)
    return worst if _severity(order, worst[1]) > _severity(order, current[1]) else current


def refined_coding(plover: str, coding: Coding, actor1: ActorRef | None,
                   actor2: ActorRef | None) -> Coding:
    """The coding given by the first of the type's ``refine`` rules that matches, else ``coding``."""
    for rule in ontology().acled_rules_of(plover).get("refine", ()):
        if _rule_applies(rule, coding, actor1, actor2):
            return _coding_of(rule, coding)
    return coding


def codes_doer_as_military(plover: str, event_type: str | None) -> bool:
    """Whether a state body doing an event of ``plover`` coded ``event_type`` is its military."""
    return event_type in ontology().acled_rules_of(plover).get("military_doer", ())


def fold_absorbed(events: list[Event]) -> list[Event]:
    """``events`` less those another event of their sentence absorbs (its type's ``absorbs``
    rule), whose coding, target and casualties that event takes over."""
    kept = []
    for ev in events:
        found = _absorber(ev, events)
        if found is None:
            kept.append(ev)
        else:
            _absorb(*found, ev)
    return kept


def _absorber(ev: Event, events: list[Event]) -> tuple[Event, dict] | None:
    """The event of ``ev``'s sentence that absorbs it, with the rule, if any."""
    for plover, rules in ontology().acled_rules.items():
        rule = rules.get("absorbs")
        if rule is None or rule["type"] != ev.plover_type:
            continue
        host = next((p for p in events if p.plover_type == plover and p.span == ev.span
                     and not (p.negated or p.hypothetical or p.historical)), None)
        if host is not None and _absorbs(rule, host, ev):
            return host, rule
    return None


def _absorbs(rule: dict, host: Event, ev: Event) -> bool:
    if ev.actor1 is None or ev.actor1.sector not in _sectors_of(tuple(rule["doer"])):
        return False
    if ev.actor2 is None:
        return host.acled_sub_event_type in rule.get("forceful", ())
    return (ev.actor2.id or "").split("@")[0] == rule["target"]


def _absorb(host: Event, rule: dict, ev: Event) -> None:
    host.acled_event_type, host.acled_sub_event_type = rule["to"]
    if host.actor2 is None or host.actor2.sector not in _sectors_of(tuple(rule["doer"])):
        host.actor2 = ev.actor1
    host.fatalities = ev.fatalities if host.fatalities is None else host.fatalities
    host.injuries = ev.injuries if host.injuries is None else host.injuries


def _severity(order: list[str], sub: str | None) -> int:
    return order.index(sub) + 1 if sub in order else 0


def _rule_applies(rule: dict, coding: Coding, actor1: ActorRef | None, actor2: ActorRef | None) -> bool:
    event_type, sub = coding
    if sub not in rule.get("subs", ()) and not (rule.get("untyped") and event_type is None):
        return False
    return _side_fits(rule.get("actor1"), actor1) and _side_fits(rule.get("actor2"), actor2)


def _side_fits(wanted: str | list[str] | None, actor: ActorRef | None) -> bool:
    """``None``: the rule says nothing of this side; ``"any"``: a side must be named;
    a list: the side's sector is in one of these sector classes or is one of these sectors."""
    if wanted is None:
        return True
    if actor is None:
        return False
    return wanted == ANY_SIDE or actor.sector in _sectors_of(tuple(wanted))


@lru_cache(maxsize=64)
def _sectors_of(names: tuple[str, ...]) -> frozenset[str]:
    found: set[str] = set()
    for name in names:
        found |= sectors.sector_class(name) or {name}
    return frozenset(found)


def _coding_of(rule: dict, coding: Coding) -> Coding:
    event_type, sub = rule["to"]
    if rule.get("keep_sub") and coding[1] in ontology().acled.get(event_type, ()):
        return event_type, coding[1]
    return event_type, sub
