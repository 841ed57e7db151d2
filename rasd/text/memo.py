"""A bounded memo of per-word readings, shared by the stages that classify every word.

Words repeat across a corpus, and several readings depend on the word alone (is it a
number word, a date anchor, a word a name may begin with): each is worked out once per
word form. ``memo[word]`` computes on a miss; past ``limit`` words the memo starts afresh,
so memory stays bounded whatever the input.
"""
from __future__ import annotations

from typing import Any, Callable

__all__ = ["WordMemo", "memo_of"]

WORDS_KEPT = 200_000  # word forms remembered at most


class WordMemo(dict):
    """``compute(word)`` for each word looked up, computed once."""

    def __init__(self, compute: Callable[[str], Any], limit: int = WORDS_KEPT) -> None:
        super().__init__()
        self.compute = compute
        self.limit = limit

    def __missing__(self, word: str) -> Any:
        if len(self) > self.limit:
            self.clear()
        value = self[word] = self.compute(word)
        return value


def memo_of(held: list, source: Any, compute: Callable[[str], Any]) -> WordMemo:
    """The memo ``held`` keeps for ``source`` (a lexicon); another source starts afresh."""
    if not held or held[0][0] is not source:
        held[:] = [(source, WordMemo(compute))]
    return held[0][1]
