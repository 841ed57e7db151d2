"""The writer's PostgreSQL settings: migration 0007 (lz4 for the large text columns,
room for in-place cluster updates) upgrades a filled store without changing what it
holds, and the plan setting a batch changes for its inserts ends with the batch."""
from __future__ import annotations

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import text

from rasd.api.synthetic import synthetic_records
from rasd.store import open_store
from rasd.store.db import make_engine, resolve_url
from rasd.store.schema import HEAD

pytestmark = pytest.mark.postgres

COMPRESSED = {("documents", "text"), ("documents", "meta_json"), ("documents", "entities_json"),
              ("event_reports", "record_json")}


def _records(count: int, seed: int) -> list[dict]:
    records = list(synthetic_records(count, seed=seed, events=2, days=20))
    for i, record in enumerate(records):
        record["document"]["id"] = f"storage-{seed}-{i}"
    return records


def _migrate(url: str, revision: str, *, down: bool = False) -> None:
    engine = make_engine(resolve_url(url))
    cfg = Config()
    cfg.set_main_option("script_location", "rasd.store:migrations")
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, revision)
    engine.dispose()


def _settings(store) -> tuple[dict[tuple[str, str], str], list[str] | None]:
    """The compression method of each large column ('' = the server's default) and the
    reloptions of ``event_clusters``."""
    with store.engine.connect() as conn:
        methods = {(table, column): method for table, column, method in conn.execute(text(
            "SELECT c.relname, a.attname, a.attcompression FROM pg_attribute a "
            "JOIN pg_class c ON c.oid = a.attrelid "
            "WHERE c.relname IN ('documents', 'event_reports') AND a.attnum > 0"))
            if (table, column) in COMPRESSED}
        options = conn.execute(text("SELECT reloptions FROM pg_class WHERE relname = 'event_clusters'")).scalar()
    return methods, options


def _contents(store) -> list:
    with store.engine.connect() as conn:
        return [conn.execute(text(f"SELECT * FROM {table} ORDER BY 1, 2")).all()
                for table in ("documents", "document_bands", "event_reports", "event_clusters")]


def _filled_at_0006(url: str, records: list[dict]) -> None:
    """A store at revision 0006 holding ``records`` (written by the current writer)."""
    from rasd.store.store import Store
    _migrate(url, "0006")
    old = Store(make_engine(resolve_url(url)))
    old.add_records(records)
    old.close()


def test_an_old_store_is_upgraded_without_changing_its_rows(pg_database):
    _filled_at_0006(pg_database, _records(60, seed=3))
    from rasd.store.store import Store
    old = Store(make_engine(resolve_url(pg_database)))
    before = _contents(old)
    assert set(_settings(old)[0].values()) == {""}
    old.close()
    store = open_store(pg_database)
    try:
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD
        assert _settings(store) == ({key: "l" for key in COMPRESSED}, ["fillfactor=70"])
        assert _contents(store) == before
        _migrate(pg_database, "0006", down=True)
        assert _settings(store) == ({key: "" for key in COMPRESSED}, None)
        assert _contents(store) == before
    finally:
        store.close()
    again = open_store(pg_database)  # upgraded again on open
    try:
        assert _settings(again) == ({key: "l" for key in COMPRESSED}, ["fillfactor=70"])
        assert _contents(again) == before
    finally:
        again.close()


def test_rows_written_before_and_after_the_upgrade_read_the_same(pg_database):
    records = _records(80, seed=5)
    _filled_at_0006(pg_database, records[:40])
    store = open_store(pg_database)
    try:
        store.add_records(records[40:])
        for record in records:
            stored = store.get_document(record["document"]["id"])
            assert stored is not None and stored["document"]["text"] == record["document"]["text"]
    finally:
        store.close()


def test_without_lz4_the_migration_completes_with_the_default_compression(pg_database, open_store_refusing):
    from sqlalchemy.exc import NotSupportedError

    def refuse_lz4(statement):
        if "SET COMPRESSION lz4" in statement:
            return NotSupportedError(statement, {}, Exception('compression method lz4 not supported'))
        return None

    store = open_store_refusing(pg_database, refuse_lz4)
    try:
        methods, options = _settings(store)
        assert set(methods.values()) == {""} and options == ["fillfactor=70"]
        assert store.add_records(_records(20, seed=7))[0].status == "new"
    finally:
        store.close()


def test_a_batch_leaves_the_session_planning_each_statement_for_its_values(pg_database):
    store = open_store(pg_database)
    try:
        store.add_records(_records(30, seed=11))
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("SHOW plan_cache_mode").scalar() == "force_custom_plan"
    finally:
        store.close()
