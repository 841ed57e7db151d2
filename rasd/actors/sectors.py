"""Classes of actor sectors (state, armed, victim, protester, criminal), read once from
``rasd/data/sectors.tsv`` so that every stage uses the same sets."""
from __future__ import annotations

from functools import lru_cache

from rasd.datafiles import read_tsv

__all__ = ["sector_class", "is_individual", "STATE", "ARMED", "VICTIM", "PROTESTER", "CRIMINAL", "AIR", "UNIDENTIFIED"]

# ids the actor dictionary gives to persons (persons.tsv) and office holders (titles.tsv)
INDIVIDUAL_ID_PREFIXES = ("person", "title-")


@lru_cache(maxsize=1)
def _classes() -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for row in read_tsv("sectors.tsv", ("sector", "classes")):
        for name in row["classes"].split(","):
            found.setdefault(name.strip(), set()).add(row["sector"].strip())
    return {name: frozenset(members) for name, members in found.items()}


def sector_class(name: str) -> frozenset[str]:
    """The sectors of one class (``"armed"``, ``"victim"``, …); empty for an unknown class."""
    return _classes().get(name, frozenset())


STATE = sector_class("state")
ARMED = sector_class("armed")
VICTIM = sector_class("victim")
PROTESTER = sector_class("protester")
CRIMINAL = sector_class("criminal")
AIR = sector_class("air")
UNIDENTIFIED = sector_class("unidentified")


def is_individual(actor_id: str | None) -> bool:
    """A person or an office holder (``رئيس الوزراء``) of the actor dictionary, not a body."""
    return bool(actor_id) and actor_id.startswith(INDIVIDUAL_ID_PREFIXES)
