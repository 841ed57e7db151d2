"""Sentence and clause segmentation on original offsets."""
from __future__ import annotations

import bisect
import re

from rasd.doc import Sentence

__all__ = ["sentences", "split_long"]

# A sentence ends at . ! ? ؟ (not inside a number or after a one-letter abbreviation)
# or at a line break; a clause ends at a comma, semicolon or colon.
# The patterns open with one character class, so that the regex engine skips to the next
# candidate character instead of trying every position (same matches as the plain forms
# in the comments).
# [.!?؟…]+ not after a lone digit (a list number: 1.) or a one-letter word, before a space,
# quote or the end; or \n+. After a longer number it ends the sentence (في يناير 1995.).
_SENTENCE_END = re.compile(r"[.!?؟…\n](?:(?<=\n)\n*|(?<!\n)(?<!\s[0-9٠-٩].)(?<!^[0-9٠-٩].)(?<!\b[\u0621-\u064a].)"
                           r"[.!?؟…]*(?=[\s\"'”»)]|$))")
# [،,؛;:] | \s[-–—]\s
_CLAUSE_END = re.compile(r"[،,؛;:\s](?:(?<=[،,؛;:])|(?<=\s)[-–—]\s)")
_SPACE = " \t\r\n\u00a0\"'“”«»"
# Arabic chains whole reports with "، و…": a comma followed by a wa-word starts a new
# sentence when both sides are long enough to be reports of their own.
_CHAINED = re.compile(r"\s*[،,]\s*(?=و[\u0621-\u064a])")
_HAS_CHAINED = re.compile(r"[،,]\s*(?=و[\u0621-\u064a])")  # whether _CHAINED matches, found faster
CHAINED_MIN_WORDS = 8


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _SPACE:
        start += 1
    while end > start and text[end - 1] in " \t\r\n\u00a0":
        end -= 1
    return start, end


# Spans longer than this (a page without full stops or line breaks) are first cut at the
# last space before it: the chained-sentence test below then works on bounded spans.
HARD_MAX_FACTOR = 8
_RUN = re.compile(r"\S+")


def sentences(text: str, max_chars: int = 1500, limit: int | None = None) -> list[Sentence]:
    """Split ``text`` into sentences with clauses.

    Very long sentences (tables, run-on lists) are cut at clause boundaries near
    ``max_chars`` so that no later stage sees unbounded spans. With ``limit``, segmentation
    stops once ``limit + 1`` sentences are found (the caller needs to know there are more,
    not how many). Time is linear in the text read.
    """
    out: list[Sentence] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        _add(text, start, m.end() if m.group()[0] != "\n" else m.start(), out, max_chars)
        start = m.end()
        if limit is not None and len(out) > limit:
            return out
    _add(text, start, len(text), out, max_chars)
    return out


def _add(text: str, start: int, end: int, out: list[Sentence], max_chars: int) -> None:
    start, end = _trim(text, start, end)
    hard = HARD_MAX_FACTOR * max_chars
    while end - start > hard:
        cut = text.rfind(" ", start + hard // 2, start + hard)
        cut = cut if cut > start else start + hard
        _add_chained(text, start, cut, out, max_chars)
        start, end = _trim(text, cut, end)
    _add_chained(text, start, end, out, max_chars)


def _add_chained(text: str, start: int, end: int, out: list[Sentence], max_chars: int) -> None:
    """Split at the first "، و…" with at least CHAINED_MIN_WORDS words on either side, then
    again in what follows, each part on its own (one pass: word starts found once)."""
    start, end = _trim(text, start, end)
    if end <= start:
        return
    if _HAS_CHAINED.search(text, start, end) is None:  # most sentences: no "، و…" to split at
        _add_cut(text, start, end, out, max_chars)
        return
    words = [m.start() for m in _RUN.finditer(text, start, end)]  # start of each word
    chained = False
    pos = start
    while True:
        split = None
        for m in _CHAINED.finditer(text, pos, end):
            before = _count_words(text, words, start, pos, m.start())
            after = _count_words(text, words, start, m.end(), end)
            if before >= CHAINED_MIN_WORDS and after >= CHAINED_MIN_WORDS:
                split = m
                break
        if split is None:
            _add_cut(text, pos, end, out, max_chars, chained)
            return
        _add_cut(text, pos, split.start(), out, max_chars, chained)
        pos, end = _trim(text, split.end(), end)
        chained = True
        if end <= pos:
            return


def _count_words(text: str, words: list[int], origin: int, a: int, b: int) -> int:
    """``len(text[a:b].split())``, from the word starts of ``text[origin:…]``."""
    n = bisect.bisect_left(words, b) - bisect.bisect_left(words, a)
    if origin < a < b and not text[a].isspace() and not text[a - 1].isspace():
        n += 1  # a word that began before a: the slice still holds its tail
    return n


def _add_cut(text: str, start: int, end: int, out: list[Sentence], max_chars: int,
             chained: bool = False) -> None:
    start, end = _trim(text, start, end)
    if end <= start:
        return
    while end - start > max_chars:
        cut = None
        for m in _CLAUSE_END.finditer(text, start + max_chars // 2, start + max_chars):
            cut = m.end()
        cut = cut or start + max_chars
        _add_cut(text, start, cut, out, max_chars)
        start, end = _trim(text, cut, end)
    clauses = []
    cstart = start
    for m in _CLAUSE_END.finditer(text, start, end):
        cs, ce = _trim(text, cstart, m.start())
        if ce > cs:
            clauses.append((cs, ce))
        cstart = m.end()
    cs, ce = _trim(text, cstart, end)
    if ce > cs:
        clauses.append((cs, ce))
    out.append(Sentence(start, end, clauses, chained))


def split_long(text: str, sents: list[Sentence], token_starts: list[int], max_tokens: int
               ) -> tuple[list[Sentence], list[Sentence]]:
    """Sentences with more than ``max_tokens`` tokens cut into pieces of ``max_tokens``
    tokens (at a token start; clauses clipped to each piece; later pieces marked chained).
    Returns the new list and the original sentences that were cut.

    ``token_starts``: the original start of each token, sorted.
    """
    out: list[Sentence] = []
    cut: list[Sentence] = []
    for sent in sents:
        lo = bisect.bisect_left(token_starts, sent.start)
        hi = bisect.bisect_left(token_starts, sent.end)
        if hi - lo <= max_tokens:
            out.append(sent)
            continue
        cut.append(sent)
        bounds = [sent.start] + token_starts[lo + max_tokens:hi:max_tokens] + [sent.end]
        for k, (a, b) in enumerate(zip(bounds, bounds[1:])):
            a, b = _trim(text, a, b)
            if b <= a:
                continue
            clauses = [(max(cs, a), min(ce, b)) for cs, ce in sent.clauses if cs < b and a < ce]
            out.append(Sentence(a, b, clauses, sent.chained if k == 0 else True))
    return out, cut
