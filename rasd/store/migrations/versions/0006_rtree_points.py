"""The R*Tree of the event points keeps each point exactly, and whether it is flagged.

The R*Tree of migration 0003 holds each point as a box of 32-bit floats (rounded
outwards): it finds the candidates of a ``near`` disc, but the distance test then read
every candidate's cluster row (a count of an 80 km disc, 5,000 events: 20 ms alone). Its
rebuild adds the exact latitude and longitude and the cluster's ``flagged`` as auxiliary
columns, so that a query filtered by ``near`` alone is counted from the R*Tree without
reading a cluster (the same distance test on the same 64-bit values). The triggers of
0003 that write it are rebuilt to fill the new columns, and follow changes of
``flagged`` too. PostgreSQL is left as it was.

Revision ID: 0006
Revises: 0005
"""
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_KEY = "(SELECT key FROM event_search_keys WHERE cluster_id = {}.id)"


def _triggers(columns: str, values: str, watched: str) -> list[str]:
    """The three triggers that write the R*Tree: a new cluster, a changed point (or flag),
    a deleted cluster (it also drops the search key and the text)."""
    changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in watched.split(", "))
    insert = (f"INSERT INTO event_rtree ({columns}) SELECT {_KEY.format('new')}, {values} "
              "WHERE new.lat IS NOT NULL AND new.lon IS NOT NULL;")
    return [
        f"""CREATE TRIGGER event_clusters_search_insert AFTER INSERT ON event_clusters BEGIN
        INSERT INTO event_search_keys (cluster_id) VALUES (new.id);
        INSERT INTO event_fts (rowid, search_text, actor_text)
            VALUES ({_KEY.format('new')}, new.search_text, new.actor_text);
        {insert}
    END""",
        f"""CREATE TRIGGER event_clusters_search_point AFTER UPDATE OF {watched} ON event_clusters
    WHEN {changed} BEGIN
        DELETE FROM event_rtree WHERE key = {_KEY.format('old')};
        {insert}
    END""",
        f"""CREATE TRIGGER event_clusters_search_delete AFTER DELETE ON event_clusters BEGIN
        INSERT INTO event_fts (event_fts, rowid, search_text, actor_text)
            VALUES ('delete', {_KEY.format('old')}, old.search_text, old.actor_text);
        DELETE FROM event_rtree WHERE key = {_KEY.format('old')};
        DELETE FROM event_search_keys WHERE cluster_id = old.id;
    END""",
    ]


_OLD = ("rtree(key, min_lat, max_lat, min_lon, max_lon)", "key, min_lat, max_lat, min_lon, max_lon",
        "new.lat, new.lat, new.lon, new.lon", "c.lat, c.lat, c.lon, c.lon", "lat, lon")
_NEW = ("rtree(key, min_lat, max_lat, min_lon, max_lon, +lat, +lon, +flagged)",
        "key, min_lat, max_lat, min_lon, max_lon, lat, lon, flagged",
        "new.lat, new.lat, new.lon, new.lon, new.lat, new.lon, new.flagged",
        "c.lat, c.lat, c.lon, c.lon, c.lat, c.lon, c.flagged", "lat, lon, flagged")


def _rebuild(spec: tuple[str, str, str, str, str]) -> None:
    definition, columns, values, from_clusters, watched = spec
    for name in ("event_clusters_search_insert", "event_clusters_search_point", "event_clusters_search_delete"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS event_rtree")
    op.execute(f"CREATE VIRTUAL TABLE event_rtree USING {definition}")
    op.execute(f"INSERT INTO event_rtree ({columns}) SELECT k.key, {from_clusters} "
               "FROM event_search_keys k JOIN event_clusters c ON c.id = k.cluster_id "
               "WHERE c.lat IS NOT NULL AND c.lon IS NOT NULL")
    for sql in _triggers(columns, values, watched):
        op.execute(sql)


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    if _sqlite():
        _rebuild(_NEW)


def downgrade() -> None:
    if _sqlite():
        _rebuild(_OLD)
