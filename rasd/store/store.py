"""The :class:`Store`: one object over SQLite or PostgreSQL for adding and reading events."""
from __future__ import annotations

import logging
import os
import threading
from contextlib import contextmanager
from typing import Any, Iterable, Iterator, Sequence

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from rasd.errors import InputError
from rasd.store import query as q_
from rasd.store.db import is_environment_error, make_engine, resolve_url, translate_error
from rasd.store.query import EventQuery
from rasd.store.records import DocFeatures, PreparedDoc, prepare
from rasd.store.schema import documents, ensure_schema
from rasd.store.writer import AddResult, ClusterCache, write_batch

__all__ = ["Store", "open_store"]

log = logging.getLogger(__name__)


def open_store(url: str | os.PathLike | None = None) -> "Store":
    """Open (creating or upgrading) the event store.

    Args:
        url: ``None`` → ``$RASD_DB``, else the SQLite file ``rasd.sqlite`` in the per-user
            data directory; a plain path or ``sqlite:///path`` → SQLite;
            ``postgresql://…`` or ``postgresql+psycopg://…`` → PostgreSQL.

    Raises:
        StoreError: E301 cannot connect, E302 no permission / disk full.
    """
    resolved = resolve_url(url)
    engine = make_engine(resolved)
    try:
        ensure_schema(engine)
    except (SQLAlchemyError, OSError) as exc:
        engine.dispose()
        raise translate_error(exc, where=_safe_url(engine)) from exc
    return Store(engine)


def _safe_url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


class Store:
    """The event store. Every method is safe to call from several threads; writes are
    serialised by the database (SQLite: one writer at a time)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._cache = ClusterCache()
        self._write_lock = threading.Lock()

    @property
    def backend(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self.engine.dialect.name

    @property
    def url(self) -> str:
        return _safe_url(self.engine)

    @property
    def path(self) -> str | None:
        """The SQLite file, or None for PostgreSQL."""
        return self.engine.url.database if self.backend == "sqlite" else None

    def __repr__(self) -> str:
        return f"Store({self.url!r})"

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.engine.dispose()

    # --- connections -----------------------------------------------------------------

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise translate_error(exc, where=self.url) from exc

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            conn.execution_options(rasd_write=True)
            with conn.begin():
                yield conn

    # --- writing ---------------------------------------------------------------------

    def add_record(self, record: dict[str, Any], *, raw: str | None = None) -> AddResult:
        """Store one contract record (``Document.to_dict()``) in one transaction.

        Returns:
            AddResult: ``status`` "new", "duplicate" (``document_id`` is the stored copy)
            or "failed" (``error`` says why; nothing of the record was written).

        Raises:
            StoreError: E302 disk full / permission, E301 connection lost; the database is
            left as it was before the call.
        """
        return self.add_records([record], raws=[raw])[0]

    def add_records(self, records: Sequence[dict[str, Any]], *,
                    raws: Sequence[str | None] | None = None,
                    features: Sequence[DocFeatures | None] | None = None,
                    wheres: Sequence[str] | None = None) -> list[AddResult]:
        """Store several records in one transaction (fast path of batch ingestion).

        A record that is malformed fails alone (before the transaction); when the batch
        hits a database error it is rolled back and retried one document per transaction,
        so each document is either wholly stored or not at all.

        Args:
            records: contract records, in order.
            raws: the raw input of each record (kept in ``document_raw``), or None.
            features: precomputed :class:`DocFeatures` (e.g. from a Dask worker).
            wheres: a label per record (file:line) used in error messages.
        """
        n = len(records)
        results: list[AddResult | None] = [None] * n
        prepared = []
        for i, record in enumerate(records):
            where = wheres[i] if wheres else "record"
            try:
                prepared.append((i, prepare(record, raws[i] if raws else None,
                                            features[i] if features else None, where)))
            except InputError as exc:
                results[i] = AddResult(_guess_id(record), "failed", error=str(exc), code=exc.code)
        if prepared:
            with self._write_lock:
                self._write_prepared(prepared, results)
        return [r for r in results if r is not None]

    def add_prepared(self, docs: Sequence[PreparedDoc]) -> list[AddResult]:
        """Store documents already validated and flattened by
        :func:`rasd.store.prepare` (which needs no database: Dask workers run it, leaving
        the single writer only de-duplication, clustering and the inserts). Same
        transactions and guarantees as :meth:`add_records`."""
        results: list[AddResult | None] = [None] * len(docs)
        if docs:
            with self._write_lock:
                self._write_prepared(list(enumerate(docs)), results)
        return [r for r in results if r is not None]

    def _write_prepared(self, prepared: list, results: list) -> None:
        try:
            with self._write() as conn:
                out = write_batch(conn, [p for _, p in prepared], self._cache)
            for (i, _), result in zip(prepared, out):
                results[i] = result
            return
        except (SQLAlchemyError, OSError) as exc:
            self._cache.clear()
            if is_environment_error(exc) or len(prepared) == 1:
                self._single_failure(exc, prepared, results)
                return
            log.info("batch of %d failed (%s); retrying one document at a time", len(prepared), exc)
        for i, doc in prepared:
            try:
                with self._write() as conn:
                    results[i] = write_batch(conn, [doc], self._cache)[0]
            except (SQLAlchemyError, OSError) as single:
                self._cache.clear()
                self._single_failure(single, [(i, doc)], results)

    def _single_failure(self, exc: BaseException, prepared: list, results: list) -> None:
        if is_environment_error(exc):
            raise translate_error(exc, where=self.url) from exc
        error = translate_error(exc)
        for i, doc in prepared:
            log.warning("document %s not stored: %s", doc.id, error)
            results[i] = AddResult(doc.id, "failed", error=str(error), code=error.code)

    # --- reading ---------------------------------------------------------------------

    def generation(self) -> int:
        """The store's write generation: a number that every write transaction increases
        (in any process), so that a result read under one generation holds until it changes."""
        with self._read() as conn:
            return q_.generation(conn)

    def has_document(self, doc_id: str) -> bool:
        with self._read() as conn:
            return conn.execute(select(documents.c.id).where(documents.c.id == doc_id)).first() is not None

    def existing_ids(self, ids: Iterable[str]) -> set[str]:
        """Those of ``ids`` already stored (one query per 500)."""
        ids = list(ids)
        found: set[str] = set()
        with self._read() as conn:
            for i in range(0, len(ids), 500):
                found.update(conn.execute(select(documents.c.id)
                                          .where(documents.c.id.in_(ids[i:i + 500]))).scalars())
        return found

    def find_duplicate(self, url: str | None = None, content_hash: str | None = None, *,
                       text: str | None = None) -> str | None:
        """The id of a stored document with the same normalised URL or the same
        normalised text (give ``content_hash`` from :func:`rasd.store.content_hash`, or
        ``text``), or None."""
        from rasd.store import dedup
        if text is not None and content_hash is None:
            content_hash = dedup.content_hash(dedup.folded_words(text))
        conds = []
        key = dedup.url_key(url)
        if key:
            conds.append(documents.c.url_key == key)
        if content_hash:
            conds.append(documents.c.content_hash == content_hash)
        with self._read() as conn:
            for cond in conds:
                found = conn.execute(select(documents.c.id).where(cond)).scalar()
                if found:
                    return found
        return None

    def get_document(self, doc_id: str) -> dict[str, Any] | None:
        """The contract record as stored (events carry their ``cluster_id``), or None."""
        with self._read() as conn:
            return q_.get_document(conn, doc_id)

    def get_raw(self, doc_id: str) -> str | None:
        from rasd.store.schema import document_raw
        with self._read() as conn:
            return conn.execute(select(document_raw.c.raw).where(document_raw.c.document_id == doc_id)).scalar()

    def query_events(self, q: EventQuery | None = None) -> list[dict[str, Any]]:
        """Cluster-level event rows matching ``q`` (see :class:`EventQuery`)."""
        q = q or EventQuery()
        with self._read() as conn:
            stmt = q_.select_events(q, q_.dense_filters(conn, q))
            return q_.event_rows(conn.execute(stmt))

    def iter_events(self, q: EventQuery | None = None, *, chunk: int = 2000) -> Iterator[dict[str, Any]]:
        """Every event matching ``q`` (its limit ignored), in ``q.order``, read in chunks."""
        from dataclasses import replace
        q = q or EventQuery(order="date_asc")
        offset = q.offset
        while True:
            page = self.query_events(replace(q, limit=chunk, offset=offset))
            yield from page
            if len(page) < chunk:
                return
            offset += chunk

    def count_events(self, q: EventQuery | None = None) -> int:
        with self._read() as conn:
            return q_.count_events(conn, q or EventQuery())

    def map_cells(self, q: EventQuery | None = None, *, cell: float = 1.0) -> list[dict[str, Any]]:
        """The located events matching ``q`` counted in squares of ``cell`` degrees (see
        :func:`rasd.store.query.map_cells`): what a map draws when the events are too many."""
        if not 0 < cell <= 180:
            raise ValueError(f"cell must be in (0, 180] degrees, not {cell!r}")
        with self._read() as conn:
            return q_.map_cells(conn, q or EventQuery(), cell)

    def get_event(self, event_id: str) -> dict[str, Any] | None:
        """The cluster and every report of it (``reports``), or None."""
        with self._read() as conn:
            return q_.get_event(conn, event_id)

    def stats(self) -> dict[str, Any]:
        """The store's counts. A *report* is one event as extracted from one document; an
        *event* is the de-duplicated happening one or more reports tell of.

        Keys: ``documents``, ``near_duplicate_documents``, ``reports``,
        ``deduplicated_events`` (not flagged), ``multi_outlet_events`` (told by more than
        one outlet), ``flagged_events`` (negated, hypothetical, historical), and
        ``events_by_type`` / ``events_by_country`` / ``events_by_month`` (de-duplicated,
        not flagged). The old names stay: ``events`` (= ``reports``), ``clusters``,
        ``flagged``, ``near_duplicates``, ``multi_source_clusters``, ``by_type``,
        ``by_country``, ``by_month``.
        """
        with self._read() as conn:
            return q_.stats(conn)

    def actors(self, limit: int = 200) -> list[dict[str, Any]]:
        """Actors of de-duplicated events with their event counts, most active first."""
        with self._read() as conn:
            return q_.actors(conn, limit)


def _guess_id(record: Any) -> str | None:
    if isinstance(record, dict) and isinstance(record.get("document"), dict):
        value = record["document"].get("id")
        return str(value) if value is not None else None
    return None

