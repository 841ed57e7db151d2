"""Resolving overlaps between dictionary entities and rule entities.

* A rule PERSON that contains a dictionary organisation, or that begins with a dictionary
  place (``أبو ظبي``), is wrong and is dropped.
* Otherwise the longer span wins; on the same span a dictionary entity beats a rule one.
  A dictionary PERSON that beats a rule PERSON takes over the rule's attributes
  (``title``, ``role``, ``affiliation_span`` …).
* A rule PERSON that swallows a dictionary PERSON (``أبو محمد الجولاني`` around
  ``الجولاني``) keeps its span and takes the dictionary identity (id, canonical name …).
* Two dictionary entities with exactly the same span and different types (``روسيا`` as
  an actor and as a place) are both kept: later stages choose by context.
"""
from __future__ import annotations

import bisect
from typing import Callable

from rasd.doc import Entity

__all__ = ["merge_entities"]


def merge_entities(dictionary: list[Entity], rules: list[Entity]) -> list[Entity]:
    """One list of non-overlapping entities (except same-span dictionary pairs), by start."""
    dict_orgs = [e for e in dictionary if e.type == "ORG" and e.attrs.get("kind") not in ("demonym", "title")]
    dict_locs = [e for e in dictionary if e.type == "LOC"]
    dict_persons = [e for e in dictionary if e.type == "PERSON"]
    orgs_in, locs_in, persons_in = _within(dict_orgs), _within(dict_locs), _within(dict_persons)
    kept_rules = []
    dropped: set[int] = set()
    for ent in rules:
        if ent.type == "PERSON":
            if orgs_in(ent.start, ent.end):
                continue
            if any(o.start == ent.start and o.end < ent.end for o in locs_in(ent.start, ent.end)):
                continue
            inner = [p for p in persons_in(ent.start, ent.end) if (p.start, p.end) != (ent.start, ent.end)]
            if inner:
                _adopt_identity(ent, inner[0])
                dropped.add(id(inner[0]))
        kept_rules.append(ent)
    if dropped:
        dictionary = [d for d in dictionary if id(d) not in dropped]

    # longest first; on equal length dictionary (0) before rules (1), then leftmost
    ranked = [(e, 0) for e in dictionary] + [(e, 1) for e in kept_rules]
    ranked.sort(key=lambda pair: (-(pair[0].end - pair[0].start), pair[1], pair[0].start))
    starts: list[int] = []
    accepted: list[tuple[Entity, int]] = []  # parallel to starts, sorted by start
    for ent, source in ranked:
        k = bisect.bisect_right(starts, ent.start)
        clash = None
        for neighbour in (accepted[k - 1] if k > 0 else None, accepted[k] if k < len(accepted) else None):
            if neighbour is not None and neighbour[0].start < ent.end and ent.start < neighbour[0].end:
                clash = neighbour
                break
        if clash is None:
            starts.insert(k, ent.start)
            accepted.insert(k, (ent, source))
            continue
        other, other_source = clash
        same_span = (other.start, other.end) == (ent.start, ent.end)
        if same_span and source == 0 and other_source == 0 and other.type != ent.type:
            starts.insert(k, ent.start)
            accepted.insert(k, (ent, source))
        elif source == 1 and other_source == 0 and other.type == ent.type == "PERSON":
            # the dictionary's person (الملك سلمان بن عبد العزيز) keeps what the rules learnt
            for key, value in ent.attrs.items():
                other.attrs.setdefault(key, value)
    return [e for e, _ in accepted]


def _within(items: list[Entity]) -> Callable[[int, int], list[Entity]]:
    """A lookup of the items lying wholly inside a span, in list order: a bisect over the
    items sorted by start (not a scan of all of them per rule entity)."""
    order = sorted(range(len(items)), key=lambda i: items[i].start)
    starts = [items[i].start for i in order]

    def inside(start: int, end: int) -> list[Entity]:
        lo, hi = bisect.bisect_left(starts, start), bisect.bisect_left(starts, end)
        return [items[i] for i in sorted(order[lo:hi]) if items[i].end <= end]

    return inside


def _adopt_identity(person: Entity, known: Entity) -> None:
    person.canonical = person.canonical or known.canonical
    person.id = person.id or known.id
    person.country = person.country or known.country
    person.sector = person.sector or known.sector
    for key, value in known.attrs.items():
        person.attrs.setdefault(key, value)
