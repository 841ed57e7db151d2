"""Query-string filters → the store's :class:`EventQuery` (the same filters as ``rasd events``)."""
from __future__ import annotations

import math
import re
from dataclasses import fields
from typing import Any

from fastapi import Query

from rasd.api.errors import ApiError

__all__ = ["EventFilters", "event_filters", "parse_near", "parse_day", "parse_bbox", "MAX_PAGE",
           "MAX_GEOJSON_PAGE", "check_page_size"]

# The largest page of ``GET /api/events``: JSON pages carry whole event rows; GeoJSON pages
# feed the map (a few fields per marker, 3,000 markers at a time), hence the larger cap.
MAX_PAGE = 500
MAX_GEOJSON_PAGE = 5000

_DAY = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
ORDERS = ("date_desc", "date_asc", "fatalities_desc", "sources_desc", "updated_desc")


def parse_day(value: str | None, name: str) -> str | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (also ``YYYYMMDD``) → ISO text, else 400."""
    if value is None or value == "":
        return None
    value = value.strip()
    if re.fullmatch(r"\d{8}", value):
        value = f"{value[:4]}-{value[4:6]}-{value[6:]}"
    if not _DAY.match(value):
        raise ApiError(400, "bad_date", f"{name}: expected YYYY-MM-DD, got {value[:40]!r}")
    parts = value.split("-")
    if len(parts) > 1 and not 1 <= int(parts[1]) <= 12 or len(parts) > 2 and not 1 <= int(parts[2]) <= 31:
        raise ApiError(400, "bad_date", f"{name}: no such date {value!r}")
    return value


def parse_near(value: str | None) -> tuple[float, float, float] | None:
    """``lat,lon,km`` → a tuple, else 400."""
    if not value:
        return None
    try:
        lat, lon, km = (float(p) for p in value.split(","))
    except ValueError:
        raise ApiError(400, "bad_near", "near: expected lat,lon,km (e.g. 36.2,37.1,25)") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180 and 0 < km <= 20000):
        raise ApiError(400, "bad_near", "near: latitude, longitude or radius out of range")
    return (lat, lon, km)


def check_page_size(limit: int, format: str) -> None:
    """422 for a JSON page over :data:`MAX_PAGE` (GeoJSON is bounded by the Query itself).

    Refused rather than clamped, so that a client paging with ``offset += limit`` never
    skips events silently."""
    if format != "geojson" and limit > MAX_PAGE:
        raise ApiError(422, "invalid_request",
                       f"limit: at most {MAX_PAGE} events per JSON page (page with offset), "
                       f"or {MAX_GEOJSON_PAGE} with format=geojson")


def _wrap_lon(lon: float) -> float:
    return ((lon + 180.0) % 360.0) - 180.0 if not -180 <= lon <= 180 else lon


def parse_bbox(value: str | None) -> tuple[float, float, float, float] | None:
    """``west,south,east,north`` (a map's view) → a box inside ±90/±180, else 400.

    Latitudes are clamped; longitudes past ±180 (a map panned round the world) are wrapped,
    and a view wider than the world is the whole world's width."""
    if not value:
        return None
    try:
        west, south, east, north = (float(p) for p in value.split(","))
    except ValueError:
        raise ApiError(400, "bad_bbox", "bbox: expected west,south,east,north (e.g. 35,32,43,37)") from None
    if not all(map(math.isfinite, (west, south, east, north))) or south > north or west > east:
        raise ApiError(400, "bad_bbox", "bbox: west must not exceed east, nor south north")
    south, north = max(south, -90.0), min(north, 90.0)
    if east - west >= 360:
        return (-180.0, south, 180.0, north)
    return (_wrap_lon(west), south, _wrap_lon(east), north)


class EventFilters(dict):
    """Keyword arguments for ``EventQuery`` (a dict so that routes can adjust them)."""

    def to_query(self, **changes: Any) -> Any:
        from rasd.store import EventQuery

        kwargs = {**self, **changes}
        known = {f.name for f in fields(EventQuery)}
        try:
            return EventQuery(**{k: v for k, v in kwargs.items() if k in known})
        except ValueError as exc:  # the store's own validation (e.g. 2024-02-30)
            raise ApiError(400, "bad_filter", str(exc)) from None


def _blank(value: str | None) -> str | None:
    value = value.strip() if value else value
    return value or None


def event_filters(
    since: str | None = Query(None, description="first day (YYYY-MM-DD)"),
    until: str | None = Query(None, description="last day (YYYY-MM-DD)"),
    type: str | None = Query(None, description="PLOVER type, e.g. ASSAULT", max_length=40),
    actor: str | None = Query(None, description="actor name (English canonical or Arabic)", max_length=200),
    country: str | None = Query(None, description="ISO3 code, or a country name in English or Arabic",
                                max_length=100),
    admin1: str | None = Query(None, description="governorate / province (English, or Arabic: حلب)",
                               max_length=200),
    near: str | None = Query(None, description="lat,lon,km"),
    text: str | None = Query(None, description="words in the event sentence", max_length=500),
    limit: int = Query(100, ge=1, le=MAX_GEOJSON_PAGE,
                       description=f"page size: at most {MAX_PAGE} (JSON) or {MAX_GEOJSON_PAGE} (GeoJSON)"),
    offset: int = Query(0, ge=0, le=10_000_000),
    order: str = Query("date_desc", description="|".join(ORDERS)),
    flagged: bool = Query(False, description="also return denied, conditional and recalled events"),
    located: bool | None = Query(None, description="true: only events with coordinates (on the map); "
                                                    "false: only events without a place"),
) -> EventFilters:
    if order not in ORDERS:
        raise ApiError(400, "bad_order", f"order: one of {', '.join(ORDERS)}")
    return EventFilters(
        since=parse_day(since, "since"), until=parse_day(until, "until"),
        type=_blank(type.upper() if type else type), actor=_blank(actor),
        country=_blank(country), admin1=_blank(admin1),
        near=parse_near(near), text=_blank(text), limit=limit, offset=offset, order=order,
        include_flagged=flagged, located=located,
    )
