"""The words around place names: type nouns, prepositions, directions, report sources.

Loaded from ``rasd/data/geo/context.tsv`` (roles described there).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from rasd.errors import DataFileError
from rasd.text.matcher import PhraseMatcher
from rasd.text.normalize import fold
from rasd.text.tokenize import load_clitics

__all__ = ["ContextWord", "GeoLexicon", "load_lexicon", "ROLES"]

ROLES = frozenset({"type", "parts", "countryside", "direction", "direction_adj", "prep", "link",
                   "actor_head", "source", "meeting", "demonym", "country_ref"})


@dataclass(frozen=True, slots=True)
class ContextWord:
    role: str
    value: str
    pattern: str


# words repeat across a document and a corpus: remember each word's analysis
_LOOKUPS: dict[tuple[int, str], list] = {}


@dataclass(frozen=True)
class GeoLexicon:
    """Multi-word patterns go to ``matcher``; one-word patterns (most of them: في، من،
    بلدة…) to ``single``, looked up word by word only where a place needs them."""
    matcher: PhraseMatcher[ContextWord]
    single: dict[str, list[ContextWord]]
    size: int
    proclitics: tuple[str, ...]
    enclitics: tuple[str, ...]

    def lookup(self, word: str) -> list[tuple[str, ContextWord, str]]:
        """(prefix, context word, suffix) for a normalised word with its clitics."""
        found = _LOOKUPS.get((id(self), word))
        if found is None:
            if len(_LOOKUPS) > 200_000:
                _LOOKUPS.clear()
            found = _LOOKUPS[(id(self), word)] = self._lookup(word)
        return found

    def _lookup(self, word: str) -> list[tuple[str, ContextWord, str]]:
        out = []
        by_first, by_last = _affixes_by_letter(self.proclitics, self.enclitics)
        for p in by_first.get(word[:1], by_first[""]):
            if not word.startswith(p):
                continue
            rest = word[len(p):]
            for s in by_last.get(rest[-1:], by_last[""]):
                if s and not rest.endswith(s):
                    continue
                core = rest[:len(rest) - len(s)] if s else rest
                for cw in self.single.get(core, ()):
                    out.append((p, cw, s))
                if p.endswith("لل") and core:  # لل = ل + the article's lam
                    for cw in self.single.get("ال" + core, ()):
                        out.append((p[:-1], cw, s))
        return out


@lru_cache(maxsize=8)
def _affixes_by_letter(proclitics: tuple[str, ...], enclitics: tuple[str, ...]
                       ) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """The proclitics that can open a word, by its first letter, and the enclitics that can
    close it, by its last, each in its given order (the empty affix where it stands): the
    only ones :meth:`GeoLexicon._lookup` need try. Key ``""``: those for any other letter
    (and for an empty word)."""
    firsts = {p[0] for p in proclitics if p}
    lasts = {e[-1] for e in enclitics if e}
    by_first = {c: tuple(p for p in proclitics if not p or p[0] == c) for c in firsts}
    by_first[""] = tuple(p for p in proclitics if not p)
    by_last = {c: tuple(e for e in enclitics if not e or e[-1] == c) for c in lasts}
    by_last[""] = tuple(e for e in enclitics if not e)
    return by_first, by_last


@lru_cache(maxsize=None)
def load_lexicon() -> GeoLexicon:
    """Parse ``geo/context.tsv``.

    Raises:
        DataFileError: an unknown role or an empty pattern.
    """
    text = files("rasd.data").joinpath("geo/context.tsv").read_text("utf-8")
    matcher: PhraseMatcher[ContextWord] = PhraseMatcher()
    single: dict[str, list[ContextWord]] = {}
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
            word = ContextWord(role, value, variant)
            key = fold(variant)
            if " " in key or "*" in variant:
                matcher.add(variant, word)
            else:
                single.setdefault(key, []).append(word)
            count += 1
    clitics = load_clitics()
    # shortest first: the plainest reading of a word wins
    pro = tuple(sorted(clitics.proclitics | {""}, key=len))
    enc = tuple(sorted(clitics.enclitics | {""}, key=len))
    return GeoLexicon(matcher, single, count, pro, enc)
