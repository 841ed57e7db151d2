"""Listing indexes in page order: the event's day descending, then the cluster id.

The default listing order is ``coalesce(date, published_min) DESC, id``. The indexes of
migrations 0002 and 0003 end with the day alone, so a page still sorted the clusters of
each day by id (``USE TEMP B-TREE FOR RIGHT PART OF ORDER BY``) and a page deep in a
filter (``offset`` 5,000) read every cluster up to its end to do so. Each listing index
is rebuilt with the day descending and the id after it: a page then walks its index in
order and stops after ``offset + limit`` entries. The other orders keep a sort by id
among events of the same day (or their own sort, as before). Both back ends; opening an
older store builds them (a few seconds at 100k events).

Revision ID: 0005
Revises: 0004
"""
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_DAY = "coalesce(date, published_min)"

# The columns before the day, by index name; the indexes of 0002 (both back ends) and the
# province indexes of 0003 (SQLite) and 0004 (PostgreSQL).
_PREFIXES = {
    "ix_event_clusters_flagged_day": "flagged",
    "ix_event_clusters_type_country_day": "plover_type, country, flagged",
    "ix_event_clusters_country_day": "country, flagged",
    "ix_event_clusters_type_day": "plover_type, flagged",
    "ix_event_clusters_admin1_day": "lower(admin1), flagged",
    "ix_event_clusters_admin1_type_day": "lower(admin1), plover_type, flagged",
}


def _rebuild(name: str, columns: str) -> None:
    op.execute(f"DROP INDEX IF EXISTS {name}")
    op.execute(f"CREATE INDEX {name} ON event_clusters ({columns})")


def upgrade() -> None:
    for name, prefix in _PREFIXES.items():
        _rebuild(name, f"{prefix}, {_DAY} DESC, id")


def downgrade() -> None:
    # the definitions of 0002-0004: the day ascending; only the flagged index ends with the id
    for name, prefix in _PREFIXES.items():
        tail = ", id" if name == "ix_event_clusters_flagged_day" else ""
        _rebuild(name, f"{prefix}, {_DAY}{tail}")
