"""Database URLs, engines and error translation for the store.

SQLite (the default) runs in WAL mode with foreign keys on; write transactions start
with ``BEGIN IMMEDIATE`` so that two writers queue instead of failing half-way. PostgreSQL
goes through psycopg 3 with the same SQLAlchemy Core code.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from rasd.errors import StoreError

__all__ = ["resolve_url", "make_engine", "translate_error", "default_db_path"]

log = logging.getLogger(__name__)


def default_db_path() -> Path:
    import platformdirs
    return Path(platformdirs.user_data_dir("rasd")) / "rasd.sqlite"


def resolve_url(url: str | os.PathLike | None) -> str:
    """The SQLAlchemy URL for ``url``: None → ``$RASD_DB`` or the per-user SQLite file;
    a plain path → SQLite; ``postgresql://`` → psycopg 3."""
    if url is None:
        url = os.environ.get("RASD_DB") or None
    if url is None:
        return f"sqlite:///{default_db_path()}"
    url = os.fspath(url)
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str) -> Engine:
    """An engine for a resolved URL; creates the SQLite file's directory."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            path = Path(database)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot create the database directory {path.parent}: {exc.strerror}",
                                 where=str(path), code="E302") from exc
        engine = create_engine(url, connect_args={"timeout": 60})
        _sqlite_events(engine)
        return engine
    if parsed.get_backend_name() == "postgresql":
        engine = create_engine(url, pool_pre_ping=True)
        _postgresql_events(engine)
        return engine
    raise StoreError(f"unsupported database URL {parsed.render_as_string(hide_password=True)!r} "
                     "(use a SQLite path or postgresql://…)", code="E301")


def _postgresql_events(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # noqa: ANN001
        # psycopg prepares a statement run five times, and PostgreSQL may then plan it once
        # for any parameters: for the writer's ``band IN (...)`` lookup that generic plan
        # took about 40 times as long as the plan for the actual values (and for the search filters'
        # LIKE patterns the planner needs the pattern). Plan every execution for its values.
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET plan_cache_mode = force_custom_plan")
        dbapi_connection.commit()


def _sqlite_events(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # noqa: ANN001
        # Let SQLAlchemy (not the driver) decide where transactions begin, so that
        # SAVEPOINTs work and a write can take the lock up front.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: a killed process loses nothing committed
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=60000")
            cursor.execute("PRAGMA cache_size=-65536")  # 64 MB of pages (the default is 2 MB)
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # noqa: ANN001
        immediate = conn.get_execution_options().get("rasd_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


_DISK_FULL = ("disk is full", "no space left", "could not extend file", "disk full",
              "database or disk is full")
_PERMISSION = ("readonly database", "read-only", "unable to open database file",
               "permission denied", "attempt to write a readonly")
_CONNECTION = ("could not connect", "connection refused", "connection to server",
               "server closed the connection", "name or service not known")


def translate_error(exc: SQLAlchemyError | OSError, where: str | None = None) -> StoreError:
    """A :class:`StoreError` with a stable code for a driver error:
    E302 disk full / permission, E301 connection, E303 integrity, E300 anything else."""
    message = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0] if str(exc) else type(exc).__name__
    lower = message.lower()
    if any(s in lower for s in _DISK_FULL):
        return StoreError(f"the disk is full (or the database reached its size limit): {message}; "
                          "nothing of the current document was written", where=where, code="E302")
    if any(s in lower for s in _PERMISSION):
        return StoreError(f"no permission to write the database: {message}", where=where, code="E302")
    if any(s in lower for s in _CONNECTION):
        return StoreError(f"cannot connect to the database: {message}", where=where, code="E301")
    from sqlalchemy.exc import IntegrityError
    if isinstance(exc, IntegrityError):
        return StoreError(f"integrity error: {message}", where=where, code="E303")
    return StoreError(f"database error: {message}", where=where, code="E300")


def is_environment_error(exc: BaseException) -> bool:
    """Disk full, permission or connection: errors that no retry of one document fixes."""
    if not isinstance(exc, (DBAPIError, OSError)):
        return False
    return translate_error(exc).code in ("E301", "E302")
