"""The SQLite search indexes (migration 0003): the FTS5 trigram index behind ``text`` and
``actor``, the R*Tree behind ``near`` (with exact points and flags since 0006), the
province index; the same results as the full scan they replace, kept up to date by
triggers, and built when an old store is opened."""
from __future__ import annotations

import random
from dataclasses import replace

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import func, select, text

from rasd.api.synthetic import synthetic_records
from rasd.store import EventQuery, open_store
from rasd.store import query as store_query
from rasd.store.db import make_engine, resolve_url
from rasd.store.query import select_events
from rasd.store.schema import HEAD, event_clusters

# Folded forms (hamza, ta marbuta), clitics glued to a word (و، ل، ب، ال), several words,
# words under three letters (not in the trigram index), English and Arabic actors.
TEXT_QUERIES = ["مدنيين", "غارات جوية", "إدلب", "ادلب", "الشرطة", "الشرطه", "شرطة", "أسفرت", "اسفرت",
                "بالغارات", "مستشفى",
                "وقوات", "لقوات النظام", "قصف مدفعي الموصل", "في", "ل قصف", "دير الزور",
                "اشتباكات عنيفة بين", 'قصف "مدفعي', "100%", "no_such_word"]
ACTOR_QUERIES = ["Houthis", "houthis", "Syrian Army", "قوات النظام", "الحوثي", "تنظيم الدوله",
                 "is", "hayat tahrir", "nobody here"]
NEAR_QUERIES = [(35.93, 36.63, 20.0), (36.34, 43.13, 40.0), (13.58, 44.02, 80.0),
                (33.31, 44.36, 150.0), (36.2, 37.15, 5.0), (0.0, 0.0, 100.0), (89.9, 10.0, 50.0)]


def _records(count: int, seed: int) -> list[dict]:
    records = list(synthetic_records(count, seed=seed, events=2, days=60, jitter=1.5, filler=12))
    for i, record in enumerate(records):
        record["document"]["id"] = f"syn-{seed}-{i}"
    return records


def _queries() -> list[EventQuery]:
    out = [EventQuery(text=t, limit=None) for t in TEXT_QUERIES]
    out += [EventQuery(actor=a, limit=None) for a in ACTOR_QUERIES]
    out += [EventQuery(near=n, limit=None) for n in NEAR_QUERIES]
    out += [EventQuery(near=(35.93, 36.63, 60.0), text="قصف", actor="Syrian", limit=None),
            EventQuery(text="مدنيين", include_flagged=True, order="date_asc", limit=None),
            EventQuery(admin1="idlib", limit=None), EventQuery(admin1="Nineveh", type="ASSAULT", limit=None)]
    return out


def _full_scan(store, q: EventQuery, monkeypatch) -> list[str]:
    """The ids the filters give without the search indexes (the LIKE and distance tests alone)."""
    with monkeypatch.context() as m:
        m.setattr(store_query, "_keyed", lambda keys: None)
        return [e["id"] for e in store.query_events(q)]


def _assert_same_as_full_scan(store, monkeypatch) -> int:
    matched = 0
    for q in _queries():
        indexed = [e["id"] for e in store.query_events(q)]
        assert indexed == _full_scan(store, q, monkeypatch), q
        assert store.count_events(q) == len(indexed)
        matched += bool(indexed)
    return matched


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = open_store(tmp_path_factory.mktemp("search") / "events.sqlite")
    s.add_records(_records(300, seed=1))
    yield s
    s.close()


def test_indexed_filters_give_the_full_scan_results(store, monkeypatch):
    matched = _assert_same_as_full_scan(store, monkeypatch)
    assert matched >= 25  # most test queries do find events


def test_folding_and_clitics_are_matched(store):
    assert store.count_events(EventQuery(text="إدلب")) == store.count_events(EventQuery(text="ادلب")) > 0
    assert store.count_events(EventQuery(text="الشرطة")) == store.count_events(EventQuery(text="الشرطه")) > 0
    # a substring of the folded text: "شرطة" is found inside "الشرطة", "قوات" inside "لقوات"
    assert store.count_events(EventQuery(text="شرطة")) >= store.count_events(EventQuery(text="الشرطة"))
    assert store.count_events(EventQuery(text="قوات")) > store.count_events(EventQuery(text="لقوات")) > 0


FTS_COUNT_QUERIES = [
    *(EventQuery(text=t) for t in ("مدنيين", "غارات جوية", "ادلب", "بالغارات", "no_such_word")),
    *(EventQuery(actor=a) for a in ("Houthis", "Syrian Army", "قوات النظام", "الحوثي", "nobody here")),
    EventQuery(text="قصف", actor="Syrian Army"), EventQuery(text="مدنيين", actor="الحوثي"),
    EventQuery(text="مدنيين", include_flagged=True), EventQuery(actor="Houthis", include_flagged=True),
]


@pytest.fixture(scope="module")
def flagged_store(tmp_path_factory):
    """A store where one event in three is negated, hypothetical or historical."""
    s = open_store(tmp_path_factory.mktemp("flagged") / "events.sqlite")
    records = _records(200, seed=7)
    for i, event in enumerate(e for record in records for e in record["events"]):
        if i % 3 == 0:
            event[("negated", "hypothetical", "historical")[i % 9 // 3]] = True
    s.add_records(records)
    yield s
    s.close()


def test_text_and_actor_counts_from_the_index_equal_the_row_counts(flagged_store, monkeypatch):
    assert flagged_store.stats()["flagged_events"] > 50
    with flagged_store.engine.connect() as conn:
        # all but قوات النظام, one of whose English names ("Military Forces of Syria") has a short word
        assert sum(store_query._fts_only_match(conn, q) is not None for q in FTS_COUNT_QUERIES) == len(FTS_COUNT_QUERIES) - 1
    counted = [flagged_store.count_events(q) for q in FTS_COUNT_QUERIES]
    with monkeypatch.context() as m:
        m.setattr(store_query, "_fts_only_match", lambda conn, q: None)
        by_rows = [flagged_store.count_events(q) for q in FTS_COUNT_QUERIES]
        listed = [len(flagged_store.query_events(replace(q, limit=None))) for q in FTS_COUNT_QUERIES]
    assert counted == by_rows == listed
    assert sum(c > 0 for c in counted) >= 8
    assert counted[-2] > counted[0]  # the flagged ones count when asked for


@pytest.mark.parametrize("q", [EventQuery(text="في"), EventQuery(text="قصف", country="SYR"),
                               EventQuery(actor="is"), EventQuery(text="قصف", near=(35.93, 36.63, 60.0))])
def test_other_counts_do_not_come_from_the_index_alone(store, q):
    # a short word is not in the trigram index; other filters need the cluster rows
    with store.engine.connect() as conn:
        assert store_query._fts_only_match(conn, q) is None


def _plan(store, q: EventQuery, scan: frozenset[str] = frozenset()) -> str:
    with store.engine.connect() as conn:
        compiled = select_events(q, scan).compile(conn, compile_kwargs={"literal_binds": True})
        return " | ".join(row[-1] for row in conn.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))


@pytest.mark.parametrize("q, index", [
    (EventQuery(text="مدنيين"), "event_fts VIRTUAL TABLE INDEX"),
    (EventQuery(actor="Houthis"), "event_fts VIRTUAL TABLE INDEX"),
    (EventQuery(near=(35.93, 36.63, 20.0)), "event_rtree VIRTUAL TABLE INDEX"),
    (EventQuery(admin1="Idlib"), "ix_event_clusters_admin1_day"),
    (EventQuery(admin1="Idlib", type="ASSAULT"), "ix_event_clusters_admin1_type_day"),
])
def test_filters_use_the_indexes(store, q, index):
    assert index in _plan(store, q)


def _count_plan(store, q: EventQuery) -> str:
    stmt = select(func.count()).select_from(event_clusters).where(*store_query._where(q))
    with store.engine.connect() as conn:
        compiled = stmt.compile(conn, compile_kwargs={"literal_binds": True})
        return " | ".join(row[-1] for row in conn.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))


@pytest.mark.parametrize("q", [EventQuery(text="مدنيين"), EventQuery(actor="Houthis"),
                               EventQuery(near=(35.93, 36.63, 20.0))])
def test_index_driven_filters_look_clusters_up_instead_of_scanning(store, q):
    # the index's candidates are looked up by id: the clusters table is not read in full
    # (an indexed condition compiled as ``(...) = 1`` would hide the IN test from SQLite)
    for plan in (_plan(store, q), _count_plan(store, q)):
        assert "SCAN event_clusters" not in plan, plan
        assert "SEARCH event_clusters USING INDEX sqlite_autoindex_event_clusters_1 (id=?)" in plan, plan


def test_triggers_follow_cluster_updates_and_deletes(tmp_path, monkeypatch):
    s = open_store(tmp_path / "events.sqlite")
    s.add_records(_records(150, seed=2))
    # the same events told again by other documents: clusters grow, their text changes
    again = _records(150, seed=2)
    rng = random.Random(3)
    for i, record in enumerate(again):
        record["document"]["id"] = f"again-{i}"
        record["document"]["text"] += " " + rng.choice(["تعزيزات", "مداهمات", "نازحين"])
    s.add_records(again)
    s.add_records(_records(100, seed=4))
    with s.engine.begin() as conn:
        gone = conn.execute(text("SELECT id FROM event_clusters ORDER BY id LIMIT 20")).scalars().all()
        for cluster_id in gone:
            conn.execute(text("DELETE FROM event_reports WHERE cluster_id = :c"), {"c": cluster_id})
            conn.execute(text("DELETE FROM event_clusters WHERE id = :c"), {"c": cluster_id})
        conn.execute(text("UPDATE event_clusters SET lat = lat + 0.5 WHERE lat IS NOT NULL AND rowid % 7 = 0"))
        conn.execute(text("INSERT INTO event_fts (event_fts) VALUES ('integrity-check')"))
        keys = conn.execute(text("SELECT count(*) FROM event_search_keys")).scalar()
        clusters = conn.execute(text("SELECT count(*) FROM event_clusters")).scalar()
    assert keys == clusters
    assert _assert_same_as_full_scan(s, monkeypatch) > 0
    s.close()


def test_an_old_store_is_upgraded_on_open(tmp_path, monkeypatch):
    """A store written by the code of revision 0002 (no search tables, no triggers) gets its
    indexes built from its existing events when it is opened."""
    path = tmp_path / "old.sqlite"
    engine = make_engine(resolve_url(path))
    cfg = Config()
    cfg.set_main_option("script_location", "rasd.store:migrations")
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0002")
    from rasd.store.store import Store
    old = Store(engine)
    old.add_records(_records(200, seed=5))
    with engine.connect() as conn:
        tables = set(conn.execute(text("SELECT name FROM sqlite_master")).scalars())
    assert "event_fts" not in tables and "event_clusters" in tables
    old.close()

    store = open_store(path)
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD
        keys = conn.execute(text("SELECT count(*) FROM event_search_keys")).scalar()
        points = conn.execute(text("SELECT count(*) FROM event_rtree")).scalar()
        located = conn.execute(text("SELECT count(*) FROM event_clusters WHERE lat IS NOT NULL")).scalar()
        clusters = conn.execute(text("SELECT count(*) FROM event_clusters")).scalar()
    assert keys == clusters > 0 and points == located > 0
    assert _assert_same_as_full_scan(store, monkeypatch) > 0
    store.add_records(_records(50, seed=6))  # and it keeps them up to date from then on
    assert _assert_same_as_full_scan(store, monkeypatch) > 0
    store.close()


@pytest.mark.parametrize("page", [(20, 0), (20, 30), (5, 0)])
def test_dense_pages_scan_in_date_order_with_the_same_results(store, monkeypatch, page):
    """A page of a filter with many candidates is read in date order without the index:
    the same events as through the index and as the full scan."""
    limit, offset = page
    dense_queries = 0
    for q in _queries():
        q = EventQuery(**{**q.__dict__, "limit": limit, "offset": offset})
        expected = _full_scan(store, q, monkeypatch)
        with store.engine.connect() as conn:
            monkeypatch.setattr(store_query, "DENSE", 10 ** 9)
            assert store_query.dense_filters(conn, q) == frozenset()
            indexed = [e["id"] for e in store.query_events(q)]
            monkeypatch.setattr(store_query, "DENSE", 5)
            dense = store_query.dense_filters(conn, q)
        assert [e["id"] for e in store.query_events(q)] == indexed == expected, q
        dense_queries += bool(dense)
        if q.text == "مدنيين" or q.actor == "Houthis":
            assert dense, q
    assert dense_queries >= 10
    assert "event_fts" not in _plan(store, EventQuery(text="مدنيين"), frozenset({"text"}))


# --- PostgreSQL (migration 0004): pg_trgm GIN indexes, the lat/lon btree, province indexes


def _pg_ids(conn, q: EventQuery) -> list[str]:
    return [row["id"] for row in conn.execute(select_events(q)).mappings()]


def _pg_settings(conn, **settings: str) -> None:
    for name, value in settings.items():
        conn.exec_driver_sql(f"SET {name} = {value}")


def _pg_assert_same_as_full_scan(store, monkeypatch) -> int:
    """Each query read through the indexes (sequential scans off) and read without them
    (index scans off, no lat/lon box) gives the same events in the same order."""
    matched = 0
    for q in _queries():
        with store.engine.connect() as conn:
            _pg_settings(conn, enable_seqscan="off")
            indexed = _pg_ids(conn, q)
        with monkeypatch.context() as m, store.engine.connect() as conn:
            m.setattr(store_query, "_pg_box", lambda lat, lon, km: None)
            _pg_settings(conn, enable_indexscan="off", enable_bitmapscan="off", enable_indexonlyscan="off")
            assert indexed == _pg_ids(conn, q), q
        assert [e["id"] for e in store.query_events(q)] == indexed, q
        assert store.count_events(q) == len(indexed)
        matched += bool(indexed)
    return matched


def _pg_plan(store, q: EventQuery) -> str:
    """The plan of the count of ``q``'s matches, sequential scans off: which index can
    answer the filters (at 600 clusters the planner rightly prefers to scan; the bench
    store's plans, with statistics of 100,000 events, are in docs/performance.md)."""
    with store.engine.connect() as conn:
        _pg_settings(conn, enable_seqscan="off")
        stmt = select(func.count()).select_from(event_clusters).where(*store_query._where(q))
        compiled = stmt.compile(conn, compile_kwargs={"literal_binds": True})
        return " | ".join(conn.exec_driver_sql(f"EXPLAIN {compiled}").scalars())


def _pg_indexes(store) -> set[str]:
    with store.engine.connect() as conn:
        return set(conn.execute(text("SELECT indexname FROM pg_indexes WHERE tablename = 'event_clusters'"))
                   .scalars())


@pytest.fixture
def pg_store(pg_database):
    s = open_store(pg_database)
    s.add_records(_records(300, seed=1))
    with s.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE event_clusters")
    yield s
    s.close()


@pytest.mark.postgres
def test_postgresql_indexed_filters_give_the_full_scan_results(pg_store, monkeypatch):
    assert {"ix_event_clusters_search_trgm", "ix_event_clusters_actor_trgm",
            "ix_event_clusters_point"} <= _pg_indexes(pg_store)
    assert _pg_assert_same_as_full_scan(pg_store, monkeypatch) >= 25


@pytest.mark.postgres
def test_postgresql_store_matches_the_sqlite_store(pg_store, store):
    for q in _queries():
        assert [e["id"] for e in pg_store.query_events(q)] == [e["id"] for e in store.query_events(q)], q


@pytest.mark.postgres
@pytest.mark.parametrize("q, index", [
    (EventQuery(text="مدنيين", include_flagged=True), "ix_event_clusters_search_trgm"),
    (EventQuery(text="لقوات النظام", include_flagged=True), "ix_event_clusters_search_trgm"),
    (EventQuery(actor="Houthis", include_flagged=True), "ix_event_clusters_actor_trgm"),
    (EventQuery(near=(35.93, 36.63, 20.0)), "ix_event_clusters_point"),
    (EventQuery(admin1="Idlib"), "ix_event_clusters_admin1_"),  # either province index
    (EventQuery(admin1="Idlib", type="ASSAULT"), "ix_event_clusters_admin1_type_day"),
])
def test_postgresql_filters_can_use_the_indexes(pg_store, q, index):
    assert index in _pg_plan(pg_store, q)


@pytest.mark.postgres
def test_postgresql_without_pg_trgm_scans_the_text(pg_database, monkeypatch, open_store_refusing):
    """When ``CREATE EXTENSION pg_trgm`` fails the migration still completes, without the
    trigram indexes, and the text and actor filters give the same results by scanning."""
    from sqlalchemy.exc import ProgrammingError

    def refuse_extensions(statement):
        if statement.startswith("CREATE EXTENSION"):
            return ProgrammingError(statement, {}, Exception('extension "pg_trgm" is not available'))
        return None

    s = open_store_refusing(pg_database, refuse_extensions)
    try:
        indexes = _pg_indexes(s)
        assert "ix_event_clusters_search_trgm" not in indexes and "ix_event_clusters_point" in indexes
        with s.engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD
        s.add_records(_records(120, seed=7))
        assert _pg_assert_same_as_full_scan(s, monkeypatch) > 0
    finally:
        s.close()


NEAR_COUNT_QUERIES = [
    *(EventQuery(near=n) for n in NEAR_QUERIES),
    *(EventQuery(near=n, include_flagged=True) for n in NEAR_QUERIES[:4]),
    EventQuery(near=(35.93, 36.63, 60.0), located=True),
]


def _row_counts(store, queries, monkeypatch) -> list[int]:
    with monkeypatch.context() as m:
        m.setattr(store_query, "_rtree_only", lambda conn, q: False)
        return [store.count_events(q) for q in queries]


def test_near_counts_from_the_rtree_equal_the_row_counts(flagged_store, monkeypatch):
    """A query filtered by ``near`` alone is counted from the R*Tree (migration 0006: exact
    points and flags as auxiliary columns): the same numbers as the cluster rows give."""
    with flagged_store.engine.connect() as conn:
        assert all(store_query._rtree_only(conn, q) for q in NEAR_COUNT_QUERIES)
        for q in (EventQuery(near=(35.93, 36.63, 60.0), type="ASSAULT"), EventQuery(near=(35.93, 36.63, 60.0), text="قصف"),
                  EventQuery(near=(35.93, 36.63, 60.0), located=False), EventQuery(text="قصف")):
            assert not store_query._rtree_only(conn, q)
    counted = [flagged_store.count_events(q) for q in NEAR_COUNT_QUERIES]
    listed = [len(flagged_store.query_events(replace(q, limit=None))) for q in NEAR_COUNT_QUERIES]
    assert counted == _row_counts(flagged_store, NEAR_COUNT_QUERIES, monkeypatch) == listed
    assert sum(c > 0 for c in counted) >= 7
    n = len(NEAR_QUERIES)
    assert sum(counted[n:n + 4]) > sum(counted[:4])  # the flagged ones count when asked for


def test_the_rtree_follows_changes_of_points_and_flags(tmp_path, monkeypatch):
    s = open_store(tmp_path / "events.sqlite")
    s.add_records(_records(200, seed=8))
    before = [s.count_events(q) for q in NEAR_COUNT_QUERIES]
    with s.engine.begin() as conn:
        conn.execute(text("UPDATE event_clusters SET flagged = 1 WHERE rowid % 4 = 0"))
        conn.execute(text("UPDATE event_clusters SET lat = lat + 0.3 WHERE lat IS NOT NULL AND rowid % 5 = 0"))
        conn.execute(text("UPDATE event_clusters SET lat = NULL, lon = NULL WHERE rowid % 11 = 0"))
        located = conn.execute(text("SELECT count(*) FROM event_clusters WHERE lat IS NOT NULL")).scalar()
        points = conn.execute(text("SELECT count(*) FROM event_rtree")).scalar()
        stale = conn.execute(text(
            "SELECT count(*) FROM event_rtree r JOIN event_search_keys k ON k.key = r.key "
            "JOIN event_clusters c ON c.id = k.cluster_id "
            "WHERE r.lat IS NOT c.lat OR r.lon IS NOT c.lon OR r.flagged IS NOT c.flagged")).scalar()
    assert points == located and stale == 0
    after = [s.count_events(q) for q in NEAR_COUNT_QUERIES]
    assert after == _row_counts(s, NEAR_COUNT_QUERIES, monkeypatch)
    assert after != before
    s.close()


def test_migration_0006_goes_down_and_up_again(tmp_path, monkeypatch):
    path = tmp_path / "events.sqlite"
    s = open_store(path)
    s.add_records(_records(150, seed=9))
    counts = [s.count_events(q) for q in NEAR_COUNT_QUERIES]
    s.close()
    engine = make_engine(resolve_url(path))
    cfg = Config()
    cfg.set_main_option("script_location", "rasd.store:migrations")

    def rtree_columns() -> list[str]:
        with engine.connect() as conn:
            return [row[1] for row in conn.execute(text("PRAGMA table_info(event_rtree)"))]

    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0005")
    assert rtree_columns() == ["key", "min_lat", "max_lat", "min_lon", "max_lon"]
    engine.dispose()
    s = open_store(path)  # upgraded again on open
    assert rtree_columns()[-3:] == ["lat", "lon", "flagged"]
    assert [s.count_events(q) for q in NEAR_COUNT_QUERIES] == counts == _row_counts(s, NEAR_COUNT_QUERIES, monkeypatch)
    s.close()
