"""Writing a batch of prepared documents in one transaction: exact duplicates skipped,
near duplicates linked, every event report assigned to a cluster. Set-based throughout:
one lookup per kind per batch (``= ANY(array)`` on PostgreSQL, IN lists on SQLite), rows
inserted with ``COPY`` (PostgreSQL) or one executemany (SQLite), changed clusters updated
from a ``COPY``-filled temporary table (PostgreSQL) or one executemany (SQLite).

The caller (:class:`rasd.store.Store`) owns the transaction; when the batch fails it rolls
it back and retries the documents one per transaction, so a database error costs only the
document that caused it.
"""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from functools import lru_cache
from datetime import date
from typing import Any, Iterable

from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from rasd.store import dedup
from rasd.store.records import PreparedDoc, PreparedReport
from rasd.store.schema import (document_bands, document_raw, documents, event_clusters, event_reports,
                               store_meta)

__all__ = ["AddResult", "write_batch", "cluster_id_for"]

IN_CHUNK = 500  # values per IN (...) list

LOCATION_RANK = {"point": 0, "neighbourhood": 0, "neighborhood": 0, "town": 1, "city": 1,
                 "village": 1, "subdistrict": 2, "district": 2, "governorate": 3, "region": 3,
                 "country": 4}
DATE_RANK = {"day": 0, "week": 1, "month": 2, "year": 3}
LOCATION_FIELDS = ("location_name", "location_name_ar", "admin1", "admin2", "country", "lat", "lon",
                   "geonameid", "location_precision")
# grid cells for finding points within SAME_PLACE_KM: far wider than that distance
# everywhere south of 60° latitude (0.5° of longitude is 27.8 km there)
GRID_DEGREES = 0.5


@dataclass(slots=True)
class AddResult:
    """What happened to one record: ``status`` is "new", "duplicate" or "failed".

    ``events_added`` counts the document's reports (events as extracted from it);
    ``events_founded`` the de-duplicated events they started (not flagged; its other
    reports joined events already stored)."""
    document_id: str | None
    status: str
    events_added: int = 0
    error: str | None = None
    near_duplicate_of: str | None = None
    code: str | None = None
    events_founded: int = 0


def cluster_id_for(document_id: str, event_index: int) -> str:
    """The public id of the cluster a report founds (stable: derived from that report)."""
    return "ev" + hashlib.sha1(f"{document_id}\x1f{event_index}".encode("utf-8")).hexdigest()[:16]


# columns a cluster row copies from the report that founds it
_SHARED_COLUMNS = tuple(c.name for c in event_clusters.columns if c.name in {col.name for col in event_reports.columns})


class ClusterState:
    """A cluster being written: its row, and whether it is new or changed."""
    __slots__ = ("row", "new", "dirty", "key", "index_keys", "doc_ids")

    def __init__(self, row: dict[str, Any], new: bool, key: dedup.EventKey | None = None,
                 doc_ids: set[str] | None = None) -> None:
        self.row = row
        self.new = new
        self.dirty = new
        self.key = key or dedup.EventKey.from_row(row)
        self.index_keys: list[tuple] = []
        self.doc_ids: set[str] = doc_ids if doc_ids is not None else set(json.loads(row["document_ids"]))

    @classmethod
    def found(cls, report: PreparedReport, doc: PreparedDoc, origin: str, now: float) -> "ClusterState":
        r = report.row
        row = {name: r[name] for name in _SHARED_COLUMNS}
        row.update({
            "id": cluster_id_for(doc.id, report.index), "flagged": report.flagged,
            "published_min": r["published"], "published_max": r["published"],
            "report_count": 1, "document_count": 1, "source_count": 1,
            "document_ids": json.dumps([doc.id], ensure_ascii=False),
            "origin_ids": json.dumps([origin], ensure_ascii=False),
            "sources": json.dumps([r["source"]] if r["source"] else [], ensure_ascii=False),
            "search_text": report.search_text, "actor_text": report.actor_text,
            "created_at": now, "updated_at": now,
        })
        return cls(row, new=True, key=report.key, doc_ids={doc.id})

    def absorb(self, report: PreparedReport, doc: PreparedDoc, origin: str, now: float) -> None:
        """Add a report: counts, the lowest fatality figure, the most precise date and
        place, actors and ACLED codes the cluster lacked."""
        row, r = self.row, report.row
        row["report_count"] += 1
        doc_ids = json.loads(row["document_ids"])
        self.doc_ids.add(doc.id)
        if doc.id not in doc_ids:
            doc_ids.append(doc.id)
            row["document_ids"] = json.dumps(doc_ids, ensure_ascii=False)
            row["document_count"] = len(doc_ids)
        origins = json.loads(row["origin_ids"])
        if origin not in origins:
            origins.append(origin)
            row["origin_ids"] = json.dumps(origins, ensure_ascii=False)
        sources = json.loads(row["sources"])
        if r["source"] and r["source"] not in sources:
            sources.append(r["source"])
            row["sources"] = json.dumps(sources, ensure_ascii=False)
        row["source_count"] = outlet_count(sources, origins)
        for figure in ("fatalities", "injuries"):
            if r[figure] is not None and (row[figure] is None or r[figure] < row[figure]):
                row[figure] = r[figure]
        if r["date"] and DATE_RANK.get(r["date_precision"], 9) < DATE_RANK.get(row["date_precision"], 9):
            row["date"], row["date_precision"] = r["date"], r["date_precision"]
        elif r["date"] and not row["date"]:
            row["date"], row["date_precision"] = r["date"], r["date_precision"]
        if (r["location_precision"] or r["lat"] is not None) and (
                LOCATION_RANK.get(r["location_precision"], 8) < LOCATION_RANK.get(row["location_precision"], 8)):
            for f in LOCATION_FIELDS:
                row[f] = r[f]
        for actor in ("actor1", "actor2"):
            fields = [f"{actor}_{k}" for k in ("name", "id", "country", "sector")]
            if not any(row[f] for f in fields) and any(r[f] for f in fields):
                for f in fields:
                    row[f] = r[f]
        for f in ("plover_mode", "acled_event_type", "acled_sub_event_type", "cameo"):
            if not row[f] and r[f]:
                row[f] = r[f]
        if r["published"]:
            if not row["published_min"] or r["published"] < row["published_min"]:
                row["published_min"] = r["published"]
            if not row["published_max"] or r["published"] > row["published_max"]:
                row["published_max"] = r["published"]
        if report.search_text and report.search_text not in row["search_text"]:
            row["search_text"] = f"{row['search_text']} \n {report.search_text}".strip()
        if report.actor_text and report.actor_text not in row["actor_text"]:
            row["actor_text"] = f"{row['actor_text']} | {report.actor_text}".strip(" |")
        row["updated_at"] = now
        self.dirty = True
        self.key = dedup.EventKey.from_row(row)


def outlet_count(sources: list[str], origins: list[str]) -> int:
    """A cluster's ``source_count``: its distinct outlets; when no report names its outlet,
    its distinct documents (syndicated copies once)."""
    return len(sources) or len(origins)


@lru_cache(maxsize=None)
def _column_names(table: Any) -> tuple[str, ...]:
    return tuple(c.name for c in table.columns)


def bulk_insert(conn: Connection, table: Any, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts; a missing column is NULL) in the caller's transaction."""
    if rows:
        columns = _column_names(table)
        bulk_insert_values(conn, table, columns, [[row.get(c) for c in columns] for row in rows])


def bulk_insert_values(conn: Connection, table: Any, columns: tuple[str, ...], values: list[Any]) -> None:
    """Insert ``values`` (one sequence per row, in the order of ``columns``) in the caller's
    transaction: PostgreSQL ``COPY`` (several times faster than psycopg's row-by-row
    executemany), SQLite one driver-level executemany (SQLAlchemy's per-row parameter
    processing costs more than the insert)."""
    if not values:
        return
    if conn.dialect.name == "sqlite":
        sql = (f'INSERT INTO "{table.name}" ({", ".join(columns)}) '
               f'VALUES ({", ".join("?" * len(columns))})')
        conn.exec_driver_sql(sql, [tuple(v) for v in values])
        return
    if conn.dialect.name != "postgresql":
        conn.execute(table.insert(), [dict(zip(columns, v)) for v in values])
        return
    _copy(conn, table.name, columns, values)


def _copy(conn: Connection, table_name: str, columns: tuple[str, ...], values: list[Any]) -> None:
    quoted = ", ".join(f'"{c}"' for c in columns)
    sql = f'COPY "{table_name}" ({quoted}) FROM STDIN'
    dbapi = conn.dialect.loaded_dbapi
    try:
        with conn.connection.driver_connection.cursor() as cursor, cursor.copy(sql) as copy:
            for row in values:
                copy.write_row(row)
    except dbapi.Error as exc:
        # the same exception classes as statements run through SQLAlchemy
        raise DBAPIError.instance(sql, None, exc, dbapi.Error) from exc


def bulk_update(conn: Connection, table: Any, rows: list[dict[str, Any]]) -> None:
    """Update ``rows`` (every column, by ``id``): on PostgreSQL the rows are copied into a
    temporary table and applied by one ``UPDATE … FROM`` (one statement, not one per
    row); elsewhere one driver-level executemany."""
    if not rows:
        return
    columns = [c for c in _column_names(table) if c != "id"]
    if conn.dialect.name == "postgresql":
        _update_from_copy(conn, table, rows)
        return
    if conn.dialect.name == "sqlite":
        sql = f'UPDATE "{table.name}" SET {", ".join(f"{c} = ?" for c in columns)} WHERE id = ?'
    else:
        stmt = update(table).where(table.c.id == bindparam("_id"))
        conn.execute(stmt, [{**{k: row[k] for k in columns}, "_id": row["id"]} for row in rows])
        return
    conn.exec_driver_sql(sql, [tuple(row[c] for c in columns) + (row["id"],) for row in rows])


def _update_from_copy(conn: Connection, table: Any, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL: ``COPY`` the new rows into a session-private table of the same columns
    (emptied at every commit) and update the table from it in one statement."""
    columns = _column_names(table)
    staging = f"_rasd_update_{table.name}"
    conn.exec_driver_sql(f'CREATE TEMPORARY TABLE IF NOT EXISTS "{staging}" (LIKE "{table.name}") '
                         "ON COMMIT DELETE ROWS")
    _copy(conn, staging, columns, [[row[c] for c in columns] for row in rows])
    assignments = ", ".join(f'"{c}" = s."{c}"' for c in columns if c != "id")
    conn.exec_driver_sql(f'UPDATE "{table.name}" AS t SET {assignments} FROM "{staging}" AS s '
                         "WHERE t.id = s.id")


def _chunks(values: list[Any], size: int = IN_CHUNK) -> Iterable[list[Any]]:
    for i in range(0, len(values), size):
        yield values[i:i + size]


def _select_in(conn: Connection, sql: str, column: str, values: list[Any], pg_type: str) -> list[tuple]:
    """The rows of ``sql`` (a SELECT without WHERE) whose ``column`` is one of ``values``,
    as plain tuples from the driver: on PostgreSQL one statement with the values as an
    array (``= ANY(%s)``: one short statement text, planned for the values, instead of a
    long IN list rendered and parsed per chunk), on SQLite IN lists of IN_CHUNK values."""
    if not values:
        return []
    if conn.dialect.name == "postgresql":
        with conn.connection.driver_connection.cursor() as cursor:
            cursor.execute(f"{sql} WHERE {column} = ANY(%s::{pg_type}[])", (list(values),))
            return cursor.fetchall()
    rows: list[tuple] = []
    for chunk in _chunks(values):
        marks = ", ".join("?" * len(chunk))
        rows.extend(tuple(r) for r in conn.exec_driver_sql(f"{sql} WHERE {column} IN ({marks})", tuple(chunk)))
    return rows


def _iso(ordinal: int) -> str:
    return date.fromordinal(ordinal).isoformat()


class ClusterCache:
    """The clusters a writer has seen, in buckets by unit, each split by match key:

    - (type, "d", stated day), split by place (governorate, gazetteer id, folded name,
      grid cell): the candidates of :func:`rasd.store.dedup.same_by_place`;
    - (type, "p", first publication day), split by the shingles of the first report's
      sentence: the candidates of :func:`rasd.store.dedup.same_by_text`.

    A report looks in exactly the units its rules allow (the stated day ± DATE_WINDOW_DAYS,
    the publication day ± PUBLICATION_WINDOW_DAYS), and a unit is loaded from the database
    by the same stored column the rule reads (``date``, ``published_min``), so the
    candidates are every compatible cluster whether it was founded in this batch, an
    earlier one or another run. Units are kept across batches; the store's generation
    counter (bumped by every write transaction) tells when another writer has committed,
    and then the cache starts afresh.
    """
    MAX_CLUSTERS = 250_000  # about 7 KB each; beyond this the cache starts afresh
    DAY, PUBLISHED = "d", "p"

    def __init__(self) -> None:
        self.clear()
        self.last_founded = 0.0

    def founding_time(self, now: float) -> float:
        """A cluster's ``created_at``: the wall clock, made strictly increasing, so that
        clusters founded in one batch are as ordered as clusters founded in two (ties in
        :meth:`best_match` go to the first founded, whatever the batch size)."""
        self.last_founded = max(now, self.last_founded + 1e-6)
        return self.last_founded

    def clear(self) -> None:
        self.buckets: dict[tuple[str, str, int], dict[Any, list[ClusterState]]] = {}
        self.by_id: dict[str, ClusterState] = {}
        self.loaded: set[tuple[str, str, int]] = set()
        self.generation: int | None = None

    # -- indexing --
    @staticmethod
    def _place_keys(key: dedup.EventKey, *, neighbours: bool) -> list[tuple]:
        """What a place match must share (:func:`rasd.store.dedup.same_place`): the
        governorate, the gazetteer id, the folded name, or grid cells of GRID_DEGREES
        within reach."""
        if not dedup.clusterable(key):
            return []
        if key.level == dedup.LEVEL_GOVERNORATE:
            return [("a", key.country, key.admin1 or key.place_name)]
        keys: list[tuple] = []
        if key.place_id is not None:
            keys.append(("i", key.place_id))
        if key.place_name:
            keys.append(("n", key.level, key.place_name))
        if key.lat is not None and key.lon is not None:
            gx, gy = int(key.lon // GRID_DEGREES), int(key.lat // GRID_DEGREES)
            if neighbours:
                keys.extend(("g", gx + dx, gy + dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1))
            else:
                keys.append(("g", gx, gy))
        return keys

    @staticmethod
    def _text_keys(key: dedup.EventKey) -> list[tuple]:
        """What a text match must share (:func:`rasd.store.dedup.same_text`): a shingle."""
        if key.published is None or len(key.shingles) < dedup.MIN_TEXT_SHINGLES:
            return []
        return _shingle_keys(key.shingles)

    def _entries(self, key: dedup.EventKey) -> list[tuple[tuple[str, str, int], tuple]]:
        """(unit, match key) pairs a cluster of ``key`` is filed under."""
        entries = []
        if dedup.clusterable(key):
            unit = (key.plover_type, self.DAY, key.day)
            entries.extend((unit, mk) for mk in self._place_keys(key, neighbours=False))
        text_keys = self._text_keys(key)
        if text_keys:
            unit = (key.plover_type, self.PUBLISHED, key.published)
            entries.extend((unit, mk) for mk in text_keys)
        return entries

    def lookups_for(self, key: dedup.EventKey) -> list[tuple[tuple[str, str, int], list[tuple]]]:
        """(unit, match keys) pairs a report of ``key`` looks in: every unit its rules allow."""
        lookups = []
        place_keys = self._place_keys(key, neighbours=True)
        if place_keys:
            window = dedup.DATE_WINDOW_DAYS
            lookups.extend(((key.plover_type, self.DAY, o), place_keys)
                           for o in range(key.day - window, key.day + window + 1))
        text_keys = self._text_keys(key)
        if text_keys:
            window = dedup.PUBLICATION_WINDOW_DAYS
            lookups.extend(((key.plover_type, self.PUBLISHED, o), text_keys)
                           for o in range(key.published - window, key.published + window + 1))
        return lookups

    def add(self, cluster: "ClusterState") -> None:
        self.by_id[cluster.row["id"]] = cluster
        entries = self._entries(cluster.key)
        for unit, mk in entries:
            self.buckets.setdefault(unit, {}).setdefault(mk, []).append(cluster)
        cluster.index_keys = entries

    def reindex(self, cluster: "ClusterState") -> None:
        """File ``cluster`` under the keys of its changed key (after :meth:`ClusterState.absorb`);
        nothing to do when they are the ones it is filed under (the order of a bucket's
        members does not matter: :func:`match_rank` decides)."""
        if self._entries(cluster.key) == cluster.index_keys:
            return
        for unit, mk in cluster.index_keys:
            members = self.buckets.get(unit, {}).get(mk, [])
            if cluster in members:
                members.remove(cluster)
        self.add(cluster)

    # -- loading --
    def ensure_loaded(self, conn: Connection, lookups: Iterable[list[tuple[tuple[str, str, int], list[tuple]]]]) -> None:
        """Load every stored cluster of the units the reports of ``lookups`` (their
        :meth:`lookups_for`) will look in."""
        wanted: dict[tuple[str, str], set[int]] = {}
        for report_lookups in lookups:
            for unit, _keys in report_lookups:
                if unit not in self.loaded:
                    wanted.setdefault(unit[:2], set()).add(unit[2])
        for (ptype, kind), ordinals in sorted(wanted.items()):
            column = event_clusters.c.date if kind == self.DAY else event_clusters.c.published_min
            for chunk in _chunks(sorted(ordinals)):
                stmt = select(event_clusters).where(event_clusters.c.plover_type == ptype,
                                                    event_clusters.c.flagged.is_(False),
                                                    column.in_([_iso(o) for o in chunk]))
                for row in conn.execute(stmt).mappings():
                    if row["id"] not in self.by_id:
                        self.add(ClusterState(dict(row), new=False))
            self.loaded.update((ptype, kind, o) for o in ordinals)

    # -- matching --
    def best_match(self, report: PreparedReport, document_id: str,
                   lookups: list[tuple[tuple[str, str, int], list[tuple]]] | None = None) -> "ClusterState | None":
        """The cluster ``report`` belongs to, or None. A cluster never takes a second
        report of one document: the extractor has already told that document's events
        apart. Of several compatible clusters the one of :func:`match_rank` wins, which
        does not depend on the order clusters were loaded in. ``lookups``: the report's
        :meth:`lookups_for`, when already computed."""
        key = report.key
        seen: set[int] = set()
        best, best_rank = None, None
        for unit, match_keys in (lookups if lookups is not None else self.lookups_for(key)):
            bucket = self.buckets.get(unit)
            if not bucket:
                continue
            for mk in match_keys:
                for c in bucket.get(mk, ()):
                    if id(c) in seen:
                        continue
                    seen.add(id(c))
                    if document_id in c.doc_ids or not dedup.compatible(key, c.key):
                        continue
                    rank = match_rank(key, c)
                    if best_rank is None or rank < best_rank:
                        best, best_rank = c, rank
        return best


@lru_cache(maxsize=65536)
def _shingle_keys(shingles: frozenset[int]) -> list[tuple]:
    """The text match keys of a sentence's shingles (shared: callers never change them)."""
    return [("s", h) for h in sorted(shingles)]


def match_rank(key: dedup.EventKey, cluster: ClusterState) -> tuple:
    """Order of preference among compatible clusters: the closest stated day (else the
    closest publication day), then the most reports, then the first founded, then the id."""
    other = cluster.key
    if key.day is not None and other.day is not None:
        gap = abs(other.day - key.day)
    elif key.published is not None and other.published is not None:
        gap = abs(other.published - key.published)
    else:
        gap = 0
    return (gap, -cluster.row["report_count"], cluster.row["created_at"], cluster.row["id"])


def _next_generation(conn: Connection, cache: ClusterCache) -> None:
    """Bump the store's write generation (locking it: one writer at a time) and drop the
    cache when another writer has committed since this one last wrote."""
    stmt = select(store_meta.c.value).where(store_meta.c.key == "generation")
    if conn.dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    current = conn.execute(stmt).scalar()
    if current is None:
        current = 0
        conn.execute(store_meta.insert().values(key="generation", value=0))
    if cache.generation != current or len(cache.by_id) > cache.MAX_CLUSTERS:
        cache.clear()
    conn.execute(update(store_meta).where(store_meta.c.key == "generation")
                 .values(value=store_meta.c.value + 1))
    cache.generation = current + 1


def _cache_foreign_key_plans(conn: Connection) -> None:
    """Let PostgreSQL reuse one plan for the foreign-key check of every inserted row, until
    the transaction ends. The store's sessions plan each statement for its values
    (``plan_cache_mode = force_custom_plan``, :mod:`rasd.store.db`), and that includes the
    check (``SELECT 1 FROM documents WHERE id = $1``) that each ``document_bands`` and
    ``event_reports`` row fires: planned anew for each of some 4,000 rows per batch, it
    took three quarters of the ``COPY``'s time. The lookups of this batch have run already."""
    conn.exec_driver_sql("SET LOCAL plan_cache_mode = auto")


def write_batch(conn: Connection, docs: list[PreparedDoc], cache: ClusterCache | None = None) -> list[AddResult]:
    """Write ``docs`` on ``conn`` (inside the caller's transaction); one result per doc.

    ``cache`` (kept by the store across batches) must be cleared by the caller when the
    transaction does not commit.
    """
    now = time.time()
    cache = cache if cache is not None else ClusterCache()
    _next_generation(conn, cache)
    results: list[AddResult | None] = [None] * len(docs)

    # 1. exact duplicates: id, normalised URL, normalised text
    ids = [d.id for d in docs]
    url_keys = [d.url_key for d in docs if d.url_key]
    hashes = [d.features.content_hash for d in docs]
    have_ids = {row[0] for row in _select_in(conn, "SELECT id FROM documents", "id", ids, "text")}
    by_url = dict(_select_in(conn, "SELECT url_key, id FROM documents", "url_key", url_keys, "text"))
    by_hash = dict(_select_in(conn, "SELECT content_hash, id FROM documents", "content_hash", hashes, "text"))
    accepted: list[int] = []
    for i, doc in enumerate(docs):
        original = (doc.id if doc.id in have_ids else
                    by_url.get(doc.url_key) if doc.url_key and doc.url_key in by_url else
                    by_hash.get(doc.features.content_hash))
        if original is not None:
            results[i] = AddResult(original, "duplicate")
            continue
        have_ids.add(doc.id)
        if doc.url_key:
            by_url[doc.url_key] = doc.id
        by_hash[doc.features.content_hash] = doc.id
        accepted.append(i)

    # 2. near duplicates: LSH candidates from the database and from this batch
    band_values = sorted({b for i in accepted for b in docs[i].features.bands})
    band_docs: dict[int, list[str]] = {}
    signatures: dict[str, tuple[bytes, str]] = {}  # doc id → (signature, root id)
    # the candidates' bands, then each candidate's signature once (not once per shared band)
    for band, doc_id in _select_in(conn, "SELECT band, document_id FROM document_bands", "band",
                                   band_values, "bigint"):
        band_docs.setdefault(band, []).append(doc_id)
    candidates = sorted({doc_id for ids_ in band_docs.values() for doc_id in ids_})
    for doc_id, sig, root in _select_in(conn, "SELECT id, minhash, near_duplicate_of FROM documents", "id",
                                        candidates, "text"):
        signatures[doc_id] = (bytes(sig), root or doc_id)
    for i in accepted:
        doc = docs[i]
        sig = doc.features.signature
        if sig is None:
            continue
        best_id, best_sim = None, 0.0
        for candidate in {c for b in doc.features.bands for c in band_docs.get(b, ())}:
            other, _root = signatures[candidate]
            sim = dedup.similarity(sig, other)
            if sim > best_sim or (sim == best_sim and best_id is not None and candidate < best_id):
                best_id, best_sim = candidate, sim
        root = doc.id
        if best_id is not None and best_sim >= dedup.NEAR_DUP_THRESHOLD:
            root = signatures[best_id][1]
            doc.row["near_duplicate_of"] = root
            doc.row["similarity"] = round(best_sim, 4)
        signatures[doc.id] = (sig, root)
        for b in doc.features.bands:
            band_docs.setdefault(b, []).append(doc.id)

    # 3. events: each report joins the best compatible cluster or founds one
    lookups = {id(r): cache.lookups_for(r.key) for i in accepted for r in docs[i].reports if not r.flagged}
    cache.ensure_loaded(conn, lookups.values())
    clusters: dict[str, ClusterState] = {}
    report_rows: list[dict[str, Any]] = []
    for i in accepted:
        doc = docs[i]
        origin = doc.row["near_duplicate_of"] or doc.id
        founded = 0
        for report in doc.reports:
            target = None if report.flagged else cache.best_match(report, doc.id, lookups[id(report)])
            if target is None:
                target = ClusterState.found(report, doc, origin, cache.founding_time(now))
                if not report.flagged:
                    cache.add(target)
                    founded += 1
            else:
                target.absorb(report, doc, origin, now)
                cache.reindex(target)
            clusters[target.row["id"]] = target
            report_rows.append({**report.row, "document_id": doc.id, "cluster_id": target.row["id"]})
        results[i] = AddResult(doc.id, "new", len(doc.reports),
                               near_duplicate_of=doc.row["near_duplicate_of"], events_founded=founded)

    # 4. rows, parents first
    if conn.dialect.name == "postgresql":
        _cache_foreign_key_plans(conn)
    if accepted:
        bulk_insert(conn, documents, [docs[i].row for i in accepted])
        bulk_insert(conn, document_raw, [{"document_id": docs[i].id, "raw": docs[i].raw}
                                         for i in accepted if docs[i].raw])
        bulk_insert_values(conn, document_bands, ("band", "document_id"),
                           [(b, docs[i].id) for i in accepted for b in docs[i].features.bands])
    bulk_insert(conn, event_clusters, [c.row for c in clusters.values() if c.new])
    bulk_update(conn, event_clusters, [c.row for c in clusters.values() if not c.new and c.dirty])
    bulk_insert(conn, event_reports, report_rows)
    for c in clusters.values():
        c.new = c.dirty = False
    return [r for r in results if r is not None]
