"""The event ontology: what each PLOVER type is and how it behaves.

Read once from ``rasd/data/events/ontology.json`` (``types``): whether a type is violent,
talks about other events (speech), takes a partner rather than a target, is kinetic
violence whose places and casualties define an incident, an act a state body
announces as its own, or a crowd's act (a protest); and (``acled_rules``) how each
type's ACLED coding follows from its context (``rasd.events.acled``). Code asks the ontology
(``ontology().violent("PROTEST")``) instead of testing type names.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files

from rasd.text.normalize import fold

__all__ = ["TypeInfo", "Ontology", "ontology"]

_WORD_AFTER = re.compile(r"\s*[«\"]?([^\s،,.«»\"]+)")


@dataclass(frozen=True, slots=True)
class TypeInfo:
    name: str
    violent: bool
    speech: bool
    partner: bool
    kinetic: bool
    announced: bool = False  # a state body naming it right after itself is its doer
    crowd: bool = False  # the act of a crowd (a protest): who leads it, whom it addresses


@dataclass(frozen=True)
class Ontology:
    types: dict[str, TypeInfo]
    modes: dict[str, tuple[str, ...]]
    acled: dict[str, tuple[str, ...]]
    folds: dict[str, str]  # "TYPE:mode" → the type of event such a mention is part of
    retypes: dict[str, dict]  # rule name → {"from", "modes", "to": {plover, mode, acled…, cameo}}
    acled_rules: dict[str, dict] = field(default_factory=dict)  # type → {"worst_of", "refine", "military_doer"}
    airborne: frozenset[str] = frozenset()  # "TYPE:mode" done from the air (only a state's forces fly)
    needs_object: dict[str, str] = field(default_factory=dict)  # "TYPE:mode" → the cue kind its object must match
    counted_takings: frozenset[str] = frozenset()  # "TYPE:mode" whose count of people taken tells batches apart
    another_of_its_kind: frozenset[str] = frozenset()  # folded words after an act noun naming another happening
    fought: frozenset[str] = frozenset()  # "TYPE:mode" fought between two sides (a clash, a riot)

    def info(self, plover: str) -> TypeInfo:
        return self.types[plover]

    def violent(self, plover: str) -> bool:
        return plover in self.types and self.types[plover].violent

    def speech(self, plover: str) -> bool:
        return plover in self.types and self.types[plover].speech

    def partner(self, plover: str) -> bool:
        return plover in self.types and self.types[plover].partner

    def kinetic(self, plover: str) -> bool:
        return plover in self.types and self.types[plover].kinetic

    def announced(self, plover: str) -> bool:
        return plover in self.types and self.types[plover].announced

    def crowd(self, plover: str) -> bool:
        return plover in self.types and self.types[plover].crowd

    def folds_into(self, plover: str, mode: str | None) -> str | None:
        """The type of event a mention of ``plover``/``mode`` is part of in the same sentence."""
        return self.folds.get(f"{plover}:{mode}")

    def object_cue(self, plover: str, mode: str | None) -> str | None:
        """The cue kind the object of ``plover``/``mode`` must be (``envoy`` for a recall), or None."""
        return self.needs_object.get(f"{plover}:{mode}")

    def airborne_act(self, plover: str, mode: str | None) -> bool:
        """Whether ``plover``/``mode`` is done from the air (an air strike)."""
        return f"{plover}:{mode}" in self.airborne

    def fought_act(self, plover: str, mode: str | None) -> bool:
        """Whether ``plover``/``mode`` is fought between two sides (a clash, a riot)."""
        return f"{plover}:{mode}" in self.fought

    def counts_takings(self, plover: str, mode: str | None) -> bool:
        """Whether the count of people ``plover``/``mode`` takes tells two batches apart (arrests)."""
        return f"{plover}:{mode}" in self.counted_takings

    def acled_rules_of(self, plover: str) -> dict:
        """How an event of ``plover`` changes its trigger's ACLED coding (see ``rasd.events.acled``)."""
        return self.acled_rules.get(plover, {})

    def names_another(self, text: str, end: int) -> bool:
        """Whether the word at ``end`` of ``text``, right after an act noun, names another
        happening of its kind (``هجوم آخر``, ``اشتباكات مماثلة``)."""
        m = _WORD_AFTER.match(text, end)
        return m is not None and fold(m.group(1)) in self.another_of_its_kind

    def of_kind(self, kind: str) -> frozenset[str]:
        """The types with one behaviour set (``"violent"``, ``"speech"``, …)."""
        return frozenset(name for name, info in self.types.items() if getattr(info, kind))


@lru_cache(maxsize=1)
def ontology() -> Ontology:
    data = json.loads(files("rasd.data").joinpath("events/ontology.json").read_text("utf-8"))
    types = {name: TypeInfo(name, **{k: bool(v) for k, v in spec.items()})
             for name, spec in data["types"].items()}
    return Ontology(types, {k: tuple(v) for k, v in data["modes"].items()},
                    {k: tuple(v) for k, v in data["acled"].items()}, dict(data.get("folds", {})),
                    dict(data.get("retypes", {})), dict(data.get("acled_rules", {})),
                    frozenset(data.get("airborne", ())), dict(data.get("needs_object", {})),
                    frozenset(data.get("counted_takings", ())),
                    frozenset(fold(w) for w in data.get("another_of_its_kind", ())),
                    frozenset(data.get("fought", ())))
