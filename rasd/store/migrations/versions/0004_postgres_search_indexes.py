"""PostgreSQL search indexes: pg_trgm GIN indexes over the folded search and actor text,
a (lat, lon) btree for the ``near`` box, and the province indexes (alone and with the
event type).

The ``text`` and ``actor`` filters are ``LIKE '%word%'`` tests, which a pg_trgm GIN index
answers as they are (the planner rechecks each candidate row, so the results are those of
the scan). When the ``pg_trgm`` extension cannot be created (not installed, or the role
may not create it) the trigram indexes are skipped and those filters scan as before. The
``near`` filter adds a lat/lon box around its disc (see ``rasd.store.query._near``),
which the btree narrows to a band of latitudes. SQLite is left as it is (its indexes are
migration 0003's).

Revision ID: 0004
Revises: 0003
"""
import logging

from alembic import op
from sqlalchemy.exc import DBAPIError

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

log = logging.getLogger(__name__)

_TRIGRAM = [
    "CREATE INDEX ix_event_clusters_search_trgm ON event_clusters USING gin (search_text gin_trgm_ops)",
    "CREATE INDEX ix_event_clusters_actor_trgm ON event_clusters USING gin (actor_text gin_trgm_ops)",
]

_BTREE = [
    "CREATE INDEX ix_event_clusters_point ON event_clusters (lat, lon)",
    "CREATE INDEX ix_event_clusters_admin1_day ON event_clusters "
    "(lower(admin1), flagged, coalesce(date, published_min))",
    "CREATE INDEX ix_event_clusters_admin1_type_day ON event_clusters "
    "(lower(admin1), plover_type, flagged, coalesce(date, published_min))",
]

_INDEXES = ("ix_event_clusters_admin1_type_day", "ix_event_clusters_admin1_day",
            "ix_event_clusters_point", "ix_event_clusters_actor_trgm", "ix_event_clusters_search_trgm")


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _has_trigram() -> bool:
    """Create ``pg_trgm`` if it is not there; False when that fails (the transaction
    goes on: the attempt runs in a savepoint)."""
    bind = op.get_bind()
    try:
        with bind.begin_nested():
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DBAPIError as exc:
        log.warning("pg_trgm is not available (%s); the text and actor filters will scan",
                    str(exc.orig).strip().splitlines()[0])
        return False
    return True


def upgrade() -> None:
    if not _postgresql():
        return
    for sql in _BTREE:
        op.execute(sql)
    if _has_trigram():
        for sql in _TRIGRAM:
            op.execute(sql)


def downgrade() -> None:
    if _postgresql():
        for name in _INDEXES:
            op.execute(f"DROP INDEX IF EXISTS {name}")
