"""The listing indexes in page order (migration 0005): a default page (day descending, then
id) walks its index without sorting, gives the same events as before the migration, and an
old store gets the indexes when it is opened."""
from __future__ import annotations

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import text

from rasd.api.synthetic import synthetic_records
from rasd.store import EventQuery, open_store
from rasd.store.db import make_engine, resolve_url
from rasd.store.query import select_events
from rasd.store.schema import HEAD

# The filters of the API's listings and map, each with the index it should walk.
INDEXED = [
    (EventQuery(), "ix_event_clusters_flagged_day"),
    (EventQuery(country="SYR"), "ix_event_clusters_country_day"),
    (EventQuery(country="YEM", type="ASSAULT"), "ix_event_clusters_type_country_day"),
    (EventQuery(type="PROTEST"), "ix_event_clusters_type_day"),
    (EventQuery(admin1="Idlib"), "ix_event_clusters_admin1_day"),
    (EventQuery(admin1="Nineveh", type="ASSAULT"), "ix_event_clusters_admin1_type_day"),
]

# Pages of every order, from the first to past the end, on filters with many events a day.
PAGES = [EventQuery(**{**q.__dict__, "limit": limit, "offset": offset, "order": order})
         for q, _ in INDEXED
         for order in ("date_desc", "date_asc", "fatalities_desc", "sources_desc")
         for limit, offset in ((20, 0), (20, 35), (7, 150), (None, 0))]


def _records(count: int, seed: int) -> list[dict]:
    # 60 days: about ten events a day, so that the order among the events of a day matters
    records = list(synthetic_records(count, seed=seed, events=2, days=60, jitter=1.5, filler=12))
    for i, record in enumerate(records):
        record["document"]["id"] = f"list-{seed}-{i}"
    return records


def _at_revision(path, revision: str):
    """A store migrated to ``revision`` only (the code of that revision's time)."""
    from rasd.store.store import Store
    engine = make_engine(resolve_url(path))
    cfg = Config()
    cfg.set_main_option("script_location", "rasd.store:migrations")
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    return Store(engine)


def _pages(store) -> list[list[str]]:
    return [[e["id"] for e in store.query_events(q)] for q in PAGES]


def _plan(store, q: EventQuery) -> str:
    with store.engine.connect() as conn:
        compiled = select_events(q).compile(conn, compile_kwargs={"literal_binds": True})
        return " | ".join(row[-1] for row in conn.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))


@pytest.fixture(scope="module")
def upgraded(tmp_path_factory):
    """A store filled at revision 0004, its pages then, and the store opened again
    (upgraded to the head)."""
    path = tmp_path_factory.mktemp("listing") / "events.sqlite"
    old = _at_revision(path, "0004")
    old.add_records(_records(300, seed=11))
    before = _pages(old)
    old.close()
    store = open_store(path)
    yield store, before
    store.close()


def test_an_old_store_gets_the_ordered_indexes_on_open(upgraded):
    store, _ = upgraded
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD
        sql = dict(conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'index'")).all())
    for _, name in INDEXED:
        assert "coalesce(date, published_min) DESC, id)" in sql[name], sql[name]


def test_pages_are_the_same_as_before_the_migration(upgraded):
    store, before = upgraded
    after = _pages(store)
    assert after == before
    assert sum(len(page) > 0 for page in after) >= len(PAGES) * 3 // 4


def test_default_pages_are_in_day_then_id_order(upgraded):
    store, _ = upgraded
    for q, _ in INDEXED:
        events = store.query_events(EventQuery(**{**q.__dict__, "limit": None}))
        keys = [(e["date"] or e["published"], e["id"]) for e in events]
        assert len(events) > 20, q
        assert len({day for day, _ in keys}) < len(keys)  # some days have several events
        by_id = sorted(keys, key=lambda k: k[1])
        assert keys == sorted(by_id, key=lambda k: k[0], reverse=True)  # a stable sort keeps the id order


@pytest.mark.parametrize("q, index", INDEXED)
def test_default_pages_walk_their_index_without_sorting(upgraded, q, index):
    store, _ = upgraded
    for offset in (0, 5000):
        plan = _plan(store, EventQuery(**{**q.__dict__, "limit": 50, "offset": offset}))
        assert f"USING INDEX {index} " in plan, plan
        assert "TEMP B-TREE" not in plan, plan


def test_a_new_store_has_the_same_indexes(tmp_path):
    store = open_store(tmp_path / "new.sqlite")
    store.add_records(_records(40, seed=12))
    for q, index in INDEXED:
        plan = _plan(store, EventQuery(**{**q.__dict__, "limit": 50}))
        assert f"USING INDEX {index} " in plan and "TEMP B-TREE" not in plan, plan
    store.close()


def _pg_plan(store, q: EventQuery) -> str:
    with store.engine.connect() as conn:
        # a table this small would be read whole or through a bitmap, then sorted
        conn.exec_driver_sql("SET enable_seqscan = off")
        conn.exec_driver_sql("SET enable_bitmapscan = off")
        compiled = select_events(q).compile(conn, compile_kwargs={"literal_binds": True})
        return " | ".join(row[0] for row in conn.execute(text(f"EXPLAIN {compiled}")))


@pytest.mark.postgres
def test_on_postgresql_pages_are_unchanged_and_walk_their_index(pg_database):
    old = _at_revision(pg_database, "0004")
    old.add_records(_records(200, seed=13))
    before = _pages(old)
    old.close()
    store = open_store(pg_database)
    try:
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD
        assert _pages(store) == before
        with store.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE event_clusters")
        for q, _ in INDEXED:
            # the planner may prefer the flagged index for a common country on so few rows;
            # either listing index gives the page in order
            plan = _pg_plan(store, EventQuery(**{**q.__dict__, "limit": 50, "offset": 100}))
            assert "Index Scan using ix_event_clusters_" in plan and "Sort" not in plan, plan
    finally:
        store.close()


def test_listed_events_are_the_events_read_one_by_one(upgraded):
    """A page's rows (built from the listed columns) equal the single event read with
    every column, less its reports."""
    store, _ = upgraded
    page = store.query_events(EventQuery(country="SYR", limit=40, offset=10))
    assert len(page) == 40
    for event in page:
        single = store.get_event(event["id"])
        single.pop("reports")
        assert event == single
        assert isinstance(event["document_ids"], list) and event["document_ids"]
        assert isinstance(event["flagged"], bool) and event["outlet_count"] == event["source_count"]
