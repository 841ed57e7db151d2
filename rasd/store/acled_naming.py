"""The event-dependent rules of ACLED actor naming, read from ``codebook.json``.

Which crowd actor 1 of a protest or riot is, who actor 2 of violence against civilians is,
when an unknown or unarmed actor becomes ``Unidentified Armed Group (X)``, which state
sectors act through their military in political violence, which inter codes mark the
target rather than the side that used force, and when an event is civilian targeting: each
is a key of ``rasd/data/export/codebook.json`` (``README.md`` next to it explains them).
:func:`naming_rules` checks the keys once and gives them as :class:`NamingRules`; the code
that applies them is in :mod:`rasd.store.export`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from rasd.errors import DataFileError

__all__ = ["GenericActor", "NamingRules", "naming_rules"]

_WHERE = "export/codebook.json"


@dataclass(frozen=True, slots=True)
class GenericActor:
    """An ACLED actor named by its kind and a country: ``Protesters (Iraq)``, inter 6."""
    name: str
    inter: int

    def of(self, country: str) -> str:
        return f"{self.name} ({country})"


@dataclass(frozen=True, slots=True)
class NamingRules:
    """The codebook's actor-naming keys, checked (see the codebook README for each)."""
    violent_event_types: frozenset[str]
    crowd_actor1: dict[str, GenericActor]            # by event type
    victim_actor2: dict[str, GenericActor]           # by event type
    unidentified: GenericActor
    unknown_actor1_event_types: frozenset[str]
    unarmed_unidentified_event_types: frozenset[str]
    violent_sector_as: dict[str, str]                # sector -> the sector it acts as
    state_inter: int
    foreign_state_inter: int
    sectorless_named_inter: int
    target_inters: frozenset[int]
    unarmed_inters: frozenset[int]
    civilian_targeting_sub_event_types: frozenset[str]
    civilian_targeting_event_types: frozenset[str]
    civilian_targeting_by_actor2_inter: dict[str, frozenset[int]]
    generic_names: frozenset[str]   # lower case: an associated actor so named adds nothing


def naming_rules(table: Mapping[str, Any], sectors: frozenset[str] | None = None) -> NamingRules:
    """Check the actor-naming keys of a codebook table and return them.

    Args:
        table: the parsed ``codebook.json`` (or a user's extension of it).
        sectors: the sectors of ``acled_actors.tsv``; when given, the sectors of
            ``acled_violent_sector_as`` must be among them.

    Raises:
        DataFileError: a key is missing or malformed; ``where`` names the key.
    """
    event_types = frozenset(_mapping(table, "acled_sub_event_types"))
    check = _Checker(table, event_types)
    state = _mapping(table, "acled_state_forces_inter")
    crowd = check.actors_by_type("acled_crowd_actor1_by_event_type")
    victim = check.actors_by_type("acled_victim_actor2_by_event_type")
    unidentified = check.actor("acled_unidentified_actor", table.get("acled_unidentified_actor"))
    return NamingRules(
        violent_event_types=check.event_types("acled_violent_event_types"),
        crowd_actor1=crowd,
        victim_actor2=victim,
        unidentified=unidentified,
        unknown_actor1_event_types=check.event_types("acled_unknown_actor1_event_types"),
        unarmed_unidentified_event_types=check.event_types("acled_unarmed_unidentified_event_types"),
        violent_sector_as=check.sector_map("acled_violent_sector_as", sectors),
        state_inter=check.inter("acled_state_forces_inter.home", state.get("home")),
        foreign_state_inter=check.inter("acled_state_forces_inter.foreign", state.get("foreign")),
        sectorless_named_inter=check.inter("acled_sectorless_named_inter", table.get("acled_sectorless_named_inter")),
        target_inters=check.inters("acled_target_inter_codes"),
        unarmed_inters=check.inters("acled_unarmed_inter_codes"),
        civilian_targeting_sub_event_types=check.sub_event_types("acled_civilian_targeting_sub_event_types"),
        civilian_targeting_event_types=check.event_types("acled_civilian_targeting_event_types"),
        civilian_targeting_by_actor2_inter=check.inters_by_type("acled_civilian_targeting_by_actor2_inter"),
        generic_names=frozenset(a.name.lower() for a in (*crowd.values(), *victim.values(), unidentified)),
    )


def _fail(key: str, message: str) -> DataFileError:
    return DataFileError(message, where=f"{_WHERE}:{key}")


def _mapping(table: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = table.get(key)
    if not isinstance(value, Mapping):
        raise _fail(key, "missing, or not an object")
    return value


def _strings(key: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise _fail(key, "must be a list of names")
    return value


@dataclass(frozen=True, slots=True)
class _Checker:
    """Reads one kind of value from the table, naming the key when it is malformed."""
    table: Mapping[str, Any]
    acled_types: frozenset[str]

    def event_types(self, key: str) -> frozenset[str]:
        names = _strings(key, self.table.get(key))
        unknown = [n for n in names if n not in self.acled_types]
        if unknown:
            raise _fail(key, f"not ACLED event types (acled_sub_event_types): {', '.join(unknown)}")
        return frozenset(names)

    def sub_event_types(self, key: str) -> frozenset[str]:
        subs = {s for values in self.table["acled_sub_event_types"].values() for s in values}
        names = _strings(key, self.table.get(key))
        unknown = [n for n in names if n not in subs]
        if unknown:
            raise _fail(key, f"not ACLED sub-event types (acled_sub_event_types): {', '.join(unknown)}")
        return frozenset(names)

    def inter(self, key: str, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 8:
            raise _fail(key, f"an ACLED inter code is an integer 1-8, not {value!r}")
        return value

    def inters(self, key: str) -> frozenset[int]:
        return self.inter_list(key, self.table.get(key))

    def inter_list(self, key: str, value: Any) -> frozenset[int]:
        if not isinstance(value, list):
            raise _fail(key, "must be a list of ACLED inter codes (1-8)")
        return frozenset(self.inter(key, v) for v in value)

    def actor(self, key: str, value: Any) -> GenericActor:
        if not isinstance(value, Mapping) or not isinstance(value.get("name"), str) or not value["name"].strip():
            raise _fail(key, 'must be an object {"name": ..., "inter": ...}')
        return GenericActor(value["name"], self.inter(f"{key}.inter", value.get("inter")))

    def _by_type(self, key: str) -> Mapping[str, Any]:
        value = _mapping(self.table, key)
        unknown = [n for n in value if n not in self.acled_types]
        if unknown:
            raise _fail(key, f"not ACLED event types (acled_sub_event_types): {', '.join(unknown)}")
        return value

    def actors_by_type(self, key: str) -> dict[str, GenericActor]:
        return {t: self.actor(f"{key}.{t}", v) for t, v in self._by_type(key).items()}

    def inters_by_type(self, key: str) -> dict[str, frozenset[int]]:
        return {t: self.inter_list(f"{key}.{t}", v) for t, v in self._by_type(key).items()}

    def sector_map(self, key: str, sectors: frozenset[str] | None) -> dict[str, str]:
        value = _mapping(self.table, key)
        out: dict[str, str] = {}
        for sector, target in value.items():
            if not isinstance(target, str) or not target:
                raise _fail(f"{key}.{sector}", "must name a sector")
            for name in (sector, target):
                if sectors is not None and name.upper() not in sectors:
                    raise _fail(f"{key}.{sector}", f"{name!r} is not a sector of acled_actors.tsv")
            out[sector.upper()] = target.upper()
        return out
