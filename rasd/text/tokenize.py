"""Clitic-aware word tokens over the normalised text."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from rasd.doc import Token
from rasd.text.normalize import NormalizedText

__all__ = ["Clitics", "load_clitics", "tokenize", "token_starts"]

# a run of digits is a word of its own: 17حوثيا is 17 and حوثيا, 1436هـ is 1436 and هـ
WORD = re.compile(r"\d+|[^\W\d]+")


@dataclass(frozen=True)
class Clitics:
    proclitics: frozenset[str]
    verb_prefixes: frozenset[str]
    enclitics: frozenset[str]


@lru_cache(maxsize=None)
def load_clitics() -> Clitics:
    raw = json.loads(files("rasd.data").joinpath("text/clitics.json").read_text("utf-8"))
    return Clitics(frozenset(raw["proclitics"]), frozenset(raw["verb_prefixes"]),
                   frozenset(raw["enclitics"]))


# Longest first, so that "وال" wins over "و"; a stem keeps at least three letters.
_PREFIXES = ("وبال", "فبال", "وكال", "ولل", "فلل", "وال", "فال", "بال", "كال", "لل", "ال", "و", "ف", "ب", "ل")
_SUFFIXES = ("هما", "كما", "ها", "هم", "هن", "نا", "كم", "ه")


_SPLITS: dict[str, tuple[str, str, str]] = {}  # a plain dict: hit on almost every word, cheaper than lru_cache


def _split(word: str) -> tuple[str, str, str]:
    found = _SPLITS.get(word)
    if found is None:
        if len(_SPLITS) > 200_000:
            _SPLITS.clear()
        found = _SPLITS[word] = _split_word(word)
    return found


def _by_length(affixes: tuple[str, ...]) -> tuple[tuple[int, frozenset[str]], ...]:
    """The affixes grouped by length, longest first: one set lookup per length instead of
    a ``startswith`` per affix (at most one affix of a length can fit a word)."""
    return tuple((n, frozenset(a for a in affixes if len(a) == n))
                 for n in sorted({len(a) for a in affixes}, reverse=True))


_PREFIXES_BY_LENGTH = _by_length(_PREFIXES)
_SUFFIXES_BY_LENGTH = _by_length(_SUFFIXES)


def _split_word(word: str) -> tuple[str, str, str]:
    prefix = ""
    for n, prefixes in _PREFIXES_BY_LENGTH:
        if len(word) - n >= 3 and word[:n] in prefixes:
            prefix = word[:n]
            break
    stem = word[len(prefix):]
    if prefix == "لل":  # ل + ال: the article's alef is elided
        stem = "ل" + stem if len(stem) < 3 else stem
    suffix = ""
    for n, suffixes in _SUFFIXES_BY_LENGTH:
        if len(stem) - n >= 3 and stem[-n:] in suffixes:
            suffix = stem[-n:]
            break
    return prefix, stem[: len(stem) - len(suffix)] if suffix else stem, suffix


def word_stem(word: str) -> str:
    """The stem of one folded word, as its token would have it (clitics split off)."""
    return _split(word)[1]


def tokenize(norm: NormalizedText, max_chars: int | None = None,
             skipped: list[tuple[int, int]] | None = None) -> list[Token]:
    """Word tokens; ``stem`` is a best guess with clitics removed (used for fuzzy lookups).

    A word longer than ``max_chars`` is no word (hostile or broken input): it gets no token,
    and its normalised span is appended to ``skipped`` when a list is given.
    """
    tokens: list[Token] = []
    add = tokens.append  # the loop runs once per word: names bound once
    offsets = norm.offsets
    n = len(offsets)
    length = len(norm.original)
    known = _SPLITS.get
    longest = max_chars if max_chars is not None else len(norm.text)
    for m in WORD.finditer(norm.text):
        ns, ne = m.span()
        if ne - ns > longest:
            if skipped is not None:
                skipped.append((ns, ne))
            continue
        word = m.group()
        prefix, stem, suffix = known(word) or _split(word)
        end = offsets[ne - 1] + 1
        if (offsets[ne] != end) if ne < n else (end != length):
            # marks dropped after the word (or at the end of the text): let the slow path decide
            end = norm.original_end(ne)
        add(Token(offsets[ns], end, ns, ne, word, stem, prefix, suffix))
    return tokens


# the token list read last and its starts: (tokens, len(tokens), starts)
_LAST_STARTS: tuple[list[Token] | None, int, list[int]] = (None, 0, [])


def token_starts(tokens: list[Token]) -> list[int]:
    """The original start of each token, sorted (a list shared with later calls: read it,
    do not change it).

    Several stages bisect a document's token starts; the list is made once per token list
    (the one read last is remembered, checked by identity and length).
    """
    global _LAST_STARTS
    last = _LAST_STARTS  # read once: another thread may write
    if last[0] is tokens and last[1] == len(tokens):
        return last[2]
    starts = [t.start for t in tokens]
    _LAST_STARTS = (tokens, len(tokens), starts)
    return starts
