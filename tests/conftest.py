"""Shared fixtures: an empty event store on each back end, and a contract-record builder.

PostgreSQL tests run when ``RASD_TEST_POSTGRES`` names a server (``scripts/test.sh`` starts
a throw-away one); they skip cleanly otherwise. Each test gets an empty database.
"""
from __future__ import annotations

import copy
import os
import uuid
from typing import Any, Callable

import pytest

PG_URL = os.environ.get("RASD_TEST_POSTGRES")


@pytest.fixture(scope="session")
def pg_session_database() -> Any:
    """A private PostgreSQL database for this test session (dropped at the end)."""
    if not PG_URL:
        pytest.skip("RASD_TEST_POSTGRES is not set (scripts/test.sh starts a PostgreSQL)")
    sqlalchemy = pytest.importorskip("sqlalchemy")
    pytest.importorskip("psycopg")
    from rasd.store.db import resolve_url
    admin_url = resolve_url(PG_URL)
    name = f"rasd_test_{uuid.uuid4().hex[:10]}"
    admin = sqlalchemy.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sqlalchemy.exc.OperationalError as exc:
        admin.dispose()
        pytest.skip(f"PostgreSQL at RASD_TEST_POSTGRES is not reachable: {exc.orig}")
    url = sqlalchemy.engine.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    yield url
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def _empty_postgres(url: str) -> None:
    import sqlalchemy
    from rasd.store.schema import metadata
    engine = sqlalchemy.create_engine(url)
    with engine.begin() as conn:
        metadata.drop_all(conn)
        conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    engine.dispose()


@pytest.fixture
def pg_database(pg_session_database: str) -> str:
    """The URL of the session's PostgreSQL database, emptied for this test."""
    _empty_postgres(pg_session_database)
    return pg_session_database


@pytest.fixture
def open_store_refusing(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    """Open (and migrate) a store on a server that refuses some statements: ``refusal(sql)``
    returns the exception such a server raises for ``sql``, or None to run it."""
    from sqlalchemy.engine import Connection

    from rasd.store import open_store
    run = Connection.exec_driver_sql

    def opened(url: str, refusal: Callable[[str], Exception | None]) -> Any:
        def refuse(self: Any, statement: str, *args: Any, **kwargs: Any) -> Any:
            error = refusal(statement)
            if error is not None:
                raise error
            return run(self, statement, *args, **kwargs)

        with monkeypatch.context() as m:
            m.setattr(Connection, "exec_driver_sql", refuse)
            return open_store(url)
    return opened


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Any) -> str:
    """The URL of an empty store: a SQLite file, or a freshly emptied PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "rasd.sqlite")
    return request.getfixturevalue("pg_database")


@pytest.fixture
def store(store_url: str) -> Any:
    """An open, empty :class:`rasd.store.Store` on SQLite and on PostgreSQL."""
    from rasd.store import open_store
    s = open_store(store_url)
    yield s
    s.close()


def _event(**fields: Any) -> dict[str, Any]:
    ev = {
        "id": "e1", "plover": {"type": "ASSAULT", "mode": None},
        "acled": {"event_type": None, "sub_event_type": None}, "cameo": None,
        "actor1": None, "actor2": None, "associated_actors": [], "location": None, "date": None,
        "fatalities": None, "injuries": None, "attribution": None, "trigger": "",
        "sentence": "", "span": [0, 0], "negated": False, "hypothetical": False,
        "historical": False, "confidence": 0.8,
    }
    ev.update(copy.deepcopy(fields))
    return ev


@pytest.fixture
def make_record() -> Callable[..., dict[str, Any]]:
    """Build a contract record: ``make_record(id, text, events=[{...}], published=…, url=…,
    source=…)``; each event dict overrides the defaults of a complete contract event, and
    its ``sentence`` is located in ``text`` to set ``span``."""
    def build(doc_id: str | None, text: str, events: list[dict[str, Any]] = (), *,
              published: str | None = None, url: str | None = None, source: str | None = None,
              title: str | None = None) -> dict[str, Any]:
        out = []
        for i, fields in enumerate(events):
            ev = _event(id=f"e{i + 1}", **fields)
            start = text.find(ev["sentence"]) if ev["sentence"] else -1
            ev["span"] = [start, start + len(ev["sentence"])] if start >= 0 else [0, 0]
            out.append(ev)
        return {"document": {"id": doc_id, "title": title, "source": source, "url": url,
                             "published": published, "language": "ar", "text": text},
                "entities": [], "events": out}
    return build
