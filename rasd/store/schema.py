"""The event store's tables (SQLAlchemy Core) and their migrations.

Tables, in the order data flows into them:

- ``documents``: one row per stored article (its text, metadata, entities as JSON, the
  normalised URL and content hash that make ingestion idempotent, the MinHash signature
  used to link near-duplicate copies).
- ``document_bands``: the MinHash LSH band keys of each document, indexed, so that the
  near-duplicate candidates of a new article are found with one indexed lookup.
- ``document_raw``: the raw input (HTML page, feed item) when the caller keeps it.
- ``event_reports``: one row per extracted event (an event *report*), with the flat fields
  queries filter on and the contract event dict as JSON.
- ``event_clusters``: the de-duplicated events. A report belongs to exactly one cluster;
  the cluster id is the public event id and never changes when the cluster grows.
- SQLite only, kept by triggers (migration 0003): ``event_search_keys`` (an integer key
  per cluster id), ``event_fts`` (FTS5 trigram index of ``search_text`` and
  ``actor_text``) and ``event_rtree`` (R*Tree of the event points), by that key.
- PostgreSQL only (migration 0004): pg_trgm GIN indexes on ``search_text`` and
  ``actor_text`` (when the extension can be created), a (lat, lon) btree, province indexes.
- Both (migration 0005): the listing and province indexes end with the event's day
  descending and the cluster id, the order of a default page.
- SQLite (migration 0006): ``event_rtree`` also holds each exact point and the cluster's
  ``flagged`` (auxiliary columns), so that a ``near`` count reads no cluster.
- PostgreSQL (migration 0007): lz4 compression of the documents' text and JSON and of the
  reports' JSON, ``fillfactor = 70`` on ``event_clusters`` (room for in-place updates).

The schema is versioned with alembic (``rasd/store/migrations``); :data:`HEAD` is the
revision this code expects and :func:`ensure_schema` upgrades older databases.
"""
from __future__ import annotations

import logging

from sqlalchemy import (
    BigInteger, Boolean, Column, Float, ForeignKey, Index, Integer, LargeBinary, MetaData,
    String, Table, Text, column, func, inspect, table, text,
)
from sqlalchemy.engine import Connection, Engine

__all__ = ["metadata", "documents", "document_bands", "document_raw", "event_reports",
           "event_clusters", "store_meta", "event_search_keys", "event_fts", "event_rtree",
           "HEAD", "ensure_schema"]

log = logging.getLogger(__name__)

# The alembic revision the code expects; a test checks it equals the migrations' head.
HEAD = "0007"

metadata = MetaData()

documents = Table(
    "documents", metadata,
    Column("id", String(255), primary_key=True),
    Column("url", Text),
    Column("url_key", String(64)),          # sha1 of the normalised URL
    Column("content_hash", String(64), nullable=False),  # sha1 of the folded, squeezed text
    Column("title", Text),
    Column("source", Text),
    Column("published", String(10)),        # YYYY-MM-DD
    Column("language", String(16)),
    Column("text", Text, nullable=False),
    Column("meta_json", Text),              # other document fields of the record
    Column("entities_json", Text),
    Column("minhash", LargeBinary),         # NUM_PERM little-endian uint32
    Column("near_duplicate_of", String(255)),
    Column("similarity", Float),            # estimated Jaccard with near_duplicate_of
    Column("event_count", Integer, nullable=False, default=0),
    Column("added_at", Float, nullable=False),  # unix time
    Index("ix_documents_url_key", "url_key", unique=True),
    Index("ix_documents_content_hash", "content_hash", unique=True),
    Index("ix_documents_near_duplicate_of", "near_duplicate_of"),
    Index("ix_documents_published", "published"),
)

document_bands = Table(
    "document_bands", metadata,
    Column("band", BigInteger, nullable=False),  # signed 64-bit hash of (band number, rows)
    Column("document_id", String(255), ForeignKey("documents.id", ondelete="CASCADE"),
           nullable=False),
    Index("ix_document_bands_band", "band"),
    Index("ix_document_bands_document_id", "document_id"),
)

document_raw = Table(
    "document_raw", metadata,
    Column("document_id", String(255), ForeignKey("documents.id", ondelete="CASCADE"),
           primary_key=True),
    Column("raw", Text, nullable=False),
)

# Fields shared by a report and its cluster (the cluster holds the merged values).
def _event_columns() -> list[Column]:
    return [
        Column("plover_type", String(16), nullable=False),
        Column("plover_mode", String(64)),
        Column("acled_event_type", String(64)),
        Column("acled_sub_event_type", String(128)),
        Column("cameo", String(8)),
        Column("date", String(10)),            # YYYY-MM-DD, or NULL when unknown
        Column("date_precision", String(16)),
        Column("actor1_name", Text), Column("actor1_id", String(255)),
        Column("actor1_country", String(8)), Column("actor1_sector", String(8)),
        Column("actor2_name", Text), Column("actor2_id", String(255)),
        Column("actor2_country", String(8)), Column("actor2_sector", String(8)),
        Column("location_name", Text), Column("location_name_ar", Text),
        Column("admin1", Text), Column("admin2", Text), Column("country", String(8)),
        Column("lat", Float), Column("lon", Float), Column("geonameid", BigInteger),
        Column("location_precision", String(16)),
        Column("fatalities", Integer), Column("injuries", Integer),
        Column("trigger", Text), Column("sentence", Text),
        Column("negated", Boolean, nullable=False, default=False),
        Column("hypothetical", Boolean, nullable=False, default=False),
        Column("historical", Boolean, nullable=False, default=False),
    ]


event_clusters = Table(
    "event_clusters", metadata,
    Column("id", String(32), primary_key=True),
    *_event_columns(),
    Column("flagged", Boolean, nullable=False, default=False),
    Column("published_min", String(10)),
    Column("published_max", String(10)),
    Column("report_count", Integer, nullable=False),
    Column("document_count", Integer, nullable=False),
    Column("source_count", Integer, nullable=False),
    Column("document_ids", Text, nullable=False),   # JSON list, in the order reports came
    Column("origin_ids", Text, nullable=False),     # JSON list: documents, syndicated copies folded
    Column("sources", Text, nullable=False),        # JSON list of outlet names
    Column("search_text", Text, nullable=False),    # folded, lower-cased text for --text
    Column("actor_text", Text, nullable=False),     # folded, lower-cased actor names and ids
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    Index("ix_event_clusters_type_date", "plover_type", "date"),
    Index("ix_event_clusters_type_published", "plover_type", "published_min"),
    Index("ix_event_clusters_date", "date"),
    Index("ix_event_clusters_country", "country"),
)

# The listing indexes (migrations 0002, rebuilt by 0005): flagged/type/country, then the
# event's day descending and the id, the order of a default page.
_EVENT_DAY = func.coalesce(event_clusters.c.date, event_clusters.c.published_min)
_PAGE_ORDER = (_EVENT_DAY.desc(), event_clusters.c.id)
Index("ix_event_clusters_flagged_day", event_clusters.c.flagged, *_PAGE_ORDER)
Index("ix_event_clusters_type_country_day", event_clusters.c.plover_type, event_clusters.c.country,
      event_clusters.c.flagged, *_PAGE_ORDER)
Index("ix_event_clusters_country_day", event_clusters.c.country, event_clusters.c.flagged, *_PAGE_ORDER)
Index("ix_event_clusters_type_day", event_clusters.c.plover_type, event_clusters.c.flagged, *_PAGE_ORDER)

event_reports = Table(
    "event_reports", metadata,
    Column("document_id", String(255), ForeignKey("documents.id", ondelete="CASCADE"),
           primary_key=True),
    Column("event_index", Integer, primary_key=True),
    Column("event_id", String(255)),                 # the id the record gave it
    Column("cluster_id", String(32), ForeignKey("event_clusters.id"), nullable=False),
    *_event_columns(),
    Column("confidence", Float),
    Column("span_start", Integer), Column("span_end", Integer),
    Column("source", Text),
    Column("published", String(10)),
    Column("record_json", Text, nullable=False),     # the contract event dict
    Index("ix_event_reports_cluster_id", "cluster_id"),
)


# Small settings of the store; ``generation`` is bumped by every write transaction, which
# lets a writer know whether its in-memory cluster cache is still current.
store_meta = Table(
    "store_meta", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", BigInteger, nullable=False),
)

# The SQLite search tables of migration 0003, for queries only (outside ``metadata``: they
# are virtual tables and triggers that only the migration creates).
event_search_keys = table("event_search_keys", column("key"), column("cluster_id"))
event_fts = table("event_fts", column("rowid"), column("search_text"), column("actor_text"))
event_rtree = table("event_rtree", column("key"), column("min_lat"), column("max_lat"),
                    column("min_lon"), column("max_lon"),
                    # auxiliary columns (migration 0006): the exact point and the cluster's flag
                    column("lat"), column("lon"), column("flagged"))


def current_revision(conn: Connection) -> str | None:
    """The alembic revision the database is at, or None for an empty database."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def ensure_schema(engine: Engine) -> None:
    """Create or upgrade the schema to :data:`HEAD` (alembic, from package data)."""
    with engine.connect() as conn:
        if current_revision(conn) == HEAD:
            return
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", "rasd.store:migrations")
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        log.info("upgrading the store schema to revision %s", HEAD)
        command.upgrade(cfg, "head")
