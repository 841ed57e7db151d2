"""Finding date expressions in normalised text.

Each expression becomes a :class:`DateExpr`: what the words say (a day and month, a
weekday with ``الماضي``, ``قبل ثلاثة أيام`` …) before any publication date is known.
:mod:`rasd.dates.resolve` turns it into a calendar date. The words come from
``rasd/data/dates/*.tsv`` (months, weekdays, relative expressions, modifiers, units);
the grammar that combines them is the compiled regexes below.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any, Callable, Iterable

from rasd.entities.numbers import load_numbers, parse_number_words
from rasd.datafiles import alternation, read_tsv, variants
from rasd.text.memo import memo_of

__all__ = ["DateExpr", "DateMention", "DateLexicon", "load_dates", "find_dates"]


@dataclass(slots=True)
class DateExpr:
    """What a date expression states, unresolved.

    Attributes:
        kind: ``calendar`` (day/month/year given by name or number), ``weekday``,
            ``relative`` (a unit and offset from the publication date: أمس, الشهر الماضي),
            ``ago`` (قبل ثلاثة أيام).
        year, month, day: the parts the text gives (None where it does not).
        rel: for a month or weekday: ``last`` (الماضي), ``next`` (المقبل), ``this`` (الجاري);
            None = the most recent one on or before the publication date.
        weekday: 0 = Monday … 6 = Sunday.
        unit, offset: for relative and ago expressions (``day``, -1 for أمس).
        precision: day | week | month | year | unknown, once resolved.
        part: start | middle | end of the month/period (مطلع, منتصف, أواخر).
        tod: time of day (dawn, morning, noon, afternoon, evening, night).
        calendar: ``hijri`` when year, month and day are Hijri (resolved to Gregorian with
            hijridate); None for the Gregorian calendar.
    """
    kind: str
    precision: str
    year: int | None = None
    month: int | None = None
    day: int | None = None
    rel: str | None = None
    weekday: int | None = None
    unit: str | None = None
    offset: int | None = None
    part: str | None = None
    tod: str | None = None
    calendar: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass(slots=True)
class DateMention:
    nstart: int
    nend: int
    expr: DateExpr


@dataclass(frozen=True)
class DateLexicon:
    months: dict[str, tuple[int, bool]]  # folded name → (month, usable alone)
    hijri_months: dict[str, int]  # folded Hijri month name → month
    weekdays: dict[str, tuple[int, bool]]
    rel: dict[str, str]  # الماضي → last
    parts: dict[str, str]
    tods: dict[str, str]
    relative: dict[str, tuple[str, int, str, bool]]  # phrase → (unit, offset, precision, needs_part)
    units: dict[str, tuple[str, int | None, int | None, str]]  # → (unit, count, vague, precision)
    ordinals: dict[str, int]  # العاشر → 10
    # each word a date expression can begin with → the patterns to try there
    anchors: dict[str, tuple[tuple[re.Pattern[str], Callable[..., DateExpr | None]], ...]]


_WORD = re.compile(r"[\u0621-\u064a\u0671-\u06d3\w]+")


@lru_cache(maxsize=None)
def load_dates() -> DateLexicon:
    months: dict[str, tuple[int, bool]] = {}
    hijri_months: dict[str, int] = {}
    for row in read_tsv("dates/months.tsv", ("pattern", "month", "bare")):
        for key in variants(row["pattern"]):
            if row.cells.get("calendar") == "hijri":
                hijri_months[key] = row.int("month")
            else:
                months[key] = (row.int("month"), row["bare"] == "1")
    weekdays: dict[str, tuple[int, bool]] = {}
    for row in read_tsv("dates/weekdays.tsv", ("pattern", "weekday", "bare")):
        for key in variants(row["pattern"]):
            weekdays[key] = (row.int("weekday"), row["bare"] == "1")
    rel: dict[str, str] = {}
    parts: dict[str, str] = {}
    tods: dict[str, str] = {}
    year_words: list[str] = []
    ago_words: list[str] = []
    cancel: list[str] = []
    eras: list[str] = []
    for row in read_tsv("dates/modifiers.tsv", ("pattern", "kind")):
        table = {"rel": rel, "part": parts, "tod": tods}.get(row["kind"])
        for key in variants(row["pattern"]):
            if table is not None:
                table[key] = row["value"]
            elif row["kind"] == "year_word":
                year_words.append(key)
            elif row["kind"] == "ago":
                ago_words.append(key)
            elif row["kind"] == "cancel":
                cancel.append(key)
            elif row["kind"] == "era" and row["value"] == "hijri":
                eras.append(key)
    relative: dict[str, tuple[str, int, str, bool]] = {}
    for row in read_tsv("dates/relative.tsv", ("pattern", "unit", "offset", "precision")):
        for key in variants(row["pattern"]):
            relative[key] = (row["unit"], row.int("offset"), row["precision"], row["needs_part"] == "1")
    units: dict[str, tuple[str, int | None, int | None, str]] = {}
    for row in read_tsv("dates/units.tsv", ("pattern", "unit", "precision")):
        for key in variants(row["pattern"]):
            units[key] = (row["unit"], row.int("count"), row.int("vague_count"), row["precision"])

    ordinals: dict[str, int] = {}
    for row in read_tsv("dates/ordinals.tsv", ("pattern", "day")):
        for key in variants(row["pattern"]):
            ordinals[key] = row.int("day")

    mon = alternation(months)
    month_group = rf"(?P<mon>{mon})(?!\w)(?:\s*[(/]\s*(?:{mon})\s*\)?)?"
    rel_after = alternation([k for k in rel if not k.startswith("هذ")])
    rel_group = rf"(?:\s+(?P<rel>{rel_after})(?!\w))"
    year_word = rf"(?:{alternation(year_words)})"
    year = rf"(?:\s*,?\s*(?:من\s+)?(?:{year_word}\s+)?(?P<y>(?:1[89]|20)\d\d)(?!\d)(?:\s*م(?!\w))?)"
    wd = rf"(?P<wd>{alternation(weekdays)})(?!\w)"
    tod = rf"(?:(?P<tod>{alternation(tods)})\s+)"
    part = rf"(?:(?P<part>{alternation(parts)})\s+)"
    numbers = load_numbers()
    num = rf"(?:\d+|{numbers.word_alt})"
    # قبل نحو أسبوعين: the before-number qualifiers of entities/qualifiers.tsv
    approx = alternation([k for k, (_, pos) in numbers.qualifiers.items() if pos == "before"])
    not_cancelled = rf"(?!\s+(?:{alternation(cancel)})(?!\w))"
    # Hijri: the era word after a year (1436هـ, 1436 هـ, للهجرة); a year of 1300-1599 with
    # a Hijri month or in a numeric date is Hijri even without it (no Gregorian news date
    # falls there); any year with the era word is Hijri (626هـ).
    era = rf"(?:\s*(?P<era>{alternation(eras)})(?!\w))"
    hmon = rf"(?P<hmon>{alternation(hijri_months)})(?!\w)"
    hyear = rf"(?P<y>1[345]\d\d|\d{{1,4}}(?=\s*(?:{alternation(eras)})(?!\w)))(?!\d){era}?"
    hyear_tail = rf"(?:\s*,?\s*(?:من\s+)?(?:{year_word}\s+)?{hyear})"
    gregorian_after = r"(?!\s*م(?!\w))"

    def first(*tables: Any) -> frozenset[str]:
        return frozenset(k.split(" ")[0] for table in tables for k in table)
    digit = frozenset({_DIGIT_KEY})
    day_lead = first(tods, weekdays, ["يوم"])
    # (regex, handler, the words it may begin with; _DIGIT_KEY for a number)
    hijri_lead = first(hijri_months, ["شهر"])
    lex_patterns = (
        (rf"(?P<d>\d{{1,2}})\s*(?P<sep>[/.-])\s*(?P<m>\d{{1,2}})\s*(?P=sep)\s*(?P<y>1[345]\d\d)(?!\d){era}?",
         _hijri_numeric, digit),
        (rf"(?P<y>1[345]\d\d)\s*(?P<sep>[/-])\s*(?P<m>\d{{1,2}})\s*(?P=sep)\s*(?P<d>\d{{1,2}})(?!\d){era}?",
         _hijri_numeric, digit),
        (rf"(?:{tod}?(?:يوم\s+)?{wd}\s*,?\s*(?:الموافق\s+)?)?(?P<d>\d{{1,2}})(?!\d)\s*(?:-\s*)?(?:من\s+)?(?:شهر\s+)?"
         rf"{hmon}{hyear_tail}?", _hijri_date, day_lead | digit),
        (rf"(?:{tod}?(?:يوم\s+)?{wd}\s*,?\s*)?(?P<ord>{alternation(ordinals)})\s+من\s+(?:شهر\s+)?{hmon}{hyear_tail}?",
         _hijri_date, day_lead | first(ordinals)),
        (rf"(?P<shahr>شهر\s+)?{hmon}{hyear_tail}", _hijri_date, hijri_lead),
        (rf"(?P<shahr>شهر\s+){hmon}", _hijri_date, hijri_lead),
        (rf"(?:(?:{year_word})\s+)?(?P<y>\d{{1,4}})(?!\d){era}", _hijri_year, digit | first(year_words)),
        (rf"(?:{year_word})\s+(?P<y>1[34]\d\d)(?!\d){gregorian_after}", _hijri_year, first(year_words)),
        (rf"(?P<d>\d{{1,2}})\s*(?P<sep>[/.-])\s*(?P<m>\d{{1,2}})\s*(?P=sep)\s*(?P<y>(?:1[89]|20)\d\d)(?!\d)", _numeric, digit),
        (rf"(?P<y>(?:1[89]|20)\d\d)(?P<sep>[/-])(?P<m>\d{{1,2}})(?P=sep)(?P<d>\d{{1,2}})(?!\d)", _numeric, digit),
        (rf"(?:{tod}?(?:يوم\s+)?{wd}\s*,?\s*(?:الموافق\s+)?)?(?P<d>\d{{1,2}})(?!\d)\s*(?:من\s+)?(?:شهر\s+)?"
         rf"{month_group}(?:{year}|{rel_group})?", _day_month, day_lead | digit),
        (rf"(?:{tod}?(?:يوم\s+)?{wd}\s*,?\s*(?:الموافق\s+)?)?(?P<d>\d{{1,2}})(?!\d)\s+من\s+(?:هذا\s+)?الشهر(?!\w){rel_group}?",
         _day_of_month, day_lead | digit),
        (rf"(?:{tod}?(?:يوم\s+)?{wd}\s*,?\s*)?(?P<ord>{alternation(ordinals)})\s+من\s+(?:شهر\s+)?"
         rf"{month_group}(?:{year}|{rel_group})?", _day_month, day_lead | first(ordinals)),
        (rf"(?P<ord>{alternation(ordinals)})\s+من\s+(?:هذا\s+)?الشهر(?!\w){rel_group}?", _day_of_month, first(ordinals)),
        (rf"{part}?(?P<shahr>شهر\s+)?{month_group}(?:{year}|{rel_group})?", _month, first(parts, months, ["شهر"])),
        (rf"{part}?(?:{year_word})\s+(?P<y>(?:1[89]|20)\d\d)(?!\d)", _year, first(parts, year_words)),
        (rf"(?:(?:{part}|{tod})(?:يوم\s+)?)?(?:(?P<yawm>يوم)\s+)?(?P<phrase>{alternation(relative)})(?!\w){not_cancelled}"
         rf"(?:\s*\(\s*{wd}\s*\))?", _relative, first(parts, tods, relative, ["يوم"])),  # اليوم (الاثنين)
        (rf"{tod}?(?:(?P<yawm>يوم)\s+)?{wd}{rel_group}?{not_cancelled}", _weekday, day_lead),
        (rf"(?:{alternation(ago_words)})\s+(?:(?:{approx})\s+)?(?:(?P<n>{num})\s+)?"
         rf"(?P<unit>{alternation(units)})(?!\w)(?!\s*\d)", _ago, first(ago_words)),
    )
    by_word: dict[str, list[tuple[re.Pattern[str], Callable[..., DateExpr | None]]]] = {}
    for p, handler, starts in lex_patterns:
        compiled = re.compile(rf"(?P<core>{p})(?!\w)")
        for word in starts:
            by_word.setdefault(word, []).append((compiled, handler))
    anchors = {word: tuple(entries) for word, entries in by_word.items()}
    return DateLexicon(months, hijri_months, weekdays, rel, parts, tods, relative, units, ordinals, anchors)


def find_dates(text: str, words: Iterable[tuple[int, str]] | None = None) -> list[DateMention]:
    """Date expressions in normalised ``text``, longest first where they overlap, in order.

    Args:
        text: normalised text.
        words: its words as ``(start, word)`` pairs when the caller has them (tokens).
    """
    lex = load_dates()
    found: list[DateMention] = []
    if words is None:
        words = ((m.start(), m.group()) for m in _WORD.finditer(text))
    for start, key in _anchor_positions(words, lex.anchors):
        for pattern, handler in lex.anchors[key]:
            m = pattern.match(text, start)
            if m is None:
                continue
            expr = handler(m, lex)
            if expr is not None:
                found.append(DateMention(start, _trim_end(text, start, m.end()), expr))
    found.sort(key=lambda d: (-(d.nend - d.nstart), d.nstart))
    taken: list[DateMention] = []
    starts: list[int] = []  # of the kept mentions, sorted and disjoint: one bisect per candidate
    for d in found:
        k = bisect.bisect_right(starts, d.nstart)
        if (k and taken[k - 1].nend > d.nstart) or (k < len(taken) and taken[k].nstart < d.nend):
            continue
        starts.insert(k, d.nstart)
        taken.insert(k, d)
    return taken


def _anchor_positions(words: Iterable[tuple[int, str]], anchors: dict[str, Any]) -> list[tuple[int, str]]:
    """Where a date expression may begin, and the anchor word there: each word that is an
    anchor or a number, after its clitic (و, ب, ل …) if it has one."""
    known = memo_of(_ANCHORS_SEEN, anchors, lambda word: _anchor_in(word, anchors))
    out = []
    for start, word in words:
        found = known[word]
        if found is not None:
            out.append((start + found[0], found[1]))
    return out


# what each word seen is against the anchors in use (see _anchor_in): most are no anchor
_ANCHORS_SEEN: list = []


def _anchor_in(word: str, anchors: dict[str, Any]) -> tuple[int, str] | None:
    """(length of the clitic before it, the anchor word or _DIGIT_KEY) when ``word`` can
    begin a date expression, else None."""
    if word in anchors:
        return 0, word
    if word[0] in _DIGITS:
        return 0, _DIGIT_KEY
    if word[0] in "وفبل" and len(word) > 2:
        if word[1:] in anchors:
            return 1, word[1:]
        if word[1] in _DIGITS:
            return 1, _DIGIT_KEY
        if word[:2] in _TWO_LETTER_CLITICS and word[2:] in anchors:
            return 2, word[2:]
        if word[:2] in _TWO_LETTER_CLITICS and word[2] in _DIGITS:
            return 2, _DIGIT_KEY
    return None


_DIGITS = frozenset("0123456789")
_DIGIT_KEY = "#"
_TWO_LETTER_CLITICS = frozenset(("وب", "فب", "ول", "فل"))


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in " ,":
        end -= 1
    return end


def _g(m: re.Match[str], name: str) -> str | None:
    try:
        return m.group(name)
    except IndexError:
        return None


def _mods(m: re.Match[str], lex: DateLexicon) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if _g(m, "rel"):
        out["rel"] = lex.rel[_space(m.group("rel"))]
    if _g(m, "part"):
        out["part"] = lex.parts[_space(m.group("part"))]
    if _g(m, "tod"):
        out["tod"] = lex.tods[_space(m.group("tod"))]
    return out


def _space(s: str) -> str:
    return " ".join(s.split())


def _numeric(m: re.Match[str], lex: DateLexicon) -> DateExpr | None:
    day, month, year = int(m.group("d")), int(m.group("m")), int(m.group("y"))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return DateExpr("calendar", "day", year=year, month=month, day=day)


def _hijri_numeric(m: re.Match[str], lex: DateLexicon) -> DateExpr | None:
    """``19/6/1436``, ``1436/6/19 هـ``: a Hijri day (the year alone says so)."""
    day, month, year = int(m.group("d")), int(m.group("m")), int(m.group("y"))
    if not (1 <= month <= 12 and 1 <= day <= 30):
        return None
    return DateExpr("calendar", "day", year=year, month=month, day=day, calendar="hijri")


def _hijri_date(m: re.Match[str], lex: DateLexicon) -> DateExpr | None:
    """``15 رمضان 1436 هـ``, ``العاشر من محرم``, ``شعبان 1436``, ``شهر رمضان``."""
    month = lex.hijri_months[_space(m.group("hmon"))]
    year = int(m.group("y")) if _g(m, "y") else None
    if _g(m, "d") or _g(m, "ord"):
        day = _day(m, lex)
        if not 1 <= day <= 30:
            return None
        return DateExpr("calendar", "day", year=year, month=month, day=day, calendar="hijri")
    return DateExpr("calendar", "month", year=year, month=month, calendar="hijri")


def _hijri_year(m: re.Match[str], lex: DateLexicon) -> DateExpr | None:
    """``عام 1436هـ``, ``1396 هـ``, ``عام 1436``: a Hijri year."""
    return DateExpr("calendar", "year", year=int(m.group("y")), calendar="hijri")


def _day(m: re.Match[str], lex: DateLexicon) -> int:
    if _g(m, "ord"):
        return lex.ordinals[_space(m.group("ord"))]
    return int(m.group("d"))


def _day_month(m: re.Match[str], lex: DateLexicon) -> DateExpr | None:
    day = _day(m, lex)
    if not 1 <= day <= 31:
        return None
    month = lex.months[_space(m.group("mon"))][0]
    mods = _mods(m, lex)
    mods.pop("part", None)
    expr = DateExpr("calendar", "day", month=month, day=day, **mods)
    if m.group("y"):
        expr.year = int(m.group("y"))
    if _g(m, "wd"):
        expr.weekday = lex.weekdays[m.group("wd")][0]
    return expr


def _day_of_month(m: re.Match[str], lex: DateLexicon) -> DateExpr | None:
    day = _day(m, lex)
    if not 1 <= day <= 31:
        return None
    mods = _mods(m, lex)
    expr = DateExpr("calendar", "day", day=day, rel=mods.get("rel", "this"), tod=mods.get("tod"))
    if _g(m, "wd"):
        expr.weekday = lex.weekdays[m.group("wd")][0]
    return expr


def _month(m: re.Match[str], lex: DateLexicon) -> DateExpr | None:
    month, bare = lex.months[_space(m.group("mon"))]
    mods = _mods(m, lex)
    if not (bare or m.group("y") or mods or m.group("shahr")):
        return None
    expr = DateExpr("calendar", "month", month=month, **mods)
    if m.group("y"):
        expr.year = int(m.group("y"))
    return expr


def _year(m: re.Match[str], lex: DateLexicon) -> DateExpr | None:
    return DateExpr("calendar", "year", year=int(m.group("y")), **_mods(m, lex))


def _relative(m: re.Match[str], lex: DateLexicon) -> DateExpr | None:
    unit, offset, precision, needs_part = lex.relative[_space(m.group("phrase"))]
    mods = _mods(m, lex)
    if needs_part and "part" not in mods:
        return None
    if unit == "day":
        mods.pop("part", None)
    return DateExpr("relative", precision, unit=unit, offset=offset, **mods)


def _weekday(m: re.Match[str], lex: DateLexicon) -> DateExpr | None:
    weekday, bare = lex.weekdays[m.group("wd")]
    mods = _mods(m, lex)
    if not (bare or mods or m.group("yawm")):
        return None
    mods.pop("part", None)
    return DateExpr("weekday", "day", weekday=weekday, **mods)


def _ago(m: re.Match[str], lex: DateLexicon) -> DateExpr | None:
    unit, count, vague, precision = lex.units[_space(m.group("unit"))]
    if m.group("n"):
        raw = m.group("n")
        number = int(raw) if raw.isdigit() else parse_number_words(raw)
        if number is None:
            return None
        count = number * (count or 1)
    if count is None:
        if vague is None:
            return DateExpr("ago", "unknown", unit=unit)
        count = vague
        precision = _COARSER[precision]
    if unit == "hour":
        return DateExpr("ago", "day", unit="day", offset=-(count // 24))
    return DateExpr("ago", precision, unit=unit, offset=-count)


_COARSER = {"day": "week", "week": "month", "month": "year", "year": "year"}
