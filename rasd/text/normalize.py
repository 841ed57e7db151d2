"""Offset-preserving normalisation of Arabic text for matching.

The normalised text drops tatweel, diacritics and invisible controls, folds letter
variants (alef/hamza forms, yeh, teh marbuta) and Arabic-Indic digits, expands
presentation-form ligatures, and removes the separators that filter-evading spellings
put inside words (``القـ.تال`` → ``القتال``, ``قـ ـصف`` → ``قصف``). Every normalised
character remembers the original character it came from, so a match on the normalised
text maps back to the original characters with :meth:`NormalizedText.original_span`.

The character tables live in ``rasd/data/text/charmap.json``.
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

__all__ = ["NormalizedText", "normalize", "fold", "CharMap", "load_charmap"]

_ARABIC_LETTER = re.compile(r"[\u0621-\u063a\u0641-\u064a\u0671-\u06d3]")


@dataclass(frozen=True)
class CharMap:
    drop: frozenset[str]
    fold: dict[str, str]
    separators: frozenset[str]
    abbreviations: frozenset[str]
    table: dict[int, str | None]  # for str.translate: folds and drops together


@lru_cache(maxsize=None)
def load_charmap() -> CharMap:
    raw = json.loads(files("rasd.data").joinpath("text/charmap.json").read_text("utf-8"))
    drop = frozenset(raw["drop"])
    fold = dict(raw["fold"])
    for key, value in fold.items():
        if len(key) != 1 or len(value) != 1:
            raise ValueError(f"charmap.json: fold entries must map one character to one: {key!r}")
    table: dict[int, str | None] = {ord(c): None for c in drop}
    table.update({ord(k): v for k, v in fold.items()})
    return CharMap(drop, fold, frozenset(raw["separators"]), frozenset(raw["abbreviations"]), table)


@dataclass(slots=True)
class NormalizedText:
    """The folded text and, for each of its characters, the original offset."""
    original: str
    text: str
    offsets: list[int]  # offsets[i] = index in `original` of normalised char i

    def original_start(self, nstart: int) -> int:
        if nstart >= len(self.offsets):
            return len(self.original)
        return self.offsets[nstart]

    def original_end(self, nend: int) -> int:
        """Original end offset for a normalised end offset (exclusive).

        Marks dropped right after the last character (diacritics, tatweel) stay with it;
        invisible controls and spaces do not.
        """
        if nend <= 0:
            return 0
        end = self.offsets[nend - 1] + 1
        limit = self.offsets[nend] if nend < len(self.offsets) else len(self.original)
        if end >= limit:
            return end  # nothing was dropped after the character (almost always)
        drop = load_charmap().drop
        while end < limit and self.original[end] in drop and self.original[end] not in _INVISIBLE:
            end += 1
        return end

    def original_span(self, nstart: int, nend: int) -> tuple[int, int]:
        offsets = self.offsets
        n = len(offsets)
        start = offsets[nstart] if nstart < n else len(self.original)
        if 0 < nend < n and offsets[nend - 1] + 1 >= offsets[nend]:
            return start, offsets[nend - 1] + 1  # original_end's common case, inline (hot)
        return start, self.original_end(nend)

    def normalized_start(self, ostart: int) -> int:
        """The first normalised index whose original offset is >= ``ostart``."""
        import bisect
        return bisect.bisect_left(self.offsets, ostart)


def _fold_chars(text: str, cmap: CharMap) -> str:
    """``text`` (without marks to drop) with the charmap's folds applied: what
    ``text.translate(cmap.table)`` gives, about four times faster on a whole article
    (translate looks up every character in a dict; replace scans for each fold in C)."""
    folds = _sequential_folds()
    if folds is None:
        return text.translate(cmap.table)
    for src, dst in folds:
        if src in text:
            text = text.replace(src, dst)
    return text


@lru_cache(maxsize=None)
def _sequential_folds() -> tuple[tuple[str, str], ...] | None:
    """The folds as (character, replacement) pairs, or None when one fold's result is
    another's source (replacing one after the other would then fold twice) or a folded
    character is also one to drop (the table folds it, the drop pattern removes it)."""
    cmap = load_charmap()
    fold = cmap.fold
    if set(fold.values()) & set(fold) or set(fold) & cmap.drop:
        return None
    return tuple(fold.items())


@lru_cache(maxsize=None)
def _drop_pattern() -> re.Pattern:
    drop = load_charmap().drop
    return re.compile("[" + "".join(re.escape(c) for c in sorted(drop)) + "]+")


_INVISIBLE = frozenset("\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                       "\u2066\u2067\u2068\u2069\u061c\ufeff\u00ad")
_PRESENTATION = re.compile(r"[\ufb50-\ufdff\ufe70-\ufeff]")


def _is_letter(ch: str) -> bool:
    return bool(_ARABIC_LETTER.match(ch))


def _obfuscation_drops(text: str, cmap: CharMap) -> set[int]:
    """Indices of separator characters that split one word in filter-evading spellings.

    A run of separators (or of spaces) between two Arabic letters is removed when a
    tatweel touches it (``القـ.تال``, ``قـ ـصف``), or, for non-space separators, when
    the letter fragment on one side is one or two letters long (``ا.ش.تباكات``) and is
    not a one-letter abbreviation such as ``د.`` followed by a full word.
    """
    drops: set[int] = set()
    n = len(text)
    tatweel = "\u0640"
    skip = cmap.drop
    # only runs with a separator, or spaces touching a mark, can split a word: plain spaces
    # between words (almost all runs) are never looked at
    for m in _separator_runs().finditer(text):
        i, j = m.span()
        run = text[i:j]
        # letters on both sides, looking through marks
        left = i - 1
        left_tatweel = False
        while left >= 0 and text[left] in skip:
            left_tatweel |= text[left] == tatweel
            left -= 1
        right = j
        right_tatweel = False
        while right < n and text[right] in skip:
            right_tatweel |= text[right] == tatweel
            right += 1
        if left < 0 or right >= n or not _is_letter(text[left]) or not _is_letter(text[right]):
            continue
        has_space = " " in run
        has_sep = any(c in cmap.separators for c in run)
        if len(run) > 3 or (has_space and has_sep and not (left_tatweel or right_tatweel)):
            continue
        left_frag = _fragment(text, left, -1, skip)
        right_frag = _fragment(text, right, 1, skip)
        join = False
        if has_space and not has_sep:
            # a space splits a word only where tatweel stretches both ends, or one end of
            # a short fragment: قـ ـصف
            join = (left_tatweel and right_tatweel) or (
                (left_tatweel or right_tatweel) and min(len(left_frag), len(right_frag)) <= 2
                # 1436هـ وقتل: the Hijri era mark هـ (an abbreviation) before a space ends its word
                and not (left_tatweel and len(left_frag) == 1 and left_frag in cmap.abbreviations))
        elif left_tatweel or right_tatweel:
            join = True
        elif has_sep and not has_space:
            if len(right_frag) <= 2:
                join = True
            elif len(left_frag) <= 2 and not (len(left_frag) == 1 and left_frag in cmap.abbreviations):
                join = True
        if join:
            drops.update(range(i, j))
    return drops


@lru_cache(maxsize=None)
def _separator_runs() -> re.Pattern:
    cmap = load_charmap()
    seps = "".join(re.escape(c) for c in sorted(cmap.separators))
    marks = "".join(re.escape(c) for c in sorted(cmap.drop))
    return re.compile(f"[{seps} ]*[{seps}][{seps} ]*|(?<=[{marks}]) +| +(?=[{marks}])")


def _fragment(text: str, pos: int, step: int, skip: frozenset[str]) -> str:
    """The run of Arabic letters (through marks) from ``pos`` in direction ``step``."""
    letters = []
    while 0 <= pos < len(text) and (_is_letter(text[pos]) or text[pos] in skip):
        if _is_letter(text[pos]):
            letters.append(text[pos])
        pos += step
    return "".join(letters)


def normalize(text: str) -> NormalizedText:
    """Normalise ``text`` for matching, keeping the map back to original offsets."""
    cmap = load_charmap()
    drops = _obfuscation_drops(text, cmap) if _needs_obfuscation_check(text, cmap) else set()
    if _PRESENTATION.search(text) is None:
        drop = cmap.drop
        if not drops:
            kept: list[int] = []
            pieces: list[str] = []
            previous = 0
            for m in _drop_pattern().finditer(text):  # ranges between dropped marks, in C
                start = m.start()
                kept.extend(range(previous, start))
                pieces.append(text[previous:start])
                previous = m.end()
            kept.extend(range(previous, len(text)))
            pieces.append(text[previous:])
            return NormalizedText(text, _fold_chars("".join(pieces), cmap), kept)
        kept = [i for i, c in enumerate(text) if c not in drop and i not in drops]
        return NormalizedText(text, "".join([text[i] for i in kept]).translate(cmap.table), kept)
    out: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        if i in drops or ch in cmap.drop:
            continue
        if _PRESENTATION.match(ch):
            expanded = unicodedata.normalize("NFKC", ch)
            for piece in expanded.translate(cmap.table):
                out.append(piece)
                offsets.append(i)
            continue
        mapped = cmap.fold.get(ch, ch)
        out.append(mapped)
        offsets.append(i)
    return NormalizedText(text, "".join(out), offsets)


# a separator touching a tatweel, or between two letters: \u0640[ .·•*_-] | [ .·•*_-]\u0640 |
# letter [.·•*_-|/+~] letter, written to open with the separator (one character class: the
# regex engine skips to the next separator instead of trying every position)
_OBFUSCATION_HINT = re.compile(r"[ .\u00b7\u2022*_\-|/+~](?:(?<=\u0640[ .\u00b7\u2022*_\-])|(?<=[ .\u00b7\u2022*_\-])(?=\u0640)"
                               r"|(?<=[\u0621-\u064a][.\u00b7\u2022*_\-|/+~])(?=[\u0621-\u064a]))")


def _needs_obfuscation_check(text: str, cmap: CharMap) -> bool:
    return _OBFUSCATION_HINT.search(text) is not None


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """The normalised form of a short string (a lexicon entry, a query): no offsets kept."""
    cmap = load_charmap()
    if _PRESENTATION.search(text) is None and not _needs_obfuscation_check(text, cmap):
        return text.translate(cmap.table)  # normalize's common case, without the offsets
    return normalize(text).text
