"""The JSON API: events, documents, extraction, ingestion, stats, actors."""
from __future__ import annotations

import json
import logging
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, Literal

try:
    import orjson
except ImportError:  # pragma: no cover - orjson is a dependency; the stdlib encoder stands in
    orjson = None

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from rasd.api.cache import GenerationCache
from rasd.api.errors import ApiError
from rasd.api.queries import EventFilters, check_page_size, event_filters, parse_bbox
from rasd.api.schemas import DocumentIn, ErrorOut, EventsPage, IngestOut
from rasd.api.security import token_ok
from rasd.api.settings import ApiSettings, is_loopback

log = logging.getLogger(__name__)

__all__ = ["router", "JSONBytes", "TTLCache", "dumps", "to_geojson"]

CACHE_TTL_S = 30.0  # timelines may lag writes made outside this server by this much

router = APIRouter(prefix="/api", tags=["api"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut}, 404: {"model": ErrorOut}, 413: {"model": ErrorOut},
    422: {"model": ErrorOut},
}
_EXTRACT_ERRORS: dict[int | str, dict[str, Any]] = {
    **_ERRORS, 403: {"model": ErrorOut}, 415: {"model": ErrorOut}, 503: {"model": ErrorOut},
}


def _default(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (set, tuple)):
        return list(value)
    if hasattr(value, "to_dict"):
        return value.to_dict()
    return str(value)


def dumps(content: Any) -> bytes:
    """``content`` as compact UTF-8 JSON: with orjson (several times faster on a page of
    500 events) when it is installed and can encode it, else the standard library."""
    if orjson is not None:
        try:
            return orjson.dumps(content, default=_default, option=orjson.OPT_NON_STR_KEYS)
        except (orjson.JSONEncodeError, TypeError):
            pass  # e.g. an integer beyond 64 bits: the standard library writes it
    return json.dumps(content, ensure_ascii=False, separators=(",", ":"),
                      default=_default).encode("utf-8")


class JSONBytes(Response):
    """A JSON response serialised once by :func:`dumps`, without pydantic's encoder."""
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return dumps(content)


class GeoJSONBytes(JSONBytes):
    media_type = "application/geo+json"


class TTLCache:
    """A small dict cache whose entries expire after ``ttl`` seconds (cleared on writes)."""

    def __init__(self, ttl: float, size: int = 512) -> None:
        self.ttl, self.size = ttl, size
        self._data: dict[Any, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any:
        hit = self._data.get(key)
        if hit is None or time.monotonic() - hit[0] > self.ttl:
            return None
        return hit[1]

    def put(self, key: Any, value: Any) -> None:
        with self._lock:
            if len(self._data) >= self.size:
                self._data.clear()
            self._data[key] = (time.monotonic(), value)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


def filter_key(filters: EventFilters) -> tuple:
    """The filters that decide which events match (not the page or its order)."""
    return tuple(sorted((k, str(v)) for k, v in filters.items() if k not in ("limit", "offset", "order")))


def store_of(request: Request) -> Any:
    return request.app.state.get_store()


def cached_count(request: Request, key: Any, compute: Any, generation: int | None = None) -> Any:
    """``compute()`` once per ``key`` and write generation of the store: totals and
    counts are computed again after any write (in this process or another) and never
    served stale. ``generation``: the one the caller has just read, if any."""
    cache: GenerationCache = request.app.state.count_cache
    if generation is None:
        generation = store_of(request).generation()
    out = cache.get(key, generation)
    if out is None:
        out = compute()
        cache.put(key, generation, out)
    return out


def settings_of(request: Request) -> ApiSettings:
    return request.app.state.settings


def to_geojson(rows: list[dict[str, Any]], total: int, limit: int, offset: int) -> dict[str, Any]:
    """A FeatureCollection of the located rows; each row, less ``lat`` and ``lon``, is its
    feature's properties (the rows are the caller's to give away: they are not copied)."""
    features = []
    append = features.append
    for row in rows:
        lat, lon = row.pop("lat", None), row.pop("lon", None)
        if lat is None or lon is None:
            continue
        append({"type": "Feature", "id": row.get("id"),
                "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": row})
    return {"type": "FeatureCollection", "features": features,
            "total": total, "limit": limit, "offset": offset}


@router.get("/events", response_model=None, responses={200: {"model": EventsPage}, **_ERRORS},
            summary="Events matching the filters (JSON page with total, or GeoJSON)")
def list_events(request: Request, filters: EventFilters = Depends(event_filters),
                format: Literal["json", "geojson"] = Query("json"),
                fields: str | None = Query(None, max_length=1000,
                                           description="comma-separated event keys to return (default: all)")) -> Response:
    """A page of events. The rendered page is kept (``page_cache_mb``) until the store's
    next write, so that the same request (a map reloaded, a page revisited) is answered
    from memory; a write by any process makes every page be read again."""
    check_page_size(filters["limit"], format)
    media_type = GeoJSONBytes.media_type if format == "geojson" else JSONBytes.media_type
    generation = store_of(request).generation()
    cache: GenerationCache | None = request.app.state.page_cache
    key = (format, fields, tuple(sorted((k, str(v)) for k, v in filters.items())))
    body = cache.get(key, generation) if cache is not None else None
    if body is None:
        body = dumps(events_page(request, filters, format, fields, generation))
        if cache is not None:
            cache.put(key, generation, body)
    return Response(body, media_type=media_type)


def events_page(request: Request, filters: EventFilters, format: str, fields: str | None,
                generation: int) -> dict[str, Any]:
    """The content of a ``GET /api/events`` response: a JSON page or a FeatureCollection."""
    store = store_of(request)
    query = filters.to_query()
    rows = store.query_events(query)
    if not filters["offset"] and len(rows) < filters["limit"]:
        total = len(rows)  # the whole result is on this page: no count query needed
    else:  # paging through a result or reloading a page counts once per write generation
        total = cached_count(request, filter_key(filters), lambda: store.count_events(query), generation)
    if fields:
        keep = {f.strip() for f in fields.split(",") if f.strip()} | {"id"}
        if format == "geojson":
            keep |= {"lat", "lon"}
        rows = [{k: v for k, v in row.items() if k in keep} for row in rows]
    if format == "geojson":
        return to_geojson(rows, total, filters["limit"], filters["offset"])
    return {"total": total, "limit": filters["limit"], "offset": filters["offset"], "events": rows}


MAP_FIELDS = ("plover_type", "date", "actor1_name", "actor2_name", "location_name", "admin1",
              "country", "fatalities")


def cell_degrees(zoom: int) -> float:
    """The side of an aggregation square at a map zoom: a quarter of a 256-pixel tile
    (about 64 pixels on screen)."""
    return 360.0 / (2 ** zoom) / 4


def _point_feature(row: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "id": row["id"],
            "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
            "properties": {"id": row["id"], **{k: row.get(k) for k in MAP_FIELDS}}}


def _cell_feature(cell: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [cell["lon"], cell["lat"]]},
            "properties": {"count": cell["count"], "types": cell["types"],
                           "plover_type": next(iter(cell["types"]), "OTHER"), "bounds": cell["bounds"]}}


def map_counts(store: Any, filters: EventFilters) -> dict[str, int]:
    """How many matching events a map can draw (``located``) and how many it cannot
    (``unlocated``: no coordinates; the table lists them)."""
    base = filters.to_query(limit=None, offset=0)
    located = store.count_events(replace(base, located=True)) if filters.get("located") is not False else 0
    unlocated = store.count_events(replace(base, located=False)) if filters.get("located") is not True else 0
    return {"total": located + unlocated, "located": located, "unlocated": unlocated}


@router.get("/map", response_model=None, responses=_ERRORS,
            summary="The matching located events for a map view: points, or counts in squares when too many")
def map_view(request: Request, filters: EventFilters = Depends(event_filters),
             zoom: int = Query(2, ge=0, le=20, description="the map's zoom level (sets the square size)"),
             bbox: str | None = Query(None, max_length=200, description="west,south,east,north: the view")) -> Response:
    """A GeoJSON FeatureCollection of every matching event with coordinates inside
    ``bbox`` (the whole world without one): one point per event when there are at most
    ``map_points`` of them (``aggregated: false``), else one point per square of the grid
    for ``zoom`` with its ``count`` and counts by type (``aggregated: true``), so that every
    event is counted on the map. ``located`` / ``unlocated`` count the matching events with
    and without coordinates (in the whole world); ``in_view`` those inside ``bbox``."""
    store = store_of(request)
    box = parse_bbox(bbox)
    counts = cached_count(request, ("map", filter_key(filters)), lambda: map_counts(store, filters))
    cap = settings_of(request).map_points
    view = filters.to_query(limit=None, offset=0, located=True, bbox=box)
    in_view = counts["located"] if box is None or filters.get("located") is False else store.count_events(view)
    if filters.get("located") is False:
        in_view = 0
    out: dict[str, Any] = {"type": "FeatureCollection", **counts, "in_view": in_view,
                           "max_points": cap}
    if in_view == 0:
        out.update(aggregated=False, features=[])
    elif in_view <= cap:
        rows = store.query_events(replace(view, limit=cap))
        out.update(aggregated=False, features=[_point_feature(r) for r in rows])
    else:
        cell = cell_degrees(zoom)
        out.update(aggregated=True, cell_degrees=cell,
                   features=[_cell_feature(c) for c in store.map_cells(view, cell=cell)])
    return GeoJSONBytes(out)


@router.get("/countries", response_model=None,
            summary="The countries of the stored events, with English and Arabic names and event counts")
def countries(request: Request) -> Response:
    from rasd.store.names import country_names

    def compute() -> dict[str, Any]:
        by_country = store_of(request).stats().get("events_by_country", {})
        rows = []
        for code, n in by_country.items():
            if code == "unknown":
                continue
            name, name_ar = country_names(code)
            rows.append({"iso3": code, "name": name, "name_ar": name_ar, "events": n})
        return {"countries": sorted(rows, key=lambda r: r["name"])}

    return JSONBytes(cached_count(request, "countries", compute))


@router.get("/events/{event_id:path}", response_model=None, responses=_ERRORS,
            summary="One event with every report and its evidence spans")
def get_event(request: Request, event_id: str = Path(..., max_length=200)) -> Response:
    event = store_of(request).get_event(event_id)
    if event is None:
        raise ApiError(404, "not_found", f"no event {event_id!r}")
    return JSONBytes(event)


def _sql_day_counts(store: Any) -> Any:
    """A ``count_by_day(q)`` built from the store's own filter clauses: one GROUP BY.

    Uses private helpers of :mod:`rasd.store.query` until the store offers ``count_by_day``
    itself; returns None (the caller then scans events) when they are not there.
    """
    try:
        from sqlalchemy import func, select

        from rasd.store import query as sq
        day, where, table, read = sq._event_date, sq._where, sq.event_clusters, store._read
    except (ImportError, AttributeError):
        return None

    def count_by_day(q: Any) -> list[tuple[Any, Any, int]]:
        column = day()
        stmt = (select(column, table.c.plover_type, func.count())
                .where(*where(q)).group_by(column, table.c.plover_type))
        with read() as conn:
            return [tuple(row) for row in conn.execute(stmt)]
    return count_by_day


def _timeline(store: Any, filters: EventFilters, cap: int) -> dict[str, Any]:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    # an aggregate query when the store has one (or we can build one), else a scan
    by_day = getattr(store, "count_by_day", None) or _sql_day_counts(store)
    if by_day is not None:
        for day, ptype, n in by_day(filters.to_query(limit=None, offset=0)):
            if not day:
                continue
            counts[str(day)[:10]][ptype or "OTHER"] += n
        return {"days": [{"date": d, "counts": dict(c)} for d, c in sorted(counts.items())],
                "events": sum(sum(c.values()) for c in counts.values()), "truncated": False}
    seen, page, offset = 0, 5000, 0
    while seen < cap:
        rows = store.query_events(filters.to_query(limit=min(page, cap - seen), offset=offset,
                                                   order="date_asc"))
        for row in rows:
            day = row.get("date")
            if day:
                counts[str(day)[:10]][row.get("plover_type") or "OTHER"] += 1
        seen += len(rows)
        offset += page
        if len(rows) < page:
            break
    days = [{"date": day, "counts": dict(by_type)} for day, by_type in sorted(counts.items())]
    return {"days": days, "events": seen, "truncated": seen >= cap}


@router.get("/timeline", response_model=None, responses=_ERRORS,
            summary="Events per day and type for the filters (for the timeline chart)")
def timeline(request: Request, filters: EventFilters = Depends(event_filters)) -> Response:
    """Counts per day and PLOVER type. Without an aggregate query in the store this reads
    up to ``timeline_cap`` events; results are cached for a few seconds."""
    key = filter_key(filters)
    cache: TTLCache = request.app.state.timeline_cache
    out = cache.get(key)
    if out is None:
        out = _timeline(store_of(request), filters, settings_of(request).timeline_cap)
        cache.put(key, out)
    return JSONBytes(out)


# ``:path``: ids may hold a slash (``tg-…/…``, a feed's own ids); sent percent-encoded
# (``a%2Fb``) or not, they reach the route whole
@router.get("/documents/{doc_id:path}", response_model=None, responses=_ERRORS,
            summary="A stored document: text with entity and event spans (the contract record)")
def get_document(request: Request, doc_id: str = Path(..., max_length=200)) -> Response:
    record = store_of(request).get_document(doc_id)
    if record is None:
        raise ApiError(404, "not_found", f"no document {doc_id!r}")
    return JSONBytes(record)


@dataclass(slots=True)
class Article:
    """What a POST asks to extract: the content (text or a page, str; an uploaded file,
    bytes) and its metadata."""
    content: str | bytes
    meta: dict[str, Any]
    html: str | None = None  # a page given as HTML, kept as the document's raw form


async def run_extraction(request: Request, article: Article) -> dict[str, Any]:
    """Extract in the app's worker pool (never on the event loop): 503 when every worker
    is busy, 422 past the time limit, 413 for a document over the input limit."""
    from rasd.api.workers import JobError, PoolBusy, TimeLimit, WorkerFailed

    content = article.content
    if not content or not content.strip():
        raise ApiError(400, "empty", "the text is empty")
    pool = request.app.state.extraction
    try:
        return await pool.run({"content": content, **article.meta})
    except PoolBusy:
        raise ApiError(503, "busy", f"all {pool.workers} extraction workers are busy; retry in a "
                       "few seconds", headers={"Retry-After": "2"}) from None
    except TimeLimit:
        raise ApiError(422, "time_limit", f"extraction took longer than {pool.timeout_s:g} s and was "
                       "stopped (RASD_EXTRACT_TIMEOUT); send a shorter document") from None
    except WorkerFailed as exc:
        log.error("extraction worker failed: %s", exc)
        raise ApiError(503, "worker_failed", f"extraction failed: {exc}") from None
    except JobError as exc:
        if exc.kind == "input":
            status = 413 if exc.code == "E104" else 400
            raise ApiError(status, f"input_{exc.code}", exc.message) from None
        log.error("extraction raised %s: %s", exc.code, exc.message)
        raise ApiError(500, "extraction_failed", f"extraction failed ({exc.code})") from None


_META_FIELDS = ("id", "title", "url", "source", "published")


def _invalid(exc: ValidationError) -> ApiError:
    parts = [f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}".lstrip(": ")
             for e in exc.errors()[:5]]
    return ApiError(422, "invalid_request", "; ".join(parts) or "invalid body")


async def document_body(request: Request) -> Article:
    """The article of a POST: a JSON :class:`DocumentIn`, or a ``multipart/form-data``
    upload with the article in a ``file`` part and the metadata in form fields. (Other
    types were refused by the write guard: a cross-site form can send them.)"""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == "multipart/form-data":
        return await _uploaded(request)
    if media != "application/json":
        raise ApiError(415, "unsupported_media_type",
                       "send application/json (or multipart/form-data with a file)")
    try:
        body = DocumentIn.model_validate_json(await request.body() or b"{}")
    except ValidationError as exc:
        raise _invalid(exc) from None
    meta = {k: getattr(body, k) for k in _META_FIELDS}
    content = body.text if body.text is not None else body.html
    return Article(content or "", meta, html=body.html)


async def _uploaded(request: Request) -> Article:
    try:
        form = await request.form(max_files=1, max_fields=len(_META_FIELDS) + 1)
    except Exception as exc:  # noqa: BLE001 — Starlette raises several kinds on a bad form
        if isinstance(exc, ApiError):
            raise
        raise ApiError(400, "bad_form", f"unreadable multipart body: {exc}") from None
    upload = form.get("file")
    if upload is None or isinstance(upload, str):
        raise ApiError(422, "invalid_request", "file: a multipart upload needs a 'file' part")
    extra = sorted(set(form) - {"file", *_META_FIELDS})
    if extra:
        raise ApiError(422, "invalid_request", f"unknown form fields: {', '.join(extra)}")
    meta = {k: form[k] for k in _META_FIELDS if isinstance(form.get(k), str) and form[k]}
    try:
        DocumentIn(text="-", **meta)  # the same limits on the metadata as in JSON
    except ValidationError as exc:
        raise _invalid(exc) from None
    content = await upload.read()
    await upload.close()
    return Article(content, {k: meta.get(k) for k in _META_FIELDS})


_BODY_DOC = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": DocumentIn.model_json_schema()},
    "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "format": "binary",
                 "description": "the article: plain text or an HTML page, in any common encoding"},
        **{k: {"type": "string"} for k in _META_FIELDS}}}},
}}}


@router.post("/extract", response_model=None, responses=_EXTRACT_ERRORS, openapi_extra=_BODY_DOC,
             summary="Extract entities and events from text or HTML; nothing is stored")
async def extract(request: Request, article: Article = Depends(document_body)) -> Response:
    return JSONBytes(await run_extraction(request, article))


def require_write(request: Request) -> None:
    """Writes need the bearer token when one is set; without one, only loopback clients of a
    server that binds loopback may write (a public server starts read-only)."""
    settings = settings_of(request)
    if settings.read_only:
        raise ApiError(403, "read_only",
                       "this server is read-only (set RASD_API_TOKEN to accept documents)")
    if settings.token:
        if not token_ok(request.headers.get("authorization"), settings.token):
            raise ApiError(401, "unauthorized", "a valid bearer token is required",
                           headers={"WWW-Authenticate": "Bearer"})
        return
    client = request.client.host if request.client else ""
    if not is_loopback(client):
        raise ApiError(403, "forbidden", "writes without a token are accepted from this machine only")


def ingest_out(result: Any) -> dict[str, Any]:
    """The answer to ``POST /api/documents`` in the store's words: ``reports_added`` the
    document's reports, ``new_events`` the de-duplicated events they started (the others
    joined events already stored). ``events_added`` is the old, deprecated name of
    ``reports_added`` (it never counted de-duplicated events)."""
    return {"document_id": result.document_id, "status": result.status,
            "reports_added": result.events_added, "new_events": result.events_founded,
            "events_added": result.events_added}


@router.post("/documents", response_model=None, status_code=201, openapi_extra=_BODY_DOC,
             responses={201: {"model": IngestOut}, 200: {"model": IngestOut}, 401: {"model": ErrorOut},
                        **_EXTRACT_ERRORS},
             summary="Ingest one document: extract and store (bearer token when RASD_API_TOKEN is set)")
async def add_document(request: Request, _: None = Depends(require_write),
                       article: Article = Depends(document_body)) -> Response:
    return await store_extracted(request, article)


async def store_extracted(request: Request, article: Article) -> Response:
    """Extract ``article`` in the worker pool, store the record, answer as ingestion does."""
    record = await run_extraction(request, article)
    result = await run_in_threadpool(store_of(request).add_record, record, raw=article.html)
    if result.status == "failed":
        log.error("store refused document %s: %s", result.document_id, result.error)
        raise ApiError(500, "store_failed", f"the store did not accept the document: {result.error}")
    request.app.state.timeline_cache.clear()
    request.app.state.count_cache.clear()
    out = ingest_out(result)
    return JSONBytes(out, status_code=201 if result.status == "new" else 200)


SAMPLE_META = {"id": "rasd-sample-article", "title": "rasd sample article", "url": None,
               "source": "rasd sample", "published": "2024-11-08"}


def sample_article() -> Article:
    """The bundled sample article (the one ``rasd extract --sample`` reads)."""
    from importlib.resources import files

    text = files("rasd.data").joinpath("samples/sample-article-ar.txt").read_text(encoding="utf-8")
    return Article(text, dict(SAMPLE_META))


@router.post("/sample", response_model=None, status_code=201,
             responses={201: {"model": IngestOut}, 200: {"model": IngestOut}, 401: {"model": ErrorOut},
                        **_EXTRACT_ERRORS},
             summary="Ingest the bundled sample article (a first look at an empty store); a write like POST /api/documents")
async def add_sample(request: Request, _: None = Depends(require_write)) -> Response:
    """The same write rules as ``POST /api/documents`` (token, loopback, Host and Origin
    checks; a JSON body, ``{}``); storing the sample twice answers 200 ``duplicate``."""
    return await store_extracted(request, sample_article())


@router.get("/stats", response_model=None, summary="Counts of documents, reports and de-duplicated events, by type, country and month")
def stats(request: Request) -> Response:
    return JSONBytes(cached_count(request, "stats", lambda: store_of(request).stats()))


@router.get("/actors", response_model=None, summary="Actors with the number of events they take part in")
def actors(request: Request, limit: int = Query(200, ge=1, le=5000)) -> Response:
    return JSONBytes(cached_count(request, ("actors", limit),
                                  lambda: {"actors": store_of(request).actors(limit=limit)}))
