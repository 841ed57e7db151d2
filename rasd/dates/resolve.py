"""Turning a :class:`DateExpr` into a calendar date against the publication date.

Conventions (documented in ``rasd/data/dates/README.md``):

* a day keeps day precision; a week offset moves by 7 days with week precision;
* a month or a year resolves to its first day, with month or year precision — parts
  (مطلع/منتصف/أواخر) are kept on the expression, no day is invented;
* a month named without a year is the most recent such month not after the publication
  month (``الماضي``: strictly before it; ``المقبل``: strictly after it);
* a day and month without a year take the publication year, or the year before when the
  date would fall more than two months after publication;
* relative expressions without a publication date stay unresolved (value None) with the
  precision they would have; calendar dates with a year always resolve;
* Hijri dates (``calendar == "hijri"``) are converted with hijridate (Umm al-Qura, years
  1343–1500); a Hijri month or day without a year takes the publication's Hijri year by
  the same rules; a year outside the table resolves to the Gregorian year it mostly
  overlaps (arithmetic), with year precision.
"""
from __future__ import annotations

from datetime import date, timedelta

from hijridate import Gregorian, Hijri

from rasd.dates.mentions import DateExpr

__all__ = ["resolve"]

# A day-and-month date is read in the previous year when it would lie further than this
# after publication (reports mostly look back; announcements look a few weeks ahead).
_FUTURE_SLACK = timedelta(days=62)


def resolve(expr: DateExpr, published: date | None) -> tuple[date | None, str]:
    """The date and precision ``expr`` denotes when published on ``published``."""
    if expr.kind == "calendar" and expr.calendar == "hijri":
        return _hijri(expr, published)
    if expr.kind == "calendar":
        value = _calendar(expr, published)
        if value is None and (expr.year is not None or published is not None):
            return None, "unknown"  # no such day (31 شباط)
        return value, expr.precision
    if published is None or expr.precision == "unknown":
        return None, expr.precision
    if expr.kind == "weekday":
        return _weekday(expr, published), "day"
    if expr.kind in ("relative", "ago"):
        try:
            return _shift(published, expr.unit or "day", expr.offset or 0, expr.kind), expr.precision
        except (ValueError, OverflowError):  # قبل مليون عام: outside the calendar
            return None, "unknown"
    return None, "unknown"


def _calendar(expr: DateExpr, published: date | None) -> date | None:
    year, month, day = expr.year, expr.month, expr.day
    if year is not None and month is None:
        return _safe(year, 1, 1)
    if month is None:  # a day of the current/last month: ١٥ من الشهر الجاري
        if published is None or day is None:
            return None
        base = _shift(published, "month", {"last": -1, "next": 1}.get(expr.rel or "this", 0), "relative")
        return _safe(base.year, base.month, day)
    if year is None:
        if published is None:
            return None
        if day is None:
            year = _year_of_month(month, expr.rel, published)
        else:
            year = published.year
            candidate = _safe(year, month, day)
            if candidate is not None and candidate - published > _FUTURE_SLACK:
                year -= 1
    return _safe(year, month, day or 1)


def _year_of_month(month: int, rel: str | None, published: date) -> int:
    if rel == "this":
        return published.year
    if rel == "next":
        return published.year if month > published.month else published.year + 1
    if rel == "last":
        return published.year if month < published.month else published.year - 1
    return published.year if month <= published.month else published.year - 1


def _weekday(expr: DateExpr, published: date) -> date:
    back = (published.weekday() - (expr.weekday or 0)) % 7
    if expr.rel == "next":
        ahead = ((expr.weekday or 0) - published.weekday()) % 7 or 7
        return published + timedelta(days=ahead)
    if expr.rel == "last" and back == 0:
        back = 7
    return published - timedelta(days=back)


def _shift(published: date, unit: str, offset: int, kind: str) -> date:
    if unit == "day":
        return published + timedelta(days=offset)
    if unit == "week":
        return published + timedelta(days=7 * offset)
    if unit == "month":
        index = published.year * 12 + published.month - 1 + offset
        year, month = divmod(index, 12)
        if kind == "ago":  # قبل شهرين: the same day two months back, clamped
            return _clamped(year, month + 1, published.day)
        return date(year, month + 1, 1)
    if unit == "year":
        if kind == "ago":
            return _clamped(published.year + offset, published.month, published.day)
        return date(published.year + offset, 1, 1)
    raise ValueError(f"unknown date unit {unit!r}")


def _clamped(year: int, month: int, day: int) -> date:
    while day > 28:
        value = _safe(year, month, day)
        if value is not None:
            return value
        day -= 1
    return date(year, month, day)


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


# The Hijri year is 354.367 days: 0.970224 Gregorian years; 1 AH began in July 622.
_HIJRI_YEAR_IN_GREGORIAN = 0.970224
_HIJRI_EPOCH = 621.5643


def _hijri(expr: DateExpr, published: date | None) -> tuple[date | None, str]:
    month, day = expr.month, expr.day
    year = expr.year
    if year is None:
        if published is None or month is None:
            return None, expr.precision
        year = _hijri_year_of(month, day, published)
        if year is None:
            return None, "unknown"
    try:
        value = Hijri(year, month or 1, day or 1).to_gregorian()
    except OverflowError:  # outside the Umm al-Qura table (626هـ): the year it mostly overlaps
        return date(int(year * _HIJRI_YEAR_IN_GREGORIAN + _HIJRI_EPOCH) + 1, 1, 1), "year"
    except ValueError:  # no such day (30 of a 29-day month)
        return None, "unknown"
    return date(value.year, value.month, value.day), expr.precision


def _hijri_year_of(month: int, day: int | None, published: date) -> int | None:
    """The Hijri year of a month (and day) named without one: the most recent one not after
    publication, or the coming one when a day falls within the usual slack ahead."""
    try:
        now = Gregorian(published.year, published.month, published.day).to_hijri()
    except OverflowError:
        return None
    if day is None:
        return now.year if month <= now.month else now.year - 1
    try:
        candidate = Hijri(now.year, month, day).to_gregorian()
    except (ValueError, OverflowError):
        return now.year
    if date(candidate.year, candidate.month, candidate.day) - published > _FUTURE_SLACK:
        return now.year - 1
    return now.year
