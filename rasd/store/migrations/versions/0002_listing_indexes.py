"""Indexes for the filtered, date-ordered event listings of the API and `rasd events`.

Every listing filters on `flagged` (and often type or country) and orders by the event's
date, `coalesce(date, published_min)`; without these a page sorts its whole match set
(p99 537 ms → 118 ms on 118k events, see docs/web.md).

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

EVENT_DATE = sa.text("coalesce(date, published_min)")


def upgrade() -> None:
    op.create_index("ix_event_clusters_flagged_day", "event_clusters",
                    [sa.column("flagged"), EVENT_DATE, sa.column("id")])
    op.create_index("ix_event_clusters_type_country_day", "event_clusters",
                    [sa.column("plover_type"), sa.column("country"), sa.column("flagged"), EVENT_DATE])
    op.create_index("ix_event_clusters_country_day", "event_clusters",
                    [sa.column("country"), sa.column("flagged"), EVENT_DATE])
    op.create_index("ix_event_clusters_type_day", "event_clusters",
                    [sa.column("plover_type"), sa.column("flagged"), EVENT_DATE])


def downgrade() -> None:
    for name in ("ix_event_clusters_type_day", "ix_event_clusters_country_day",
                 "ix_event_clusters_type_country_day", "ix_event_clusters_flagged_day"):
        op.drop_index(name, table_name="event_clusters")
