"""Reading the store: event filters, event and document records, statistics."""
from __future__ import annotations

import json
import math
import operator
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

try:
    from orjson import loads as _loads  # about 7 times as fast on the short id lists
except ImportError:  # pragma: no cover - orjson is a dependency
    from json import loads as _loads

from sqlalchemy import Boolean, Integer, Select, and_, cast, func, literal, literal_column, or_, select, union_all
from sqlalchemy.engine import Connection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement

from rasd.store.names import actor_alternatives, admin1_alternatives
from rasd.store.schema import (
    documents, event_clusters, event_fts, event_reports, event_rtree, event_search_keys, store_meta,
)

__all__ = ["EventQuery", "PLOVER_TYPES", "event_type_names", "check_event_type", "event_row", "event_rows", "geo_precision", "select_events",
           "dense_filters",
           "count_events", "generation", "map_cells", "get_event", "get_document", "stats", "actors"]

PLOVER_TYPES = frozenset({"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT",
                          "REQUEST", "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION",
                          "MOBILIZE", "COERCE", "ASSAULT"})
ORDERS = ("date_desc", "date_asc", "sources_desc", "fatalities_desc", "updated_desc")
_GEO_PRECISION = {"point": 1, "neighbourhood": 1, "neighborhood": 1, "town": 1, "city": 1,
                  "village": 1, "district": 2, "subdistrict": 2, "governorate": 3, "region": 3,
                  "country": 3}
KM_PER_DEGREE = 111.32


@dataclass(kw_only=True)
class EventQuery:
    """Filters for :meth:`Store.query_events` (all optional; they combine with AND).

    Attributes:
        since, until: event date bounds, inclusive (``YYYY-MM-DD``); an event without a
            date counts from its first publication day.
        type: a PLOVER type (``ASSAULT``) or an ACLED event/sub-event type (``Battles``),
            any case; anything else raises ValueError listing the valid values.
        actor: part of an actor's name or its id (English or Arabic, folded); an Arabic
            name the actor dictionary knows also matches its entry's id and English name.
        country: the event's country: ISO 3166 alpha-3 (``SYR``), alpha-2, or an English or
            Arabic name (``Syria``, ``سوريا``), stored as alpha-3; an unknown one raises ValueError.
        admin1: the first-level division (governorate/province), case-insensitive; an
            Arabic governorate name (``حلب``) is resolved through the gazetteer.
        near: ``(lat, lon, km)``: events located within ``km`` of the point.
        text: words that must all occur in a report's sentence, the trigger or the place
            (Arabic folded as the extractor folds it).
        located: True: only events with coordinates (the ones a map can draw); False:
            only events without.
        bbox: ``(west, south, east, north)`` in degrees: located events inside the box
            (``west > east`` crosses the antimeridian).
        include_flagged: also return negated/hypothetical/historical reports.
        document_id: only events reported by this document.
        order: one of ``date_desc``, ``date_asc``, ``sources_desc``, ``fatalities_desc``,
            ``updated_desc``.
    """
    since: str | date | None = None
    until: str | date | None = None
    type: str | None = None
    actor: str | None = None
    country: str | None = None
    admin1: str | None = None
    near: tuple[float, float, float] | None = None
    text: str | None = None
    limit: int | None = 100
    offset: int = 0
    order: str = "date_desc"
    include_flagged: bool = False
    document_id: str | None = None
    located: bool | None = None
    bbox: tuple[float, float, float, float] | None = None

    def __post_init__(self) -> None:
        if self.order not in ORDERS:
            raise ValueError(f"order must be one of {', '.join(ORDERS)}, not {self.order!r}")
        if self.limit is not None and self.limit < 0 or self.offset < 0:
            raise ValueError("limit and offset must not be negative")
        if self.near is not None:
            lat, lon, km = (float(v) for v in self.near)
            if not (-90 <= lat <= 90 and -180 <= lon <= 180 and km > 0):
                raise ValueError(f"near must be (lat, lon, km) with km > 0, not {self.near!r}")
            self.near = (lat, lon, km)
        if self.bbox is not None:
            self.bbox = _check_bbox(self.bbox)
        self.since = _bound(self.since, "since", end=False)
        self.until = _bound(self.until, "until", end=True)
        if self.type is not None and self.type.strip():
            self.type = check_event_type(self.type)
        if self.country is not None and self.country.strip():
            from rasd.store.countries import to_iso3
            self.country = to_iso3(self.country)


def _acled_types() -> dict[str, list[str]]:
    import json
    from importlib.resources import files
    data = json.loads(files("rasd.data").joinpath("export/codebook.json").read_text("utf-8"))
    return data["acled_sub_event_types"]


def event_type_names() -> list[str]:
    """Every value ``EventQuery.type`` accepts: the PLOVER types, then ACLED's event types
    and sub-event types in codebook order."""
    acled = _acled_types()
    return [*sorted(PLOVER_TYPES), *acled, *(sub for subs in acled.values() for sub in subs)]


def check_event_type(value: str) -> str:
    """The canonical spelling of a PLOVER or ACLED (sub-)event type given in any case.

    Raises:
        ValueError: not one; the message lists the valid values.
    """
    text = " ".join(value.split())
    for name in event_type_names():
        if name.lower() == text.lower():
            return name
    acled = _acled_types()
    raise ValueError(
        f"unknown event type {value!r}. PLOVER types: {', '.join(sorted(PLOVER_TYPES))}. "
        f"ACLED event types: {', '.join(acled)}. ACLED sub-event types: "
        f"{', '.join(sub for subs in acled.values() for sub in subs)}")


def _bound(value: str | date | None, name: str, *, end: bool) -> str | None:
    """A day bound from ``YYYY-MM-DD``, ``YYYYMMDD``, ``YYYY-MM`` or ``YYYY``: a month or
    a year starts on its first day (``since``) or ends on its last (``until``)."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    if re.fullmatch(r"\d{8}", text):
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    try:
        if re.fullmatch(r"\d{4}", text):
            return f"{text}-12-31" if end else f"{text}-01-01"
        if re.fullmatch(r"\d{4}-\d{2}", text):
            first = date.fromisoformat(f"{text}-01")
            if not end:
                return first.isoformat()
            following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
            return date.fromordinal(following.toordinal() - 1).isoformat()
        return date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        raise ValueError(f"{name}: expected YYYY-MM-DD, YYYY-MM or YYYY, not {value!r}") from None


def _check_bbox(value: Any) -> tuple[float, float, float, float]:
    try:
        west, south, east, north = (float(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(f"bbox must be (west, south, east, north), not {value!r}") from None
    if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= north <= 90):
        raise ValueError(f"bbox must be (west, south, east, north) in degrees, not {value!r}")
    return (west, south, east, north)


def _like_escape(text: str) -> str:
    return re.sub(r"([\\%_])", r"\\\1", text)


def _fold(text: str) -> str:
    from rasd.text import fold
    return fold(text).lower()


class Indexed(ColumnElement):
    """A condition with index-backed forms for SQLite (migration 0003's FTS5 and R*Tree
    tables) and PostgreSQL (migration 0004's btree), and the plain form elsewhere; the
    dialect picks one when the query compiles.

    ``sqlite`` selects exactly what ``plain`` selects when ``exact``, else a superset of it
    (and is then ANDed with it); ``postgresql`` is always a superset, ANDed with ``plain``
    (the trigram GIN indexes need no other form: they answer ``plain``'s LIKE tests)."""
    type = Boolean()
    inherit_cache = False
    # a condition, not a boolean value: compiled as it is, never as ``(...) = 1`` (which
    # SQLite's planner cannot answer from an index)
    _is_implicitly_boolean = True

    def __init__(self, plain: Any, sqlite: Any | None, *, exact: bool = False,
                 postgresql: Any | None = None) -> None:
        self.plain, self.sqlite, self.exact, self.postgresql = plain, sqlite, exact, postgresql


# An Indexed condition is compiled in parentheses: SQLAlchemy does not group a custom
# element, and an OR inside (an actor's alternatives) must not bind to its neighbours.

@compiles(Indexed)
def _compile_plain(element: Indexed, compiler: Any, **kw: Any) -> str:
    return f"({compiler.process(element.plain, **kw)})"


@compiles(Indexed, "sqlite")
def _compile_sqlite(element: Indexed, compiler: Any, **kw: Any) -> str:
    if element.sqlite is None:
        return f"({compiler.process(element.plain, **kw)})"
    if element.exact:
        return f"({compiler.process(element.sqlite, **kw)})"
    return f"({compiler.process(and_(element.sqlite, element.plain), **kw)})"


@compiles(Indexed, "postgresql")
def _compile_postgresql(element: Indexed, compiler: Any, **kw: Any) -> str:
    if element.postgresql is None:
        return compiler.process(element.plain, **kw)
    return compiler.process(and_(element.postgresql, element.plain), **kw)


def _keyed(keys: Select) -> Any:
    """``event_clusters.id`` among the clusters whose search keys ``keys`` selects."""
    k = event_search_keys.c
    return event_clusters.c.id.in_(select(k.cluster_id).where(k.key.in_(keys)))


TRIGRAM = 3  # the FTS5 trigram tokenizer cannot look up shorter strings


def _fts_phrase(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _like(column: Any, word: str) -> Any:
    return column.like(f"%{_like_escape(word)}%", escape="\\")


def _fts_keys(fts_column: str, words: list[str]) -> Select:
    """The search keys of the clusters whose ``fts_column`` contains every word (each of
    three characters or more): the trigram index matches substrings, as LIKE does."""
    match = " AND ".join(f"{fts_column}:{_fts_phrase(w)}" for w in words)
    return select(event_fts.c.rowid).where(literal_column("event_fts").op("MATCH")(literal(match)))


def _words_like(column: Any, fts_column: str, words: list[str]) -> Indexed:
    """Every word occurs in ``column`` (``LIKE '%word%'``); on SQLite the FTS5 trigram index
    finds the clusters for the words of three characters or more.

    The index is case-sensitive and LIKE is not (for ASCII); both the stored text and the
    query words are lower-cased, so the two select the same clusters."""
    plain = and_(*(_like(column, w) for w in words))
    long_words = [w for w in words if len(w) >= TRIGRAM]
    if not long_words:
        return Indexed(plain, None)
    keyed = _keyed(_fts_keys(fts_column, long_words))
    if keyed is None:
        return Indexed(plain, None)
    short = [_like(column, w) for w in words if len(w) < TRIGRAM]
    return Indexed(plain, and_(keyed, *short), exact=True)


def _box(lat: float, lon: float, km: float) -> tuple[float, float, float, float]:
    """``(min_lat, max_lat, min_lon, max_lon)`` of a box that holds every point of the
    disc, with a margin for rounding (the R*Tree stores 32-bit floats, rounded outwards)."""
    kx = KM_PER_DEGREE * math.cos(math.radians(lat))
    dlat = km / KM_PER_DEGREE * 1.001 + 1e-6
    dlon = km / kx * 1.001 + 1e-6 if kx > 1e-6 else 360.0
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def _near_box(lat: float, lon: float, km: float) -> Select:
    """The search keys of the points in the R*Tree within the disc's box (SQLite)."""
    return select(event_rtree.c.key).where(*_box_overlaps(lat, lon, km))


def _box_overlaps(lat: float, lon: float, km: float) -> list[Any]:
    """The R*Tree's entries in the disc's box, as conditions its index answers."""
    min_lat, max_lat, min_lon, max_lon = _box(lat, lon, km)
    r = event_rtree.c
    return [r.max_lat >= min_lat, r.min_lat <= max_lat, r.max_lon >= min_lon, r.min_lon <= max_lon]


def _pg_box(lat: float, lon: float, km: float) -> Any:
    """The disc's box as range tests on the cluster columns, which the (lat, lon) btree
    of migration 0004 answers (PostgreSQL)."""
    min_lat, max_lat, min_lon, max_lon = _box(lat, lon, km)
    c = event_clusters.c
    return and_(c.lat.between(min_lat, max_lat), c.lon.between(min_lon, max_lon))


def _in_disc(lat_column: Any, lon_column: Any, lat: float, lon: float, km: float) -> Any:
    """The point of the two columns is within ``km`` of ``(lat, lon)`` (equirectangular
    distance: exact enough at the scale of a few hundred km). The same expression for the
    cluster columns and the R*Tree's copies of them, so both select the same points."""
    kx = KM_PER_DEGREE * math.cos(math.radians(lat))
    dy = (lat_column - lat) * KM_PER_DEGREE
    dx = (lon_column - lon) * kx
    return dy * dy + dx * dx <= km * km


def _disc_keys(lat: float, lon: float, km: float) -> Select:
    """The search keys of the points within ``km`` of ``(lat, lon)``, from the R*Tree
    alone (SQLite): its box, then the distance test on its exact copy of each point."""
    r = event_rtree.c
    return select(r.key).where(*_box_overlaps(lat, lon, km), _in_disc(r.lat, r.lon, lat, lon, km))


def _near(lat: float, lon: float, km: float) -> Indexed:
    """Within ``km`` of the point; the R*Tree (SQLite: the points in the disc, exactly) or
    the lat/lon btree (PostgreSQL: those in its enclosing box) finds them."""
    c = event_clusters.c
    plain = and_(c.lat.is_not(None), _in_disc(c.lat, c.lon, lat, lon, km))
    return Indexed(plain, _keyed(_disc_keys(lat, lon, km)), exact=True, postgresql=_pg_box(lat, lon, km))


# A page (limit and offset) of a filter that matches many clusters is found sooner by
# reading the clusters in date order and testing each than by collecting every match
# from the index: the date-ordered scan is used when the index holds at least ``DENSE``
# candidates and the page ends within ``DENSE_WINDOW`` rows.
DENSE = 2000
DENSE_WINDOW = 200


def _candidates(conn: Connection, keys: Select, cap: int) -> int:
    """How many keys ``keys`` selects, counting no further than ``cap``."""
    return conn.execute(select(func.count()).select_from(keys.limit(cap).subquery())).scalar_one()


def dense_filters(conn: Connection, q: EventQuery) -> frozenset[str]:
    """The filters of a page query that should run as a date-ordered scan (SQLite only)."""
    if conn.dialect.name != "sqlite" or q.limit is None or q.offset + q.limit > DENSE_WINDOW:
        return frozenset()
    probes: dict[str, Select] = {}
    if q.text and (words := [w for w in _fold(q.text).split() if len(w) >= TRIGRAM]):
        probes["text"] = _fts_keys("search_text", words)
    if q.actor and (words := [w for w in _fold(q.actor).split() if len(w) >= TRIGRAM]):
        probes["actor"] = _fts_keys("actor_text", words)
    if q.near:
        probes["near"] = _near_box(*q.near)
    return frozenset(name for name, keys in probes.items() if _candidates(conn, keys, DENSE) >= DENSE)


def _scanned(condition: Any, name: str, scan: frozenset[str]) -> Any:
    return condition.plain if name in scan else condition


def _event_date():
    return func.coalesce(event_clusters.c.date, event_clusters.c.published_min)


def _where(q: EventQuery, scan: frozenset[str] = frozenset()) -> list[Any]:
    """The filters' conditions; those named in ``scan`` without their index (see
    :func:`dense_filters`)."""
    c = event_clusters.c
    conds: list[Any] = []
    if q.since:
        conds.append(_event_date() >= q.since)
    if q.until:
        conds.append(_event_date() <= q.until)
    if q.type:
        value = q.type.strip()
        if value.upper() in PLOVER_TYPES:
            conds.append(c.plover_type == value.upper())  # PLOVER names are upper case
        else:
            conds.append(or_(func.lower(c.acled_event_type) == value.lower(),
                             func.lower(c.acled_sub_event_type) == value.lower()))
    if q.actor:
        actor = _actor_condition(actor_alternatives(q.actor))
        if actor is not None:
            conds.append(_scanned(actor, "actor", scan))
    if q.country:
        conds.append(c.country == q.country.strip().upper())
    if q.admin1:
        names = {name.strip().lower() for name in admin1_alternatives(q.admin1.strip())}
        conds.append(func.lower(c.admin1).in_(sorted(names)))
    if q.located is True:
        conds.append(and_(c.lat.is_not(None), c.lon.is_not(None)))
    elif q.located is False:
        conds.append(or_(c.lat.is_(None), c.lon.is_(None)))
    if q.bbox:
        west, south, east, north = q.bbox
        conds.append(and_(c.lat.is_not(None), c.lon.is_not(None), c.lat.between(south, north)))
        conds.append(c.lon.between(west, east) if west <= east else or_(c.lon >= west, c.lon <= east))
    if q.near:
        conds.append(_scanned(_near(*q.near), "near", scan))
    if q.text:
        words = _fold(q.text).split()
        if words:
            conds.append(_scanned(_words_like(c.search_text, "search_text", words), "text", scan))
    if q.document_id:
        conds.append(c.id.in_(select(event_reports.c.cluster_id)
                              .where(event_reports.c.document_id == q.document_id)))
    if not q.include_flagged:
        conds.insert(0, _not_flagged(any(isinstance(cond, Indexed) and cond.sqlite is not None
                                         for cond in conds)))
    return conds


def _not_flagged(index_driven: bool) -> Any:
    """``flagged`` false. When a search index gives the candidates, SQLite is kept from
    reading the flagged index instead (without statistics it takes ``flagged = 0`` for a
    selective test, and would scan every cluster testing each against the candidates)."""
    plain = event_clusters.c.flagged.is_(False)
    if not index_driven:
        return plain
    return Indexed(plain, func.coalesce(event_clusters.c.flagged, False).is_(False), exact=True)


def _actor_condition(alternatives: list[str]) -> Indexed | None:
    """``actor_text`` holds every word of one of the alternatives (folded, as substrings):
    the name as given and, for an Arabic one, the ids and English names it resolves to."""
    groups = [words for text in alternatives if (words := _fold(text).split())]
    if not groups:
        return None
    each = [_words_like(event_clusters.c.actor_text, "actor_text", words) for words in groups]
    if len(each) == 1:
        return each[0]
    plain = or_(*(cond.plain for cond in each))
    if any(cond.sqlite is None for cond in each):
        return Indexed(plain, None)
    # each alternative compiles to its indexed form; their OR selects what the plain ORs select
    return Indexed(plain, or_(*each), exact=True)


def _order(q: EventQuery) -> list[Any]:
    c = event_clusters.c
    if q.order == "date_asc":
        return [_event_date().asc(), c.id]
    if q.order == "sources_desc":
        return [c.source_count.desc(), _event_date().desc(), c.id]
    if q.order == "fatalities_desc":
        return [func.coalesce(c.fatalities, -1).desc(), _event_date().desc(), c.id]
    if q.order == "updated_desc":
        return [c.updated_at.desc(), c.id]
    return [_event_date().desc(), c.id]


# What a listing reads of a cluster: what event_row needs (not the long search columns).
_LISTED = [col for col in event_clusters.c if col.name not in ("search_text", "actor_text", "origin_ids")]


def select_events(q: EventQuery, scan: frozenset[str] = frozenset()) -> Select:
    stmt = select(*_LISTED).where(*_where(q, scan)).order_by(*_order(q))
    if q.limit is not None:
        stmt = stmt.limit(q.limit)
    if q.offset:
        stmt = stmt.offset(q.offset)
    return stmt


def count_events(conn: Connection, q: EventQuery) -> int:
    match = _fts_only_match(conn, q)
    if match is not None:
        return _fts_count(conn, q, match)
    if _rtree_only(conn, q):
        return _rtree_count(conn, q)
    return conn.execute(select(func.count()).select_from(event_clusters).where(*_where(q))).scalar_one()


# The filters besides ``text`` and ``actor``: when none is set, a count can come from the
# FTS5 index alone.
_NOT_FTS = ("since", "until", "type", "country", "admin1", "near", "document_id", "located", "bbox")


def _fts_words(column: str, text: str) -> str | None:
    """``column`` holds every word of ``text``, as an FTS5 expression; None when a word is
    too short for the trigram index."""
    words = _fold(text).split()
    if not words or any(len(w) < TRIGRAM for w in words):
        return None
    return "(" + " AND ".join(f"{column}:{_fts_phrase(w)}" for w in words) + ")"


def _fts_only_match(conn: Connection, q: EventQuery) -> str | None:
    """The FTS5 expression that selects exactly the clusters of a query filtered by
    ``text`` and/or ``actor`` alone (SQLite), else None."""
    if conn.dialect.name != "sqlite" or any(getattr(q, name) for name in _NOT_FTS):
        return None
    if q.located is not None or not (q.text or q.actor):
        return None
    parts = []
    if q.text:
        if (text := _fts_words("search_text", q.text)) is None:
            return None
        parts.append(text)
    if q.actor:
        alternatives = [_fts_words("actor_text", a) for a in actor_alternatives(q.actor) if _fold(a).split()]
        if not alternatives or None in alternatives:
            return None
        parts.append("(" + " OR ".join(alternatives) + ")")
    return " AND ".join(parts)


def _fts_count(conn: Connection, q: EventQuery, match: str) -> int:
    """How many clusters ``match`` selects, less the flagged ones unless they are asked for.

    The index holds one row per cluster (its search key), so counting its matches reads
    no cluster; the flagged clusters (few) are counted through their index."""
    fts = select(event_fts.c.rowid).where(literal_column("event_fts").op("MATCH")(literal(match)))
    total = conn.execute(select(func.count()).select_from(fts.subquery())).scalar_one()
    if q.include_flagged or not total:
        return total
    flagged = conn.execute(select(func.count()).select_from(event_clusters)
                           .where(event_clusters.c.flagged.is_(True), _keyed(fts))).scalar_one()
    return total - flagged


def _rtree_only(conn: Connection, q: EventQuery) -> bool:
    """A query filtered by ``near`` alone (a located one too) on SQLite: the R*Tree
    (migration 0006) holds everything its count needs."""
    others = [name for name in _NOT_FTS if name not in ("near", "located")] + ["text", "actor"]
    return (conn.dialect.name == "sqlite" and q.near is not None and q.located is not False
            and not any(getattr(q, name) for name in others))


def _rtree_count(conn: Connection, q: EventQuery) -> int:
    """How many clusters lie in the ``near`` disc, from the R*Tree alone: its box finds
    the candidates and the distance test runs on its exact copy of each point (an
    auxiliary column), as it would on the cluster's; so does the flag."""
    keys = _disc_keys(*q.near)
    if not q.include_flagged:
        keys = keys.where(event_rtree.c.flagged == 0)
    return conn.execute(select(func.count()).select_from(keys.subquery())).scalar_one()


def generation(conn: Connection) -> int:
    """The write generation (``store_meta``), 0 for a store never written."""
    value = conn.execute(select(store_meta.c.value).where(store_meta.c.key == "generation")).scalar()
    return int(value or 0)


def _cell_index(conn: Connection, column: Any, offset: float, cell: float) -> Any:
    """The cell number of ``column`` (floor((column + offset) / cell)): a non-negative
    value cast to an integer on SQLite, whose math functions are optional."""
    value = (column + offset) / cell
    if conn.dialect.name == "sqlite":
        return cast(value, Integer)
    return func.floor(value)


def map_cells(conn: Connection, q: EventQuery, cell: float) -> list[dict[str, Any]]:
    """The located events matching ``q`` counted in squares of ``cell`` degrees: one dict
    per square with ``count``, the mean position, the counts by PLOVER type and the
    square's bounds ``[south, west, north, east]``; largest first."""
    from dataclasses import replace
    c = event_clusters.c
    where = _where(replace(q, located=True))
    row_i = _cell_index(conn, c.lat, 90.0, cell).label("i")
    col_j = _cell_index(conn, c.lon, 180.0, cell).label("j")
    stmt = (select(row_i, col_j, c.plover_type, func.count(), func.sum(c.lat), func.sum(c.lon))
            .where(*where).group_by(row_i, col_j, c.plover_type))
    squares: dict[tuple[int, int], dict[str, Any]] = {}
    for i, j, ptype, n, lat_sum, lon_sum in conn.execute(stmt):
        i, j = int(i), int(j)
        sq = squares.setdefault((i, j), {"count": 0, "lat": 0.0, "lon": 0.0, "types": {}})
        sq["count"] += n
        sq["lat"] += lat_sum
        sq["lon"] += lon_sum
        sq["types"][ptype or "OTHER"] = sq["types"].get(ptype or "OTHER", 0) + n
    out = []
    for (i, j), sq in squares.items():
        south, west = i * cell - 90.0, j * cell - 180.0
        out.append({"count": sq["count"], "lat": sq["lat"] / sq["count"], "lon": sq["lon"] / sq["count"],
                    "types": dict(sorted(sq["types"].items(), key=lambda kv: (-kv[1], kv[0]))),
                    "bounds": [south, west, min(south + cell, 90.0), min(west + cell, 180.0)]})
    out.sort(key=lambda sq: (-sq["count"], sq["bounds"]))
    return out


def geo_precision(location_precision: str | None) -> int | None:
    """ACLED's geo_precision (1 the place itself, 2 part of a district, 3 a larger region)."""
    return _GEO_PRECISION.get((location_precision or "").lower())


# The cluster columns an event dict holds as they are, in the dict's order.
_PLAIN_KEYS = (
    "id", "plover_type", "plover_mode", "acled_event_type", "acled_sub_event_type", "cameo",
    "date", "date_precision",
    "actor1_name", "actor1_id", "actor1_country", "actor1_sector",
    "actor2_name", "actor2_id", "actor2_country", "actor2_sector",
    "location_name", "location_name_ar", "admin1", "admin2", "country", "lat", "lon",
    "geonameid", "location_precision", "fatalities", "injuries",
    "source_count", "report_count", "document_count", "trigger", "sentence")
_FLAGS = ("negated", "hypothetical", "historical", "flagged")


def _row_builder(columns: list[str]) -> Any:
    """A function from a result row (a tuple of ``columns``) to the public event dict:
    the column positions are looked up once per query, not once per row."""
    at = {name: i for i, name in enumerate(columns)}
    plain = operator.itemgetter(*(at[k] for k in _PLAIN_KEYS))
    precision, published, document_ids, sources, source_count = (
        at["location_precision"], at["published_min"], at["document_ids"], at["sources"], at["source_count"])
    flags = [(name, at[name]) for name in _FLAGS]
    created_at, updated_at = at["created_at"], at["updated_at"]
    loads = _loads

    def build(row: Any) -> dict[str, Any]:
        out = dict(zip(_PLAIN_KEYS, plain(row)))
        out["geo_precision"] = _GEO_PRECISION.get((row[precision] or "").lower())
        out["published"] = row[published]
        out["document_ids"] = loads(row[document_ids])
        out["sources"] = loads(row[sources])
        out["outlet_count"] = row[source_count]  # distinct outlets (source_count, named plainly)
        for name, i in flags:
            out[name] = bool(row[i])
        out["created_at"], out["updated_at"] = row[created_at], row[updated_at]
        return out

    return build


def event_rows(result: Any) -> list[dict[str, Any]]:
    """The public, cluster-level event dicts of a query result over the cluster columns
    (``select_events``), built from the row tuples."""
    build = _row_builder(list(result.keys()))
    return [build(row) for row in result]


def event_row(row: Any) -> dict[str, Any]:
    """The public, cluster-level event dict of a cluster row (a mapping)."""
    return _row_builder(list(row.keys()))(tuple(row.values()))


def get_event(conn: Connection, event_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(event_clusters).where(event_clusters.c.id == event_id)).mappings().first()
    if row is None:
        return None
    out = event_row(row)
    r = event_reports.c
    reports = conn.execute(
        select(r.document_id, r.event_index, r.source, r.published, r.sentence, r.span_start,
               r.span_end, r.trigger, r.fatalities, r.record_json, documents.c.title,
               documents.c.url, documents.c.near_duplicate_of)
        .join(documents, documents.c.id == r.document_id)
        .where(r.cluster_id == event_id)
        .order_by(r.published, r.document_id, r.event_index)).mappings()
    out["reports"] = [{
        "document_id": rep["document_id"], "event_index": rep["event_index"],
        "source": rep["source"], "published": rep["published"], "title": rep["title"],
        "url": rep["url"], "near_duplicate_of": rep["near_duplicate_of"],
        "sentence": rep["sentence"],
        "span": [rep["span_start"], rep["span_end"]] if rep["span_start"] is not None else None,
        "trigger": rep["trigger"], "fatalities": rep["fatalities"],
        "record": json.loads(rep["record_json"]),
    } for rep in reports]
    return out


def get_document(conn: Connection, doc_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(documents).where(documents.c.id == doc_id)).mappings().first()
    if row is None:
        return None
    document = json.loads(row["meta_json"]) if row["meta_json"] else {}
    document.update({"id": row["id"], "title": row["title"], "source": row["source"],
                     "url": row["url"], "published": row["published"],
                     "language": row["language"], "text": row["text"],
                     "near_duplicate_of": row["near_duplicate_of"]})
    events = []
    for rep in conn.execute(select(event_reports.c.record_json, event_reports.c.cluster_id)
                            .where(event_reports.c.document_id == doc_id)
                            .order_by(event_reports.c.event_index)):
        ev = json.loads(rep[0])
        ev["cluster_id"] = rep[1]
        events.append(ev)
    return {"document": document, "entities": json.loads(row["entities_json"] or "[]"),
            "events": events}


def _grouped(conn: Connection, column: Any, where: list[Any]) -> dict[str, int]:
    rows = conn.execute(select(column.label("k"), func.count().label("n"))
                        .where(*where).group_by(column).order_by(func.count().desc(), column))
    return {(k if k is not None else "unknown"): n for k, n in rows}


def stats(conn: Connection) -> dict[str, Any]:
    """The store's counts; see :meth:`rasd.store.Store.stats` for the keys."""
    c = event_clusters.c
    real = [c.flagged.is_(False)]
    month = func.substr(_event_date(), 1, 7)
    reports = conn.execute(select(func.count()).select_from(event_reports)).scalar_one()
    events = conn.execute(select(func.count()).select_from(event_clusters).where(*real)).scalar_one()
    flagged = conn.execute(select(func.count()).select_from(event_clusters)
                           .where(c.flagged.is_(True))).scalar_one()
    multi = conn.execute(select(func.count()).select_from(event_clusters)
                         .where(*real, c.source_count > 1)).scalar_one()
    near = conn.execute(select(func.count()).select_from(documents)
                        .where(documents.c.near_duplicate_of.is_not(None))).scalar_one()
    by_type = _grouped(conn, c.plover_type, real)
    by_country = _grouped(conn, c.country, real)
    by_month = dict(sorted(_grouped(conn, month, real).items()))
    return {
        "documents": conn.execute(select(func.count()).select_from(documents)).scalar_one(),
        "near_duplicate_documents": near,
        "reports": reports,
        "deduplicated_events": events,
        "multi_outlet_events": multi,
        "flagged_events": flagged,
        "events_by_type": by_type,
        "events_by_country": by_country,
        "events_by_month": by_month,
        # the old names, kept for existing callers ("events" counts reports there)
        "events": reports, "clusters": events, "flagged": flagged, "near_duplicates": near,
        "multi_source_clusters": multi, "by_type": by_type, "by_country": by_country,
        "by_month": by_month,
    }


def actors(conn: Connection, limit: int = 200) -> list[dict[str, Any]]:
    c = event_clusters.c
    parts = [select(getattr(c, f"{a}_name").label("name"), getattr(c, f"{a}_country").label("country"),
                    getattr(c, f"{a}_sector").label("sector"), c.id.label("event"))
             .where(c.flagged.is_(False), getattr(c, f"{a}_name").is_not(None))
             for a in ("actor1", "actor2")]
    both = union_all(*parts).subquery()
    stmt = (select(both.c.name, both.c.country, both.c.sector,
                   func.count(func.distinct(both.c.event)).label("events"))
            .group_by(both.c.name, both.c.country, both.c.sector)
            .order_by(func.count(func.distinct(both.c.event)).desc(), both.c.name)
            .limit(limit))
    return [dict(r) for r in conn.execute(stmt).mappings()]

