"""The words around place names: type nouns, prepositions, directions, report sources.

Loaded from ``rasd/data/geo/context.tsv`` (roles described there).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from rasd.errors import DataFileError
from rasd.text.matcher import PhraseMatcher

__all__ = ["ContextWord", "GeoLexicon", "load_lexicon", "ROLES"]

ROLES = frozenset({"type", "parts", "countryside", "direction", "direction_adj", "prep", "link",
                   "actor_head", "source", "meeting", "demonym"})


@dataclass(frozen=True, slots=True)
class ContextWord:
    role: str
    value: str
    pattern: str


@dataclass(frozen=True)
class GeoLexicon:
    matcher: PhraseMatcher[ContextWord]
    size: int


@lru_cache(maxsize=None)
def load_lexicon() -> GeoLexicon:
    """Parse ``geo/context.tsv``.

    Raises:
        DataFileError: an unknown role or an empty pattern.
    """
    text = files("rasd.data").joinpath("geo/context.tsv").read_text("utf-8")
    matcher: PhraseMatcher[ContextWord] = PhraseMatcher()
    header = True
    count = 0
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        if header:
            header = False
            continue
        cells = [c.strip() for c in line.split("\t")] + ["", ""]
        pattern, role, value = cells[0], cells[1], cells[2]
        where = f"geo/context.tsv:{lineno}"
        if role not in ROLES:
            raise DataFileError(f"unknown role {role!r} (one of {sorted(ROLES)})",
                                where=f"{where}:role", code="E201")
        for variant in pattern.split("|"):
            variant = variant.strip()
            if not variant:
                raise DataFileError("empty pattern", where=f"{where}:pattern", code="E201")
            matcher.add(variant, ContextWord(role, value, variant))
            count += 1
    return GeoLexicon(matcher, count)
