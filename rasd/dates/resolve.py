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
  precision they would have; calendar dates with a year always resolve.
"""
from __future__ import annotations

from datetime import date, timedelta

from rasd.dates.mentions import DateExpr

__all__ = ["resolve"]

# A day-and-month date is read in the previous year when it would lie further than this
# after publication (reports mostly look back; announcements look a few weeks ahead).
_FUTURE_SLACK = timedelta(days=62)


def resolve(expr: DateExpr, published: date | None) -> tuple[date | None, str]:
    """The date and precision ``expr`` denotes when published on ``published``."""
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
