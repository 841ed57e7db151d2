"""PostgreSQL storage settings for the writer: lz4 compression of the large text columns,
free room in the cluster pages for updates in place.

- ``documents.text``, ``meta_json``, ``entities_json`` and ``event_reports.record_json``
  are compressed with lz4 instead of pglz (PostgreSQL 14 and later, when the server is
  built with lz4): a document row is about 15 KB before compression, and compressing it
  with pglz was most of the server's time in the documents ``COPY`` (lz4: about 2.5 times
  faster, the table about a quarter larger). Values written before keep their pglz
  compression; both read the same.
- ``event_clusters`` gets ``fillfactor = 70``: a cluster absorbing a report is updated
  every batch, and with room left in its page PostgreSQL updates it in place (a HOT
  update) whenever no indexed column changed, without adding an entry to each of the
  table's fourteen indexes (two of them trigram GIN indexes). Pages written before fill
  as they did.

Nothing stored changes. When lz4 is unavailable the columns keep pglz (the attempt runs
in a savepoint). SQLite is left as it is.

Revision ID: 0007
Revises: 0006
"""
import logging

from alembic import op
from sqlalchemy.exc import DBAPIError

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

log = logging.getLogger(__name__)

COMPRESSED_COLUMNS = {
    "documents": ("text", "meta_json", "entities_json"),
    "event_reports": ("record_json",),
}
CLUSTER_FILLFACTOR = 70


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _set_compression(method: str) -> bool:
    """Compress the large columns with ``method``; False (and nothing changed) when the
    server does not support it."""
    bind = op.get_bind()
    try:
        with bind.begin_nested():
            for table, columns in COMPRESSED_COLUMNS.items():
                clauses = ", ".join(f"ALTER COLUMN {c} SET COMPRESSION {method}" for c in columns)
                bind.exec_driver_sql(f"ALTER TABLE {table} {clauses}")
    except DBAPIError as exc:
        log.warning("%s compression is not available (%s); the text columns keep the default",
                    method, str(exc.orig).strip().splitlines()[0])
        return False
    return True


def upgrade() -> None:
    if not _postgresql():
        return
    _set_compression("lz4")
    op.execute(f"ALTER TABLE event_clusters SET (fillfactor = {CLUSTER_FILLFACTOR})")


def downgrade() -> None:
    if not _postgresql():
        return
    op.execute("ALTER TABLE event_clusters RESET (fillfactor)")
    _set_compression("default")
