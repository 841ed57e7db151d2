"""Writing a batch of prepared documents in one transaction: exact duplicates skipped,
near duplicates linked, every event report assigned to a cluster, rows inserted with
executemany.

The caller (:class:`rasd.store.Store`) owns the transaction; when the batch fails it rolls
it back and retries the documents one per transaction, so a database error costs only the
document that caused it.
"""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Iterable

from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Connection

from rasd.store import dedup
from rasd.store.records import PreparedDoc, PreparedReport
from rasd.store.schema import document_bands, document_raw, documents, event_clusters, event_reports

__all__ = ["AddResult", "write_batch", "cluster_id_for"]

IN_CHUNK = 500  # values per IN (...) list

LOCATION_RANK = {"point": 0, "neighbourhood": 0, "neighborhood": 0, "town": 1, "city": 1,
                 "village": 1, "subdistrict": 2, "district": 2, "governorate": 3, "region": 3,
                 "country": 4}
DATE_RANK = {"day": 0, "week": 1, "month": 2, "year": 3}
LOCATION_FIELDS = ("location_name", "location_name_ar", "admin1", "admin2", "country", "lat", "lon",
                   "geonameid", "location_precision")
# how many days before a report's publication day a cluster's first publication may lie
PUBLISHED_LOOKBACK_DAYS = 7


@dataclass(slots=True)
class AddResult:
    """What happened to one record: ``status`` is "new", "duplicate" or "failed"."""
    document_id: str | None
    status: str
    events_added: int = 0
    error: str | None = None
    near_duplicate_of: str | None = None
    code: str | None = None


def cluster_id_for(document_id: str, event_index: int) -> str:
    """The public id of the cluster a report founds (stable: derived from that report)."""
    return "ev" + hashlib.sha1(f"{document_id}\x1f{event_index}".encode("utf-8")).hexdigest()[:16]


class ClusterState:
    """A cluster being written: its row, and whether it is new or changed."""
    __slots__ = ("row", "new", "dirty", "key")

    def __init__(self, row: dict[str, Any], new: bool) -> None:
        self.row = row
        self.new = new
        self.dirty = new
        self.key = dedup.EventKey.from_row(row)

    @classmethod
    def found(cls, report: PreparedReport, doc: PreparedDoc, origin: str, now: float) -> "ClusterState":
        r = report.row
        row = {c.name: r.get(c.name) for c in event_clusters.columns if c.name in r}
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
        return cls(row, new=True)

    def absorb(self, report: PreparedReport, doc: PreparedDoc, origin: str, now: float) -> None:
        """Add a report: counts, the lowest fatality figure, the most precise date and
        place, actors and ACLED codes the cluster lacked."""
        row, r = self.row, report.row
        row["report_count"] += 1
        doc_ids = json.loads(row["document_ids"])
        if doc.id not in doc_ids:
            doc_ids.append(doc.id)
            row["document_ids"] = json.dumps(doc_ids, ensure_ascii=False)
            row["document_count"] = len(doc_ids)
        origins = json.loads(row["origin_ids"])
        if origin not in origins:
            origins.append(origin)
            row["origin_ids"] = json.dumps(origins, ensure_ascii=False)
            row["source_count"] = len(origins)
        sources = json.loads(row["sources"])
        if r["source"] and r["source"] not in sources:
            sources.append(r["source"])
            row["sources"] = json.dumps(sources, ensure_ascii=False)
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


def _chunks(values: list[Any], size: int = IN_CHUNK) -> Iterable[list[Any]]:
    for i in range(0, len(values), size):
        yield values[i:i + size]


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _days(center: date, before: int, after: int) -> list[str]:
    return [(center + timedelta(days=k)).isoformat() for k in range(-before, after + 1)]


class _ClusterIndex:
    """Candidate clusters of one batch, looked up by (type, date) and (type, first
    publication day); loaded from the database with one query per PLOVER type."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.by_date: dict[tuple[str, str], list[ClusterState]] = {}
        self.by_pub: dict[tuple[str, str], list[ClusterState]] = {}

    @staticmethod
    def windows(report: PreparedReport) -> tuple[list[str], list[str]]:
        row = report.row
        date_days: list[str] = []
        d = _day(row["date"])
        if d and row["date_precision"] in ("day", "week"):
            date_days = _days(d, 7, 7)
        pub_days: list[str] = []
        p = _day(row["published"])
        if p:
            pub_days = _days(p, PUBLISHED_LOOKBACK_DAYS, 0)
        return date_days, pub_days

    def load(self, reports: list[PreparedReport]) -> None:
        wanted: dict[str, tuple[set[str], set[str]]] = {}
        for report in reports:
            date_days, pub_days = self.windows(report)
            dates, pubs = wanted.setdefault(report.row["plover_type"], (set(), set()))
            dates.update(date_days)
            pubs.update(pub_days)
        seen: set[str] = set()
        for ptype, (dates, pubs) in wanted.items():
            for column, days in ((event_clusters.c.date, sorted(dates)),
                                 (event_clusters.c.published_min, sorted(pubs))):
                for chunk in _chunks(days):
                    stmt = (select(event_clusters)
                            .where(event_clusters.c.plover_type == ptype,
                                   event_clusters.c.flagged.is_(False),
                                   column.in_(chunk)))
                    if self.conn.dialect.name == "postgresql":
                        stmt = stmt.with_for_update()
                    for row in self.conn.execute(stmt).mappings():
                        if row["id"] not in seen:
                            seen.add(row["id"])
                            self.add(ClusterState(dict(row), new=False))

    def add(self, cluster: ClusterState) -> None:
        row = cluster.row
        if row["date"]:
            self.by_date.setdefault((row["plover_type"], row["date"]), []).append(cluster)
        if row["published_min"]:
            self.by_pub.setdefault((row["plover_type"], row["published_min"]), []).append(cluster)

    def reindex(self, cluster: ClusterState, old_date: str | None, old_pub: str | None) -> None:
        row = cluster.row
        if old_date != row["date"] or old_pub != row["published_min"]:
            for bucket, key in ((self.by_date, old_date), (self.by_pub, old_pub)):
                if key:
                    members = bucket.get((row["plover_type"], key), [])
                    if cluster in members:
                        members.remove(cluster)
            self.add(cluster)

    def best_match(self, report: PreparedReport) -> ClusterState | None:
        date_days, pub_days = self.windows(report)
        ptype = report.row["plover_type"]
        candidates: dict[str, ClusterState] = {}
        for day in date_days:
            for c in self.by_date.get((ptype, day), ()):
                candidates[c.row["id"]] = c
        for day in pub_days:
            for c in self.by_pub.get((ptype, day), ()):
                candidates[c.row["id"]] = c
        best, best_score = None, None
        d = _day(report.row["date"])
        for c in candidates.values():
            if not dedup.compatible(report.key, c.key):
                continue
            cd = _day(c.row["date"])
            score = (abs((cd - d).days) if cd and d else 99, -c.row["report_count"], c.row["created_at"])
            if best_score is None or score < best_score:
                best, best_score = c, score
        return best


def write_batch(conn: Connection, docs: list[PreparedDoc]) -> list[AddResult]:
    """Write ``docs`` on ``conn`` (inside the caller's transaction); one result per doc."""
    now = time.time()
    results: list[AddResult | None] = [None] * len(docs)

    # 1. exact duplicates: id, normalised URL, normalised text
    ids = [d.id for d in docs]
    url_keys = [d.url_key for d in docs if d.url_key]
    hashes = [d.features.content_hash for d in docs]
    have_ids: set[str] = set()
    by_url: dict[str, str] = {}
    by_hash: dict[str, str] = {}
    for chunk in _chunks(ids):
        have_ids.update(conn.execute(select(documents.c.id).where(documents.c.id.in_(chunk))).scalars())
    for chunk in _chunks(url_keys):
        by_url.update(conn.execute(select(documents.c.url_key, documents.c.id)
                                   .where(documents.c.url_key.in_(chunk))).all())
    for chunk in _chunks(hashes):
        by_hash.update(conn.execute(select(documents.c.content_hash, documents.c.id)
                                    .where(documents.c.content_hash.in_(chunk))).all())
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
    for chunk in _chunks(band_values):
        rows = conn.execute(
            select(document_bands.c.band, documents.c.id, documents.c.minhash,
                   documents.c.near_duplicate_of)
            .join(documents, documents.c.id == document_bands.c.document_id)
            .where(document_bands.c.band.in_(chunk)))
        for band, doc_id, sig, root in rows:
            band_docs.setdefault(band, []).append(doc_id)
            signatures[doc_id] = (sig, root or doc_id)
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
    index = _ClusterIndex(conn)
    index.load([r for i in accepted for r in docs[i].reports if not r.flagged])
    clusters: dict[str, ClusterState] = {}
    report_rows: list[dict[str, Any]] = []
    for i in accepted:
        doc = docs[i]
        origin = doc.row["near_duplicate_of"] or doc.id
        for report in doc.reports:
            target = None if report.flagged else index.best_match(report)
            if target is None:
                target = ClusterState.found(report, doc, origin, now)
                if not report.flagged:
                    index.add(target)
            else:
                old_date, old_pub = target.row["date"], target.row["published_min"]
                target.absorb(report, doc, origin, now)
                index.reindex(target, old_date, old_pub)
            clusters[target.row["id"]] = target
            report_rows.append({**report.row, "document_id": doc.id, "cluster_id": target.row["id"]})
        results[i] = AddResult(doc.id, "new", len(doc.reports),
                               near_duplicate_of=doc.row["near_duplicate_of"])

    # 4. rows, parents first
    if accepted:
        conn.execute(documents.insert(), [docs[i].row for i in accepted])
        raws = [{"document_id": docs[i].id, "raw": docs[i].raw} for i in accepted if docs[i].raw]
        if raws:
            conn.execute(document_raw.insert(), raws)
        bands = [{"band": b, "document_id": docs[i].id} for i in accepted for b in docs[i].features.bands]
        if bands:
            conn.execute(document_bands.insert(), bands)
    new_clusters = [c.row for c in clusters.values() if c.new]
    if new_clusters:
        conn.execute(event_clusters.insert(), new_clusters)
    changed = [c.row for c in clusters.values() if not c.new and c.dirty]
    if changed:
        columns = [c.name for c in event_clusters.columns if c.name != "id"]
        stmt = update(event_clusters).where(event_clusters.c.id == bindparam("_id"))
        conn.execute(stmt, [{**{k: row[k] for k in columns}, "_id": row["id"]} for row in changed])
    if report_rows:
        conn.execute(event_reports.insert(), report_rows)
    return [r for r in results if r is not None]
