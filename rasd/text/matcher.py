"""Clitic-aware dictionary matching over normalised text (Aho–Corasick).

Every lexicon in rasd (triggers, actors, places) is matched with a :class:`PhraseMatcher`.
A pattern is a phrase as it would be written, folded with :func:`rasd.text.normalize.fold`:

* ``الجيش`` matches ``الجيش``, ``والجيش``, ``للجيش``, ``بالجيش``, ``جيشه`` … (proclitics
  before the first word, pronoun suffixes after the last);
* a trailing ``*`` lets the last word take any ending: ``مسلح*`` matches ``مسلحون``,
  ``مسلحين``; a leading ``*`` lets the first word take any beginning;
* ``verb=True`` also allows the imperfect prefixes (ي ت ن …) before the first word.

Matches are reported on the normalised text; the caller maps them back with
:meth:`NormalizedText.original_span`. Overlaps are resolved longest-first.
"""
from __future__ import annotations

import bisect
import threading
from dataclasses import dataclass
from typing import Any, Generic, Iterable, Iterator, TypeVar

import ahocorasick

from rasd.text.normalize import fold
from rasd.text.tokenize import load_clitics

__all__ = ["PhraseMatcher", "Match", "longest_first"]

T = TypeVar("T")


@dataclass(slots=True)
class Match(Generic[T]):
    nstart: int  # span of the whole word(s), clitics included, in the normalised text
    nend: int
    core_start: int  # span of the pattern itself
    core_end: int
    payload: T
    pattern: str
    prefix: str
    suffix: str


@dataclass(slots=True)
class _Entry:
    key: str
    payloads: list[Any]
    any_suffix: bool
    any_prefix: bool
    verb: bool
    needs_lam: bool  # the key dropped the article's alef (للجيش = ل + لجيش)


def _is_word_char(ch: str) -> bool:
    # letters only: a digit ends a word as the tokenizer splits it (17حوثيا is 17 and حوثيا)
    return ch.isalpha()


# A "word" longer than this (a run of letters without spaces, as in pasted junk or hostile
# input) is no Arabic word: matches inside it are skipped, and it is never scanned further.
MAX_WORD_CHARS = 64


class _WordRuns:
    """Where the word around a match begins and ends, each stretch of text scanned once.

    Many matches can fall inside one long run of letters: scanning from every match to
    the run's edges would be quadratic. Each run found is remembered (sorted, disjoint,
    looked up with a bisect), and no scan goes further than ``limit + 1`` characters from
    where it began, so a longer run is known to be too long without being read to its end.
    """
    __slots__ = ("text", "lo", "hi", "limit", "starts", "ends", "long", "last")

    def __init__(self, text: str, lo: int, hi: int, limit: int) -> None:
        self.text = text
        self.lo = lo
        self.hi = hi
        self.limit = limit
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.long: list[bool] = []  # the run goes on past what was scanned, or exceeds limit
        self.last = 0

    def _run(self, pos: int) -> int:
        """Index of the remembered run that holds ``pos`` (a word character)."""
        i = self.last  # matches come in text order: most often in the run seen last
        if i < len(self.starts) and self.starts[i] <= pos < self.ends[i]:
            return i
        i = bisect.bisect_right(self.starts, pos)
        if i and pos < self.ends[i - 1]:
            self.last = i - 1
            return i - 1
        text = self.text
        floor = max(self.lo, pos - self.limit - 1, self.ends[i - 1] if i else 0)
        ceiling = min(self.hi, pos + self.limit + 1, self.starts[i] if i < len(self.starts) else self.hi)
        a, b = pos, pos + 1
        # str.isalpha inline (this is _is_word_char): the loops run over every letter
        while a > floor and text[a - 1].isalpha():
            a -= 1
        while b < ceiling and text[b].isalpha():
            b += 1
        too_long = (b - a > self.limit or (a == floor and a > self.lo and text[a - 1].isalpha())
                    or (b == ceiling and b < self.hi and text[b].isalpha()))
        self.starts.insert(i, a)
        self.ends.insert(i, b)
        self.long.insert(i, too_long)
        self.last = i
        return i

    def word(self, cs: int, ce: int) -> tuple[int, int] | None:
        """The span of the word(s) around ``text[cs:ce]``, clitics included; None when a
        word there is longer than ``limit``."""
        text = self.text
        ws = cs
        if cs > self.lo and text[cs - 1].isalpha():
            i = self._run(cs - 1)
            if self.long[i]:
                return None
            ws = self.starts[i]
        we = ce
        if ce < self.hi and text[ce].isalpha():
            i = self._run(ce)
            if self.long[i]:
                return None
            we = self.ends[i]
        return ws, we


_SHARED = threading.local()  # the word runs of the text matched last, per thread
_SHARED_SPANS = 64  # at most this many (start, end) bounds remembered for one text


def _word_runs(text: str, lo: int, hi: int, limit: int) -> _WordRuns:
    """The word runs of ``text[lo:hi]``, shared by every matcher run over the same text.

    A document's normalised text is matched by several dictionaries in turn (places,
    actors, triggers, cues …): each finds its words' edges where the one before already
    looked. The runs depend only on the text and the bounds, so they are kept for the text
    object matched last (one per thread; another text replaces them).
    """
    if getattr(_SHARED, "text", None) is not text:
        _SHARED.text = text
        _SHARED.runs = {}
    runs = _SHARED.runs
    key = (lo, hi, limit)
    found = runs.get(key)
    if found is None:
        if len(runs) >= _SHARED_SPANS:
            runs.clear()
        found = runs[key] = _WordRuns(text, lo, hi, limit)
    return found


# a key's accepted (prefix, suffix) pairs remembered at most; keys with any prefix or
# suffix can meet many pairs
_READINGS_PER_KEY = 256
_PLAIN = ("", "")  # the affixes of a whole-word hit


def longest_first(found: list[Match[T]]) -> list[Match[T]]:
    """Matches without overlaps: the longest wins, then the leftmost (stable for equal ones).

    Kept spans are marked character by character (a bytearray over the matches' extent), so
    each candidate costs its own length, whatever the number of matches kept already.
    """
    if not found:
        return []
    found = sorted(found, key=lambda m: (-(m.core_end - m.core_start), m.core_start))
    lo = min(m.core_start for m in found)
    taken = bytearray(max(m.core_end for m in found) - lo)
    result = []
    for m in found:
        s, e = m.core_start - lo, m.core_end - lo
        if taken.find(1, s, e) != -1:
            continue
        taken[s:e] = b"\x01" * (e - s)
        result.append(m)
    result.sort(key=lambda m: m.core_start)
    return result


class PhraseMatcher(Generic[T]):
    # matches inside a run of letters longer than this are skipped (see MAX_WORD_CHARS)
    max_word = MAX_WORD_CHARS

    def __init__(self) -> None:
        self._automaton = ahocorasick.Automaton()
        self._entries: dict[str, list[_Entry]] = {}
        self._built = False
        clitics = load_clitics()
        self._proclitics = clitics.proclitics | {""}
        # every proclitic + imperfect-prefix combination, precomputed (this check is hot)
        self._verb_prefixes = frozenset(p + v for p in self._proclitics for v in clitics.verb_prefixes)
        self._enclitics = clitics.enclitics | {""}
        self._longest_proclitic = max(map(len, self._proclitics))
        self._longest_verb_prefix = max(map(len, self._verb_prefixes | self._proclitics))
        self._longest_enclitic = max(map(len, self._enclitics))

    def __len__(self) -> int:
        return sum(len(e.payloads) for entries in self._entries.values() for e in entries)

    def add(self, pattern: str, payload: T, *, verb: bool = False) -> None:
        raw = pattern.strip()
        any_suffix = raw.endswith("*")
        any_prefix = raw.startswith("*")
        key = fold(raw.strip("*")).strip()
        key = " ".join(key.split())
        if not key:
            raise ValueError(f"empty pattern: {pattern!r}")
        self._add_key(key, payload, any_suffix, any_prefix, verb, False)
        if key.startswith("ال") and len(key) > 3:
            self._add_key(key[1:], payload, any_suffix, any_prefix, verb, True)
        self._built = False

    def _add_key(self, key: str, payload: Any, any_suffix: bool, any_prefix: bool, verb: bool,
                 needs_lam: bool) -> None:
        entries = self._entries.setdefault(key, [])
        for e in entries:
            if (e.any_suffix, e.any_prefix, e.verb, e.needs_lam) == (any_suffix, any_prefix, verb, needs_lam):
                e.payloads.append(payload)
                return
        entries.append(_Entry(key, [payload], any_suffix, any_prefix, verb, needs_lam))

    def add_many(self, items: Iterable[tuple[str, T]], *, verb: bool = False) -> None:
        for pattern, payload in items:
            self.add(pattern, payload, verb=verb)

    def _build(self) -> None:
        self._automaton = ahocorasick.Automaton()
        for key, entries in self._entries.items():
            before, after = self._affix_bounds(entries)
            # one word with bounded affixes: its edges are a few letters from the key
            bounded = key.isalpha() and before >= 0 and after >= 0
            self._automaton.add_word(key, (entries, len(key), before, after, bounded, {}))
        if self._entries:
            self._automaton.make_automaton()
        self._built = True

    def _affix_bounds(self, entries: list[_Entry]) -> tuple[int, int]:
        """The most letters any entry of one key accepts before and after it (-1: any
        number), so that a hit inside a longer word is dropped without finding the word."""
        before, after = self._longest_proclitic, self._longest_enclitic
        for e in entries:  # most keys have one entry
            if e.any_prefix:
                before = -1
            elif e.verb and before >= 0:
                before = self._longest_verb_prefix
            if e.any_suffix:
                after = -1
        return before, after

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[Match[T]]:
        """All matches in ``text[start:end]``, overlaps removed (longest, then leftmost wins)."""
        return longest_first(list(self.iter_all(text, start, end)))

    def iter_all(self, text: str, start: int = 0, end: int | None = None) -> Iterator[Match[T]]:
        """Every acceptable match, overlapping ones included (one per payload)."""
        if not self._built:
            self._build()
        if not self._entries:
            return
        end = len(text) if end is None else end
        runs = _word_runs(text, start, end, self.max_word)
        word = runs.word
        limit = self.max_word
        for last, (entries, size, before, after, bounded, readings) in self._automaton.iter(text, start, end):
            core_end = last + 1
            # every entry of one hit has the same key, hence the same span and affixes
            core_start = core_end - size
            if core_start > start and text[core_start - 1].isalpha():
                # more letters before the key than any entry allows: no need for the word
                cut = core_start - before - 1
                if before >= 0 and cut >= start and text[cut:core_start].isalpha():
                    continue
            elif core_end >= end or not text[core_end].isalpha():
                # a whole word on its own, the most common hit: no clitics to look for
                got = readings.get(_PLAIN)
                if got is None:
                    got = readings[_PLAIN] = self._readings(entries, "", "")
                for payload, key, found in got:
                    yield Match(core_start, core_end, core_start, core_end, payload, key, found, "")
                continue
            cut = core_end + after + 1
            if after >= 0 and cut <= end and text[core_end:cut].isalpha():
                continue
            if bounded:
                # the checks above leave at most ``before`` letters before the key and
                # ``after`` after it: the word's edges, as _WordRuns.word would find them
                nstart = core_start
                while nstart > start and text[nstart - 1].isalpha():
                    nstart -= 1
                nend = core_end
                while nend < end and text[nend].isalpha():
                    nend += 1
                if nend - nstart > limit:
                    continue
            else:
                span = word(core_start, core_end)
                if span is None:
                    continue  # inside a run of letters too long to be a word
                nstart, nend = span
            prefix = text[nstart:core_start] if nstart < core_start else ""
            suffix = text[core_end:nend] if core_end < nend else ""
            affixes = (prefix, suffix)
            got = readings.get(affixes)
            if got is None:
                if len(readings) >= _READINGS_PER_KEY:
                    readings.clear()
                got = readings[affixes] = self._readings(entries, prefix, suffix)
            for payload, key, found in got:
                yield Match(nstart, nend, core_start, core_end, payload, key, found, suffix)

    def _readings(self, entries: list[_Entry], prefix: str, suffix: str) -> tuple[tuple[Any, str, str], ...]:
        """(payload, key, proclitics) of every entry of one key that accepts these affixes:
        the same for every hit of the key with them, so worked out once per key and pair."""
        out = []
        for entry in entries:
            found = self._accept_affixes(prefix, suffix, entry)
            if found is not None:
                out.extend((payload, entry.key, found) for payload in entry.payloads)
        return tuple(out)

    def _accept_affixes(self, prefix: str, suffix: str, entry: _Entry) -> str | None:
        """The proclitics of a match (the lam the key took in dropped) when ``entry``
        allows its affixes, else None."""
        if entry.needs_lam:
            if prefix.endswith("ل"):
                prefix = prefix[:-1]
            elif not entry.key.startswith("لل"):
                return None  # للاذقية: ل + اللاذقية writes one lam less, the key already has it
            if prefix not in ("", "و", "ف"):
                return None
        elif not entry.any_prefix and prefix not in self._proclitics:
            if not (entry.verb and prefix in self._verb_prefixes):
                return None
        if not entry.any_suffix and suffix not in self._enclitics:
            return None
        return prefix
