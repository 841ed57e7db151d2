"""Numbers: digits, number words (خمسة وعشرين), duals (قتيلين) and vague counts (عشرات).

Each number found is a :class:`NumberMention` on the normalised text with its integer
``value``; a qualifier written before it (``ما لا يقل عن 28``) is part of the mention and
named in ``qualifier``. The word lists are ``rasd/data/entities/numbers.tsv``,
``duals.tsv`` and ``qualifiers.tsv``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from rasd.datafiles import alternation, read_tsv, variants
from rasd.text.memo import memo_of

__all__ = ["NumberMention", "NumberLexicon", "load_numbers", "find_numbers", "parse_number_words", "dual_noun",
           "duals_among"]


@dataclass(slots=True)
class NumberMention:
    nstart: int
    nend: int
    value: int
    approximate: bool = False
    qualifier: str | None = None
    kind: str = "digits"  # digits | words | dual | approx
    noun: str | None = None  # the counted noun of a dual
    upper: int | None = None  # the higher bound of "between X and Y"


@dataclass(frozen=True)
class NumberLexicon:
    words: dict[str, tuple[int, str]]  # folded word → (value, kind)
    approx: dict[str, int]  # folded phrase → conventional count
    duals: dict[str, str]  # folded dual form → singular noun
    qualifiers: dict[str, tuple[str, str]]  # folded phrase → (qualifier, position)
    word_alt: str  # regex alternation of every number word and vague count
    vocabulary: frozenset[str]  # every word that may be part of a written number
    digits_re: re.Pattern[str]
    before_re: re.Pattern[str]  # a qualifier right before a number (searched on a short tail)
    after_re: re.Pattern[str]  # a qualifier after the counted noun


_CLITICS = ("وب", "فب", "ول", "فل", "و", "ف", "ب", "ل")


@lru_cache(maxsize=None)
def load_numbers() -> NumberLexicon:
    words: dict[str, tuple[int, str]] = {}
    approx: dict[str, int] = {}
    for row in read_tsv("entities/numbers.tsv", ("pattern", "value", "kind")):
        value = row.int("value")
        for key in variants(row["pattern"]):
            if row["kind"] == "approx":
                approx[key] = value
            else:
                words[key] = (value, row["kind"])
    duals = {}
    for row in read_tsv("entities/duals.tsv", ("pattern", "noun")):
        for key in variants(row["pattern"]):
            duals[key] = row["noun"]
    qualifiers = {}
    for row in read_tsv("entities/qualifiers.tsv", ("pattern", "qualifier", "position")):
        for key in variants(row["pattern"]):
            qualifiers[key] = (row["qualifier"], row["position"])
    word_alt = alternation(set(words) | set(approx))
    multipliers = alternation([k for k, (_, kind) in words.items() if kind.startswith("multiplier")])
    before = [k for k, (_, pos) in qualifiers.items() if pos == "before"]
    after = [k for k, (_, pos) in qualifiers.items() if pos == "after"]
    return NumberLexicon(
        words=words, approx=approx, duals=duals, qualifiers=qualifiers, word_alt=word_alt,
        digits_re=re.compile(
            # 1,5 مليون: a decimal comma, only before a multiplier (12,500 is twelve thousand five hundred);
            # \d+[,٫]\d{1,2}(?=…) | \d{1,3}(?:,\d{3})+ | \d+(?:\.\d+)?, with the first digit taken
            # out in front so that the regex engine skips to the next digit
            rf"(\d(?:\d*[,٫]\d{{1,2}}(?=\s*(?:{multipliers})(?!\w))|\d{{0,2}}(?:,\d{{3}})+|\d*(?:\.\d+)?))(?!\d)"
            rf"(?:\s*({multipliers})(?!\w))?"),
        vocabulary=frozenset(words) | frozenset(w for k in approx for w in k.split(" ")),
        before_re=re.compile(rf"(?<!\w)(?:و|ف)?({alternation(before)})\s+$"),
        after_re=re.compile(rf"\s+(?:[^\s\d]+\s+)?({alternation(after)})(?!\w)"),
    )


def parse_number_words(text: str) -> int | None:
    """The value of a written number (``خمسة وعشرين`` → 25), or None if it is not one number."""
    lex = load_numbers()
    folded = " ".join(text.split())
    if folded in lex.approx:
        return lex.approx[folded]
    parts = _split_numbers(folded, 0, lex)
    if len(parts) == 1 and parts[0][0] == 0 and parts[0][1] == len(folded):
        return parts[0][2]
    return None


def find_numbers(text: str, words: Iterable[tuple[int, str]] | None = None) -> list[NumberMention]:
    """Every number in the normalised ``text``, in order (may overlap dates: the caller decides).

    Args:
        text: normalised text.
        words: its words as ``(start, word)`` pairs when the caller has them (tokens).
    """
    lex = load_numbers()
    found: list[NumberMention] = []
    for m in lex.digits_re.finditer(text):
        if m.start() and text[m.start() - 1] in ".,٫":
            continue  # the tail of a decimal or of a list such as 1,2
        if _in_date_or_fraction(text, m.start(), m.end(1)):
            continue
        raw = m.group(1)
        if "," in raw and len(raw.rsplit(",", 1)[1]) != 3 or "٫" in raw:
            raw = raw.replace(",", ".").replace("٫", ".")  # the decimal comma of 1,5 مليون
        raw = raw.replace(",", "")
        value = float(raw) if "." in raw else int(raw)
        if m.group(2):
            value *= lex.words[m.group(2)][0]
        found.append(NumberMention(m.start(), m.end(), int(value)))
    if words is None:
        words = ((m.start(), m.group()) for m in _ARABIC_WORD.finditer(text))
    runs, duals = _word_runs(text, words, lex)
    for run_start, run_end in runs:
        for s, e, value, kind in _split_numbers(text[run_start:run_end], run_start, lex):
            found.append(NumberMention(s, e, value, approximate=kind == "approx", kind=kind))
    for start, end, noun in duals:
        found.append(NumberMention(start, end, 2, kind="dual", noun=noun))
    found.sort(key=lambda n: (n.nstart, -n.nend))
    kept: list[NumberMention] = []
    for num in found:  # a number inside a longer one (آلاف in 10 آلاف) is part of it
        if kept and num.nstart < kept[-1].nend:
            continue
        kept.append(num)
    found = kept
    for k, num in enumerate(found):
        _qualify(text, num, lex)
        if num.qualifier == "between" and k + 1 < len(found) \
                and _AND.fullmatch(text, num.nend, found[k + 1].nstart):
            num.upper = found[k + 1].value
    return found


_AND = re.compile(r"\s*و\s*")
_SLASH_AFTER = re.compile(r"\s*/\s*\d")
_SLASH_BEFORE = re.compile(r"\d\s*/\s*$")


def _in_date_or_fraction(text: str, start: int, end: int) -> bool:
    """Digits joined to others by a slash (``19/6/1436``, ``3/4``) are a date or a fraction
    the dates stage did not read, never a count."""
    return bool(_SLASH_AFTER.match(text, end) or _SLASH_BEFORE.search(text[max(0, start - 4):start]))


def dual_noun(word: str) -> str | None:
    """The singular noun of a dual written as one folded word, clitics allowed
    (``وجنديين`` → ``جندي``), or None."""
    found = duals_among((word,))
    return found[0][1] if found else None


def duals_among(words: Iterable[str]) -> list[tuple[int, str]]:
    """``(index, singular noun)`` of each word that is a dual (see :func:`dual_noun`), in
    order; the lexicon and the words seen are looked up once."""
    lex = load_numbers()
    nouns = memo_of(_DUAL_NOUNS, lex, lambda word: _dual_noun_of(word, lex))
    out = []
    for k, word in enumerate(words):
        noun = nouns[word]
        if noun is not None:
            out.append((k, noun))
    return out


def _dual_noun_of(word: str, lex: NumberLexicon) -> str | None:
    found = _dual_cut(word, lex.duals)
    return found[1] if found else None


def _dual_cut(word: str, duals: dict[str, str]) -> tuple[int, str] | None:
    """(length of the clitic before the dual, its singular noun), or None."""
    if len(word) <= 4 or word[-1] not in "نا":  # duals end in ين / ان
        return None
    for cut in (0, 1, 2, 3):
        if word[cut:] in duals and (cut == 0 or word[:cut] in _DUAL_CLITICS):
            return cut, duals[word[cut:]]
    return None


def _qualify(text: str, num: NumberMention, lex: NumberLexicon) -> None:
    if num.kind == "dual":
        return
    tail = text[max(0, num.nstart - 24):num.nstart]
    m = lex.before_re.search(tail)
    if m:
        num.qualifier = lex.qualifiers[" ".join(m.group(1).split())][0]
        num.nstart = num.nstart - len(tail) + m.start(1)
        return
    m = lex.after_re.match(text, num.nend, min(len(text), num.nend + 32))
    if m:
        num.qualifier = lex.qualifiers[" ".join(m.group(1).split())][0]


_WORD = re.compile(r"\S+")
_ARABIC_WORD = re.compile(r"[\u0621-\u064a\u0671-\u06d3\w]+")


def _word_runs(text: str, words: Iterable[tuple[int, str]], lex: NumberLexicon
               ) -> tuple[list[tuple[int, int]], list[tuple[int, int, str]]]:
    """Spans of consecutive number words (a clitic allowed on each) separated by spaces
    only, and the duals (start, end, noun) with their clitics left out."""
    kinds = memo_of(_WORD_KINDS, lex, lambda word: _word_kind(word, lex))
    runs: list[tuple[int, int]] = []
    duals: list[tuple[int, int, str]] = []
    for start, word in words:
        kind = kinds[word]
        if kind is not True:
            if kind is not None:
                duals.append((start + kind[0], start + len(word), kind[1]))
            continue
        end = start + len(word)
        if runs and text[runs[-1][1]:start].isspace():
            runs[-1] = (runs[-1][0], end)
        else:
            runs.append((start, end))
    return runs, duals


# what each word seen is against the lexicon in use (see _word_kind), and the singular
# noun of each word seen as a dual (see dual_noun)
_WORD_KINDS: list = []
_DUAL_NOUNS: list = []


def _word_kind(word: str, lex: NumberLexicon) -> bool | tuple[int, str] | None:
    """True for a number word (a clitic allowed), a dual's (clitic length, singular noun),
    else None."""
    vocabulary = lex.vocabulary
    if word in vocabulary or (len(word) > 2 and word[0] in "وفبل" and (word[1:] in vocabulary or (
            word[:2] in _TWO_LETTER_CLITICS and word[2:] in vocabulary))):
        return True
    return _dual_cut(word, lex.duals)


_TWO_LETTER_CLITICS = frozenset(("وب", "فب", "ول", "فل"))
_DUAL_CLITICS = frozenset(("و", "ف", "ب", "ل", "ال", "وال", "فال", "بال", "لل", "ول", "وب"))


def _split_numbers(chunk: str, offset: int, lex: NumberLexicon) -> list[tuple[int, int, int, str]]:
    """Split a run of number words into numbers: ``(start, end, value, kind)`` each.

    Words join into one number the way Arabic compounds do: a unit then عشر (13), a unit
    then و + a ten (25), a hundred then و + a smaller number (150), anything then a
    multiplier (ثلاثة آلاف). Other sequences (ثلاثة وخمسة) are separate numbers.
    """
    out: list[tuple[int, int, int, str]] = []
    pieces = []
    for m in _WORD.finditer(chunk):
        word = m.group()
        clitic = ""
        if word not in lex.words and word not in lex.approx:
            clitic = next((c for c in _CLITICS if word.startswith(c) and (word[len(c):] in lex.words or word[len(c):] in lex.approx)), "")
            word = word[len(clitic):]
        # (start of the number word itself, end, word, joined to the previous by و)
        pieces.append((offset + m.start() + len(clitic), offset + m.end(), word, clitic == "و"))
    i = 0
    cur: dict | None = None

    def close() -> None:
        nonlocal cur
        if cur is not None and cur["kind"] != "pending":
            out.append((cur["start"], cur["end"], cur["total"] + cur["group"], cur["kind"]))
        cur = None

    while i < len(pieces):
        s, e, word, waw = pieces[i]
        if i + 1 < len(pieces) and not pieces[i + 1][3]:
            pair = f"{word} {pieces[i + 1][2]}"
            if pair in lex.approx:
                close()
                out.append((s, pieces[i + 1][1], lex.approx[pair], "approx"))
                i += 2
                continue
        if word in lex.approx and word not in lex.words:
            close()
            out.append((s, e, lex.approx[word], "approx"))
            i += 1
            continue
        if word not in lex.words:  # the second word of a vague count, alone
            close()
            i += 1
            continue
        value, kind = lex.words[word]
        if cur is not None and _joins(cur, value, kind, waw):
            _extend(cur, value, kind)
            cur["end"] = e
        else:
            close()
            if kind == "teen_unit":
                # أحد/اثنا only count before عشر/عشرة
                nxt = pieces[i + 1] if i + 1 < len(pieces) else None
                if nxt is None or nxt[3] or lex.words.get(nxt[2], (0, ""))[0] != 10:
                    i += 1
                    continue
            cur = {"start": s, "end": e, "total": 0, "group": 0, "last": None, "kind": "words"}
            if kind == "multiplier_plural":
                cur.update(group=value, kind="approx", last="multiplier")
            else:
                _extend(cur, value, kind)
        i += 1
    close()
    return out


def _joins(cur: dict, value: int, kind: str, waw: bool) -> bool:
    last = cur["last"]
    if cur["kind"] == "approx":
        return False
    if not waw:
        if kind == "ten" and value == 10 and last in ("unit", "teen_unit"):
            return True
        if kind == "hundred" and last == "unit":
            return True
        if kind in ("multiplier", "multiplier_plural") and last in ("unit", "ten", "teen", "hundred", "hundred_word"):
            return True
        return False
    if kind == "ten" and value >= 20 and last in ("unit", "teen_unit"):
        return True
    if last in ("hundred", "hundred_word"):
        return kind in ("unit", "ten") or (kind == "teen_unit")
    if last == "multiplier":
        return kind in ("unit", "ten", "hundred", "hundred_word")
    return False


def _extend(cur: dict, value: int, kind: str) -> None:
    last = cur["last"]
    if kind in ("multiplier", "multiplier_plural"):
        cur["total"] += (cur["group"] or 1) * value
        cur["group"] = 0
        cur["last"] = "multiplier"
        return
    if kind == "hundred" and last == "unit":
        cur["group"] = cur["group"] * 100
        cur["last"] = "hundred"
        return
    if kind == "ten" and value == 10 and last in ("unit", "teen_unit"):
        cur["group"] += 10
        cur["last"] = "teen"
        return
    cur["group"] += value
    cur["last"] = kind
