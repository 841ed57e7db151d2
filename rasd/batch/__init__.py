"""Batch ingestion: read files, extract events, write them to the store.

    >>> from rasd.batch import run_ingest
    >>> from rasd.store import open_store
    >>> summary = run_ingest(["articles/"], open_store("events.sqlite"))
    >>> summary.new, summary.duplicate, summary.failed

The reading and the writing happen in this process; extraction runs here
(``engine="local"``) or on a Dask cluster (``engine="dask"``, see
:mod:`rasd.batch.dask_runner`), which returns contract records for this process to write.
Documents are written ``batch_size`` at a time, one transaction per batch (a document is
either wholly stored or not at all), so killing the process loses at most the batch in
flight, and running the same command again skips what is stored and finishes the rest.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from rasd.errors import RasdError, StoreError

__all__ = ["run_ingest", "IngestSummary", "Failure", "extract_one"]

log = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 100
PROGRESS_EVERY = 10  # documents between progress updates inside a batch


@dataclass(slots=True)
class Failure:
    """A file, line or document that was not stored, and why."""
    where: str
    code: str
    reason: str

    def line(self) -> str:
        """``where<TAB>code<TAB>reason`` on one line: control characters in a file name
        (a newline, a tab) are escaped, the reason's whitespace squeezed."""
        from rasd.ingest.readers import escape_controls
        reason = " ".join(escape_controls(self.reason).split())
        return f"{escape_controls(self.where)}\t{self.code}\t{reason}"


@dataclass
class IngestSummary:
    """Counts of one ingestion run, in the store's words: a *report* is one event as
    extracted from one document; an *event* is the de-duplicated happening that reports
    from one or more outlets tell of.

    ``read`` counts documents and unreadable records; ``reports`` the reports of the new
    documents; ``new_events`` the de-duplicated events they founded (the other reports
    joined events already stored). ``input_bytes`` is the size of the input when known
    (files on disk; None for standard input) and ``bytes_read`` how much of it is done.
    """
    read: int = 0
    new: int = 0
    duplicate: int = 0
    failed: int = 0
    near_duplicates: int = 0
    reports: int = 0
    new_events: int = 0
    elapsed: float = 0.0
    input_bytes: int | None = None
    bytes_read: int = 0
    failures: list[Failure] = field(default_factory=list)
    error: StoreError | None = None   # set when the store stopped the run (disk full, …)
    unread_paths: list[str] = field(default_factory=list)  # given paths that gave no document

    @property
    def events(self) -> int:
        """The old name of :attr:`reports` (kept for existing callers)."""
        return self.reports

    @property
    def docs_per_second(self) -> float:
        return self.read / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def eta(self) -> float | None:
        """Seconds left at the average rate so far, or None when the input size is not
        known or nothing is done yet."""
        if self.input_bytes is None or self.bytes_read <= 0 or self.elapsed <= 0:
            return None
        left = max(self.input_bytes - self.bytes_read, 0)
        return left * self.elapsed / self.bytes_read

    def to_dict(self) -> dict[str, Any]:
        return {"read": self.read, "new": self.new, "duplicate": self.duplicate,
                "failed": self.failed, "near_duplicates": self.near_duplicates,
                "reports": self.reports, "new_events": self.new_events,
                "elapsed_s": round(self.elapsed, 3),
                "docs_per_second": round(self.docs_per_second, 1),
                "input_bytes": self.input_bytes,
                "error": str(self.error) if self.error else None,
                "unread_paths": list(self.unread_paths)}


def extract_one(pipeline: Any, doc: Any, where: str = "record") -> Any:
    """Run ``pipeline`` on a Document and prepare its record for the store
    (:func:`rasd.store.prepare`: validated, flattened, de-duplication features computed
    from the folded text the pipeline already made). Raises InputError for a record the
    store would refuse."""
    from rasd.store import features, prepare
    doc = pipeline(doc)
    normalized = getattr(doc, "normalized", None)
    folded = getattr(normalized, "text", None) if normalized is not None else None
    record = doc.to_dict()
    return prepare(record, None, features(doc.text, folded, record), where)


def _read(paths: Sequence[str | Path], input_format: str | None, options: Any,
          reader: Callable[..., Iterable[Any]] | None, unread: list[str],
          offsets: dict[str, int] | None = None) -> Iterator[Any]:
    """The items of every path in turn; a path that gives no document is added to
    ``unread``. With the default reader, ``offsets`` receives each item's ``where`` and
    the bytes of input read when it came out (for progress)."""
    from rasd.errors import InputError
    from rasd.ingest import ReadItem
    position = None
    if reader is None:
        from rasd.ingest import read_path as reader
        from rasd.ingest.readers import ReadPosition
        position = ReadPosition() if offsets is not None else None
    for path in paths:
        documents = 0
        extra = {"position": position} if position is not None else {}
        try:
            for item in reader(path, input_format=input_format, options=options, **extra):
                documents += item.error is None
                if position is not None:
                    offsets[item.where] = position.bytes
                yield item
        except RasdError as exc:  # a path that cannot be read at all (not found, bad format)
            yield ReadItem(None, exc, exc.where or str(path))
        except OSError as exc:
            yield ReadItem(None, InputError(exc.strerror or str(exc), where=str(path), code="E107"), str(path))
        if documents == 0:
            unread.append(str(path))


def _input_size(paths: Sequence[str | Path], input_format: str | None) -> int | None:
    from rasd.errors import InputError
    from rasd.ingest.readers import input_size
    try:
        return input_size(paths, input_format=input_format)
    except InputError:  # an unknown format: each path reports it when read
        return None


def _batches(items: Iterator[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class _Run:
    """Book-keeping shared by the local and the Dask engines."""

    def __init__(self, store: Any, progress: Callable[[IngestSummary], None] | None,
                 failure_log: Any) -> None:
        self.store = store
        self.summary = IngestSummary()
        self.progress = progress
        self.failure_log = failure_log
        self.started = time.perf_counter()
        self.offsets: dict[str, int] = {}  # where → bytes read when the item came out

    def done(self, where: str) -> None:
        """The item read at ``where`` is handled: progress moves to its input offset."""
        offset = self.offsets.pop(where, None)
        if offset is not None and offset > self.summary.bytes_read:
            self.summary.bytes_read = offset

    def fail(self, where: str, code: str, reason: str) -> None:
        if reason.startswith(f"{where}: "):  # RasdError messages start with their where
            reason = reason[len(where) + 2:]
        failure = Failure(where, code, reason)
        self.summary.failed += 1
        self.summary.failures.append(failure)
        if self.failure_log is not None:
            self.failure_log.write(failure.line() + "\n")
            self.failure_log.flush()
        log.info("%s: %s %s", where, code, reason)

    def split(self, items: list[Any]) -> list[tuple[str, Any]]:
        """Count what was read, log read errors, drop documents already stored; return
        the (where, document) pairs that need extracting (counted as read when written)."""
        todo: list[tuple[str, Any]] = []
        for item in items:
            if item.error is not None or item.document is None:
                self.summary.read += 1
                self.done(item.where)
                err = item.error
                self.fail(item.where, getattr(err, "code", "E100"), str(err) if err else "no document")
                continue
            todo.append((item.where, item.document))
        stored = self.store.existing_ids({doc.id for _, doc in todo})
        seen: set[str] = set()
        fresh = []
        for where, doc in todo:
            if doc.id in stored or doc.id in seen:
                self.summary.read += 1
                self.done(where)
                self.summary.duplicate += 1
                continue
            seen.add(doc.id)
            fresh.append((where, doc))
        return fresh

    def write(self, extracted: list[tuple[str, Any, str | None]], *, counted: bool = False) -> None:
        """Write (where, prepared document, error) tuples; a document None failed
        extraction. ``counted``: the documents were already counted as read."""
        if not counted:
            self.summary.read += len(extracted)
        docs, wheres = [], []
        for where, prepared, error in extracted:
            self.done(where)
            if prepared is None:
                code, _, reason = (error or "E900 extraction failed").partition(" ")
                self.fail(where, code, reason)
                continue
            docs.append(prepared)
            wheres.append(where)
        if docs:
            for where, result in zip(wheres, self.store.add_prepared(docs)):
                if result.status == "new":
                    self.summary.new += 1
                    self.summary.reports += result.events_added
                    self.summary.new_events += result.events_founded
                    self.summary.near_duplicates += result.near_duplicate_of is not None
                elif result.status == "duplicate":
                    self.summary.duplicate += 1
                else:
                    self.fail(where, result.code or "E303", result.error or "not stored")
        self.tick()

    def tick(self) -> None:
        self.summary.elapsed = time.perf_counter() - self.started
        if self.progress is not None:
            self.progress(self.summary)


def extract_safely(pipeline: Any, where: str, doc: Any) -> tuple[str, Any, str | None]:
    """Extract and prepare one document; an exception becomes an error string (one bad
    document must not stop the batch)."""
    try:
        return where, extract_one(pipeline, doc, where), None
    except RasdError as exc:
        return where, None, f"{exc.code} {exc}"
    except Exception as exc:  # noqa: BLE001 — an extractor bug on one input must not stop a batch
        log.debug("extraction failed at %s", where, exc_info=True)
        return where, None, f"E900 extraction failed: {type(exc).__name__}: {exc}"


def run_ingest(paths: Sequence[str | Path], store: Any, *, engine: str = "local",
               workers: int | None = None, scheduler: str | None = None,
               progress: Callable[[IngestSummary], None] | None = None,
               pipeline: Any = None, input_format: str | None = None, options: Any = None,
               batch_size: int = DEFAULT_BATCH_SIZE, failure_log: Any = None,
               reader: Callable[..., Iterable[Any]] | None = None) -> IngestSummary:
    """Read ``paths``, extract events and store them.

    Args:
        paths: files and folders (read recursively) of any kind ``rasd.ingest.read_path``
            reads.
        store: an open :class:`rasd.store.Store`.
        engine: ``"local"`` (this process) or ``"dask"`` (dask.distributed).
        workers: Dask worker processes of a local cluster (default: CPU count).
        scheduler: address of a running Dask scheduler (``tcp://host:8786``).
        progress: called with the running :class:`IngestSummary` after each batch (and
            every few documents inside one); ``input_bytes``/``bytes_read``/``eta`` give
            the position when the input size is known.
        pipeline: the extraction pipeline (default: ``rasd.default_pipeline()``).
        input_format: force an input kind (txt, html, jsonl, rss, warc, telegram).
        batch_size: documents per extraction batch and per store transaction.
        failure_log: a text stream that receives one ``where<TAB>code<TAB>reason`` line
            per failure as it happens.
        reader: replaces ``rasd.ingest.read_path`` (tests).

    Returns:
        The :class:`IngestSummary`; ``summary.error`` is set (and the run stopped) when
        the store cannot write at all (disk full, permission, lost connection).
    """
    if engine not in ("local", "dask"):
        raise ValueError(f"engine must be 'local' or 'dask', not {engine!r}")
    if options is None and pipeline is not None:
        options = getattr(pipeline, "options", None)
    run = _Run(store, progress, failure_log)
    if reader is None:
        run.summary.input_bytes = _input_size(paths, input_format)
    items = _read(paths, input_format, options, reader, run.summary.unread_paths, run.offsets)
    try:
        if engine == "dask":
            from rasd.batch.dask_runner import run_dask
            run_dask(run, _batches(items, batch_size), pipeline=pipeline, workers=workers,
                     scheduler=scheduler)
        else:
            if pipeline is None:
                from rasd import default_pipeline
                pipeline = default_pipeline()
            for batch in _batches(items, batch_size):
                extracted = []
                for where, doc in run.split(batch):
                    extracted.append(extract_safely(pipeline, where, doc))
                    run.summary.read += 1
                    run.done(where)
                    if len(extracted) % PROGRESS_EVERY == 0:
                        run.tick()
                run.write(extracted, counted=True)
    except StoreError as exc:
        log.error("ingestion stopped: %s", exc)
        run.summary.error = exc
    else:
        if run.summary.input_bytes is not None:
            run.summary.bytes_read = run.summary.input_bytes
    run.tick()
    return run.summary
