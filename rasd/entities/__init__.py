"""Stage 3 — entities: people, organisations, places, dates and numbers.

:class:`EntityRecognizer` combines the actor dictionary's mentions
(:func:`rasd.actors.find_actor_mentions`: ORG/PERSON, plus demonym and title helpers),
the gazetteer's (:func:`rasd.geo.find_place_mentions`: LOC) and its own rules — person
names (:mod:`rasd.entities.persons`), numbers (:mod:`rasd.entities.numbers`) and date
expressions (:func:`rasd.dates.find_date_mentions`) — then resolves overlaps
(:mod:`rasd.entities.merge`). ``doc.entities`` ends sorted by start.

Attributes set on rule entities:

* PERSON: ``rule`` (title|quote|kunya|apposition|speech|name|surname), ``title`` (the
  title word as written), ``title_span``, ``role`` (commander, leader, head, minister,
  spokesman …), ``title_sector`` (a sector hint from the title: MIL for a rank),
  ``affiliation_span`` (the dictionary ORG that completes the title: قائد *جيش العزة*),
  ``kunya``, ``quoted``, ``same_as`` (for a bare surname: the span of the full mention).
* NUM: ``value`` (int), ``approximate`` (vague counts such as عشرات), ``qualifier``
  (about|more_than|at_least|less_than|up_to|between), ``upper`` (for between),
  ``noun`` (the counted noun of a dual: قتيلين → قتيل).
* DATE: ``expr`` (a :class:`rasd.dates.DateExpr`); the dates stage adds ``date``.
"""
from __future__ import annotations

import bisect
import functools
import itertools
from typing import Callable

from rasd.doc import Document, Entity
from rasd.entities.merge import merge_entities
from rasd.entities.numbers import NumberMention, find_numbers
from rasd.entities.persons import find_persons
from rasd.options import Options

__all__ = ["EntityRecognizer", "find_number_entities", "merge_entities"]

Finder = Callable[[Document], list[Entity]]


class EntityRecognizer:
    """The entities stage.

    Args:
        options: the pipeline options.
        actor_finder: finds dictionary actor mentions; :func:`rasd.actors.find_actor_mentions`
            by default.
        place_finder: finds gazetteer mentions; :func:`rasd.geo.find_place_mentions` by default.
    """
    name = "entities"
    requires = ("normalized", "tokens", "sentences")
    assigns = ("entities",)

    def __init__(self, options: Options, *, actor_finder: Finder | None = None,
                 place_finder: Finder | None = None) -> None:
        self.options = options
        self.actor_finder = actor_finder or _default_actor_finder(options)
        self.place_finder = place_finder or _default_place_finder(options)

    def __call__(self, doc: Document) -> Document:
        from rasd.dates import find_date_mentions

        dictionary = self.actor_finder(doc) + self.place_finder(doc)
        words = [(t.nstart, t.norm) for t in doc.tokens]
        dates = find_date_mentions(doc, words)
        inside_date = _containment(dates)
        numbers = [n for n in find_number_entities(doc, words) if not inside_date(n)]
        persons = find_persons(doc, dictionary, dates + numbers)
        doc.entities = merge_entities(dictionary, persons + dates + numbers)
        _relink_same_as(doc.entities)
        return doc


def find_number_entities(doc: Document, words: list[tuple[int, str]] | None = None) -> list[Entity]:
    """NUM entities of ``doc`` (its text stage must have run).

    ``words``: ``(nstart, norm)`` of its tokens, when the caller has built them already.
    """
    norm = doc.normalized
    if words is None:
        words = [(t.nstart, t.norm) for t in doc.tokens]
    out = []
    for num in find_numbers(norm.text, words):
        start, end = norm.original_span(num.nstart, num.nend)
        out.append(Entity("NUM", start, end, doc.text[start:end], attrs=_number_attrs(num)))
    return out


def _number_attrs(num: NumberMention) -> dict[str, object]:
    attrs: dict[str, object] = {"value": num.value}
    if num.approximate:
        attrs["approximate"] = True
    if num.qualifier:
        attrs["qualifier"] = num.qualifier
    if num.upper is not None:
        attrs["upper"] = num.upper
    if num.noun:
        attrs["noun"] = num.noun
    return attrs


def _relink_same_as(entities: list[Entity]) -> None:
    """Point ``same_as`` at a PERSON that is still there: when the full mention lost its
    span to a longer dictionary person, the reference follows it."""
    spans = {(e.start, e.end) for e in entities if e.type == "PERSON"}
    for e in entities:
        target = e.attrs.get("same_as")
        if e.type != "PERSON" or target is None or tuple(target) in spans:
            continue
        holder = next((p for p in entities if p.type == "PERSON" and p.start <= target[0] and target[1] <= p.end),
                      None)
        if holder is None:
            del e.attrs["same_as"]
        else:
            e.attrs["same_as"] = (holder.start, holder.end)


def _containment(others: list[Entity]) -> Callable[[Entity], bool]:
    """A test: does one of ``others`` contain the entity? (A bisect over the others sorted by
    start, with the furthest end reached so far: no scan of all of them per entity.)"""
    ordered = sorted(others, key=lambda o: o.start)
    starts = [o.start for o in ordered]
    reach = list(itertools.accumulate((o.end for o in ordered), max))

    def inside(ent: Entity) -> bool:
        k = bisect.bisect_right(starts, ent.start)
        return k > 0 and reach[k - 1] >= ent.end

    return inside


def _default_actor_finder(options: Options) -> Finder:
    from rasd.actors import mention_finder  # imported late: `import rasd` stays cheap
    return mention_finder(options)  # the bundled dictionary plus options.actor_files


def _default_place_finder(options: Options) -> Finder:
    from rasd.geo import find_place_mentions, load_gazetteer
    if not options.place_files:
        return find_place_mentions
    return functools.partial(find_place_mentions, gazetteer=load_gazetteer(tuple(options.place_files)))
