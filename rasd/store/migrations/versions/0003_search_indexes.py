"""SQLite search indexes: full-text (FTS5 trigram) over the folded search and actor text,
an R*Tree over the event points, and province indexes (alone and with the event type).

Without them the ``text``, ``actor`` and ``near`` filters read every cluster (p99 3–4 s
at 117k events and 8 clients, see docs/web.md). The FTS5 and R*Tree rows are keyed by
``event_search_keys.key``, an integer given to each cluster id once (the clusters table
has a text primary key, and its implicit rowid may change on VACUUM). Triggers keep the
three tables in step with every insert, update and delete of ``event_clusters``, whatever
code writes it; the upgrade fills them from the existing clusters.

The trigram tokenizer matches substrings, as the ``LIKE '%word%'`` filters do (words of
three characters or more; shorter ones keep their LIKE test): the text is lower-cased, so
the case-sensitive index selects what LIKE selected. PostgreSQL
is left as it was (its filters run as before).

Revision ID: 0003
Revises: 0002
"""
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_KEY = "(SELECT key FROM event_search_keys WHERE cluster_id = {}.id)"

_UPGRADE = [
    "CREATE TABLE event_search_keys (key INTEGER PRIMARY KEY, cluster_id VARCHAR(32) NOT NULL UNIQUE)",
    "CREATE VIRTUAL TABLE event_fts USING fts5(search_text, actor_text, content='', tokenize='trigram case_sensitive 1')",
    "CREATE VIRTUAL TABLE event_rtree USING rtree(key, min_lat, max_lat, min_lon, max_lon)",
    "INSERT INTO event_search_keys (cluster_id) SELECT id FROM event_clusters ORDER BY rowid",
    "INSERT INTO event_fts (rowid, search_text, actor_text) SELECT k.key, c.search_text, c.actor_text "
    "FROM event_search_keys k JOIN event_clusters c ON c.id = k.cluster_id",
    "INSERT INTO event_rtree (key, min_lat, max_lat, min_lon, max_lon) SELECT k.key, c.lat, c.lat, c.lon, c.lon "
    "FROM event_search_keys k JOIN event_clusters c ON c.id = k.cluster_id "
    "WHERE c.lat IS NOT NULL AND c.lon IS NOT NULL",
    "CREATE INDEX ix_event_clusters_admin1_day ON event_clusters "
    "(lower(admin1), flagged, coalesce(date, published_min))",
    "CREATE INDEX ix_event_clusters_admin1_type_day ON event_clusters "
    "(lower(admin1), plover_type, flagged, coalesce(date, published_min))",
    f"""CREATE TRIGGER event_clusters_search_insert AFTER INSERT ON event_clusters BEGIN
        INSERT INTO event_search_keys (cluster_id) VALUES (new.id);
        INSERT INTO event_fts (rowid, search_text, actor_text)
            VALUES ({_KEY.format('new')}, new.search_text, new.actor_text);
        INSERT INTO event_rtree (key, min_lat, max_lat, min_lon, max_lon)
            SELECT {_KEY.format('new')}, new.lat, new.lat, new.lon, new.lon
            WHERE new.lat IS NOT NULL AND new.lon IS NOT NULL;
    END""",
    f"""CREATE TRIGGER event_clusters_search_text AFTER UPDATE OF search_text, actor_text ON event_clusters
    WHEN old.search_text IS NOT new.search_text OR old.actor_text IS NOT new.actor_text BEGIN
        INSERT INTO event_fts (event_fts, rowid, search_text, actor_text)
            VALUES ('delete', {_KEY.format('old')}, old.search_text, old.actor_text);
        INSERT INTO event_fts (rowid, search_text, actor_text)
            VALUES ({_KEY.format('new')}, new.search_text, new.actor_text);
    END""",
    f"""CREATE TRIGGER event_clusters_search_point AFTER UPDATE OF lat, lon ON event_clusters
    WHEN old.lat IS NOT new.lat OR old.lon IS NOT new.lon BEGIN
        DELETE FROM event_rtree WHERE key = {_KEY.format('old')};
        INSERT INTO event_rtree (key, min_lat, max_lat, min_lon, max_lon)
            SELECT {_KEY.format('new')}, new.lat, new.lat, new.lon, new.lon
            WHERE new.lat IS NOT NULL AND new.lon IS NOT NULL;
    END""",
    """CREATE TRIGGER event_clusters_search_id AFTER UPDATE OF id ON event_clusters
    WHEN old.id IS NOT new.id BEGIN
        UPDATE event_search_keys SET cluster_id = new.id WHERE cluster_id = old.id;
    END""",
    f"""CREATE TRIGGER event_clusters_search_delete AFTER DELETE ON event_clusters BEGIN
        INSERT INTO event_fts (event_fts, rowid, search_text, actor_text)
            VALUES ('delete', {_KEY.format('old')}, old.search_text, old.actor_text);
        DELETE FROM event_rtree WHERE key = {_KEY.format('old')};
        DELETE FROM event_search_keys WHERE cluster_id = old.id;
    END""",
]

_DOWNGRADE = [
    *(f"DROP TRIGGER {name}" for name in (
        "event_clusters_search_delete", "event_clusters_search_id", "event_clusters_search_point",
        "event_clusters_search_text", "event_clusters_search_insert")),
    "DROP INDEX ix_event_clusters_admin1_type_day",
    "DROP INDEX ix_event_clusters_admin1_day",
    "DROP TABLE event_rtree",
    "DROP TABLE event_fts",
    "DROP TABLE event_search_keys",
]


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    if _sqlite():
        for sql in _UPGRADE:
            op.execute(sql)


def downgrade() -> None:
    if _sqlite():
        for sql in _DOWNGRADE:
            op.execute(sql)
