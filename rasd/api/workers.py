"""Extraction off the event loop: a fixed number of worker processes, one request each.

Extraction is CPU-bound Python: run in the server's threads it would hold the GIL and
slow every other request, and a thread cannot be stopped when it runs too long. So each
request that extracts takes one *slot* — a worker process of its own — for at most
``timeout_s`` seconds:

- when every slot is taken the request is refused at once (503 ``busy``, with
  ``Retry-After``) rather than queued behind the others;
- when the worker runs past the time limit it is killed (422 ``time_limit``) and a fresh
  one takes its place, so a slow document costs its own slot and nothing else;
- the event loop only awaits: the wait for a worker's answer runs in a thread.

Workers are started on first use (``spawn``, so they share no state with the server's
threads) and warm up before taking their first job (about 1 s and 70 MB each on the
development machine); the time limit counts from the moment a job is handed over. As with
any ``spawn`` start, a script that builds and runs the app itself must do so under
``if __name__ == "__main__":`` (``rasd serve`` and ``uvicorn --factory`` do).
"""
from __future__ import annotations

import logging
import multiprocessing
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

log = logging.getLogger(__name__)

__all__ = ["ExtractionPool", "PoolBusy", "TimeLimit", "WorkerFailed", "JobError", "extract_job"]

START_TIMEOUT_S = 120.0  # a worker that is not ready by then is given up


class PoolBusy(Exception):
    """Every slot is taken."""


class TimeLimit(Exception):
    """The job ran past the time limit; its worker was killed."""


class WorkerFailed(Exception):
    """The worker died or could not start."""


@dataclass
class JobError(Exception):
    """The job raised: ``kind`` is "input" (an InputError, with its ``code``) or "error"."""
    kind: str
    code: str
    message: str

    def __str__(self) -> str:
        return self.message


def extract_job(payload: dict[str, Any]) -> dict[str, Any]:
    """The default job: ``rasd.extract`` on one article; returns the contract record."""
    import rasd

    doc = rasd.extract(payload["content"], payload.get("published"), source=payload.get("source"),
                       url=payload.get("url"), title=payload.get("title"), id=payload.get("id"))
    return doc.to_dict()


def warm_extract() -> None:
    """Load the pipeline and its dictionaries before the first job is timed."""
    import rasd

    rasd.extract("قصفت قوات النظام بلدة في ريف حماة صباح اليوم.", "2024-01-01")


def _serve(conn: Any, job: Callable[[dict], dict], warm: Callable[[], None] | None) -> None:
    """The worker's loop: warm up, say ready, then answer one job at a time."""
    try:
        if warm is not None:
            warm()
    except Exception as exc:  # noqa: BLE001 — reported to the parent, which gives up this worker
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", None))
    from rasd.errors import InputError
    while True:
        try:
            payload = conn.recv()
        except (EOFError, OSError):
            return
        try:
            conn.send(("ok", job(payload)))
        except InputError as exc:
            conn.send(("input", (exc.code, str(exc))))
        except Exception as exc:  # noqa: BLE001 — one bad document must not end the worker
            log.exception("extraction failed")
            conn.send(("error", (type(exc).__name__, str(exc))))


class _Slot:
    """One worker process and the pipe to it; used by one request at a time."""

    def __init__(self, pool: "ExtractionPool") -> None:
        self.pool = pool
        self.process: Any = None
        self.conn: Any = None
        self.busy = False

    def _start(self) -> None:
        parent, child = self.pool.context.Pipe()
        process = self.pool.context.Process(target=_serve, args=(child, self.pool.job, self.pool.warm),
                                            daemon=True, name="rasd-extract")
        process.start()
        child.close()
        if not parent.poll(self.pool.start_timeout_s):
            self._kill(process, parent)
            raise WorkerFailed(f"the extraction worker did not start in {self.pool.start_timeout_s:.0f} s")
        try:
            status, detail = parent.recv()
        except (EOFError, OSError):
            status, detail = "failed", "it exited while starting"
        if status != "ready":
            self._kill(process, parent)
            raise WorkerFailed(f"the extraction worker could not start: {detail}")
        self.process, self.conn = process, parent

    @staticmethod
    def _kill(process: Any, conn: Any) -> None:
        if process.is_alive():
            process.kill()
        process.join(5)
        conn.close()

    def stop(self) -> None:
        if self.process is not None:
            self._kill(self.process, self.conn)
        self.process = self.conn = None

    def call(self, payload: dict[str, Any], timeout_s: float) -> dict[str, Any]:
        """Blocking: run one job (in a server thread, never on the event loop)."""
        if self.process is None or not self.process.is_alive():
            self.stop()
            self._start()
        try:
            self.conn.send(payload)
            ready = self.conn.poll(timeout_s)
        except (OSError, EOFError) as exc:
            self.stop()
            raise WorkerFailed(f"the extraction worker stopped ({exc})") from None
        if not ready:
            log.warning("extraction ran past %.1f s: worker killed", timeout_s)
            self.stop()
            raise TimeLimit(timeout_s)
        try:
            status, value = self.conn.recv()
        except (EOFError, OSError):
            self.stop()
            raise WorkerFailed("the extraction worker died (out of memory?)") from None
        if status == "ok":
            return value
        raise JobError(status, *value)


class ExtractionPool:
    """A bounded pool of extraction worker processes.

    Args:
        workers: the number of slots (concurrent extractions); at least 1.
        timeout_s: the time limit of one job.
        job: a module-level function ``payload -> record`` run in the worker
            (picklable by name; the default runs ``rasd.extract``).
        warm: a module-level function run once when a worker starts.
        start_timeout_s: how long a worker may take to start.
    """

    def __init__(self, workers: int = 2, timeout_s: float = 30.0, *,
                 job: Callable[[dict], dict] = extract_job,
                 warm: Callable[[], None] | None = warm_extract,
                 start_timeout_s: float = START_TIMEOUT_S) -> None:
        self.workers = max(1, int(workers))
        self.timeout_s = float(timeout_s)
        self.job, self.warm = job, warm
        self.start_timeout_s = start_timeout_s
        self.context = multiprocessing.get_context("spawn")
        self._slots = [_Slot(self) for _ in range(self.workers)]
        self._lock = threading.Lock()

    def _acquire(self) -> _Slot:
        with self._lock:
            free = [slot for slot in self._slots if not slot.busy]
            if not free:
                raise PoolBusy()
            # a started worker first: a cold one costs its start-up
            slot = next((s for s in free if s.process is not None), free[0])
            slot.busy = True
            return slot

    def _release(self, slot: _Slot) -> None:
        with self._lock:
            slot.busy = False

    def run_blocking(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Run one job, blocking the calling thread.

        Raises:
            PoolBusy: every slot is taken (nothing was started).
            TimeLimit: the job ran past ``timeout_s`` (its worker was replaced).
            WorkerFailed: the worker died or did not start.
            JobError: the job raised.
        """
        slot = self._acquire()
        try:
            return slot.call(payload, self.timeout_s)
        finally:
            self._release(slot)

    async def run(self, payload: dict[str, Any]) -> dict[str, Any]:
        """:meth:`run_blocking` for async code: the slot is taken at once (so a full pool
        answers at once), the wait happens in a worker thread."""
        import anyio.to_thread

        slot = self._acquire()
        try:
            return await anyio.to_thread.run_sync(slot.call, payload, self.timeout_s)
        finally:
            self._release(slot)

    def busy_slots(self) -> int:
        with self._lock:
            return sum(slot.busy for slot in self._slots)

    def close(self) -> None:
        """Stop every worker (the app's shutdown; also at interpreter exit, daemon processes)."""
        for slot in self._slots:
            try:
                slot.stop()
            except Exception:  # noqa: BLE001 — best effort at shutdown
                log.debug("stopping a worker failed", exc_info=True)

    def __repr__(self) -> str:
        return f"ExtractionPool(workers={self.workers}, timeout_s={self.timeout_s})"


def wait_idle(pool: ExtractionPool, timeout_s: float = 10.0) -> bool:
    """True once no slot is busy (tests)."""
    deadline = time.monotonic() + timeout_s
    while pool.busy_slots():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True
