"""Sentence and clause segmentation on original offsets."""
from __future__ import annotations

import re

from rasd.doc import Sentence

__all__ = ["sentences"]

# A sentence ends at . ! ? ؟ (not inside a number or after a one-letter abbreviation)
# or at a line break; a clause ends at a comma, semicolon or colon.
_SENTENCE_END = re.compile(r"(?<![0-9٠-٩])(?<!\b[\u0621-\u064a])[.!?؟…]+(?=[\s\"'”»)]|$)|\n+")
_CLAUSE_END = re.compile(r"[،,؛;:]|\s[-–—]\s")
_SPACE = " \t\r\n\u00a0\"'“”«»"
# Arabic chains whole reports with "، و…": a comma followed by a wa-word starts a new
# sentence when both sides are long enough to be reports of their own.
_CHAINED = re.compile(r"\s*[،,]\s*(?=و[\u0621-\u064a])")
CHAINED_MIN_WORDS = 8


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _SPACE:
        start += 1
    while end > start and text[end - 1] in " \t\r\n\u00a0":
        end -= 1
    return start, end


def sentences(text: str, max_chars: int = 1500) -> list[Sentence]:
    """Split ``text`` into sentences with clauses.

    Very long sentences (tables, run-on lists) are cut at clause boundaries near
    ``max_chars`` so that no later stage sees unbounded spans.
    """
    out: list[Sentence] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        _add(text, start, m.end() if m.group()[0] != "\n" else m.start(), out, max_chars)
        start = m.end()
    _add(text, start, len(text), out, max_chars)
    return out


def _add(text: str, start: int, end: int, out: list[Sentence], max_chars: int,
         chained: bool = False) -> None:
    start, end = _trim(text, start, end)
    if end <= start:
        return
    for m in _CHAINED.finditer(text, start, end):
        if (len(text[start:m.start()].split()) >= CHAINED_MIN_WORDS
                and len(text[m.end():end].split()) >= CHAINED_MIN_WORDS):
            _add(text, start, m.start(), out, max_chars, chained)
            _add(text, m.end(), end, out, max_chars, True)
            return
    while end - start > max_chars:
        cut = None
        for m in _CLAUSE_END.finditer(text, start + max_chars // 2, start + max_chars):
            cut = m.end()
        cut = cut or start + max_chars
        _add(text, start, cut, out, max_chars)
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
