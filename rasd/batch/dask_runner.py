"""Extraction on a dask.distributed cluster; this process reads and writes.

Each batch of documents is one task: a worker runs the pipeline on it and returns the
contract records and their de-duplication features. Results are written in submission
order, so the store sees exactly the sequence a single-process run produces and the
results are the same. At most ``2 × workers`` batches are in flight, which bounds memory.

Workers build the default pipeline once per process (dictionaries load once); a custom
pipeline is sent to every worker once with ``Client.scatter(broadcast=True)``.
"""
from __future__ import annotations

import logging
import os
import warnings
from collections import deque
from typing import Any, Iterator

__all__ = ["run_dask", "extract_batch", "open_client"]

log = logging.getLogger(__name__)


def extract_batch(pairs: list[tuple[str, Any]], pipeline: Any = None) -> list[tuple]:
    """Runs on a worker: extract each (where, document) pair."""
    from rasd.batch import extract_safely
    if pipeline is None:
        from rasd import default_pipeline
        pipeline = default_pipeline()
    return [extract_safely(pipeline, where, doc) for where, doc in pairs]


def open_client(workers: int | None = None, scheduler: str | None = None) -> tuple[Any, Any]:
    """A Client on ``scheduler``, or on a new LocalCluster of ``workers`` processes
    (one thread each: the pipeline is CPU-bound Python). Returns (client, cluster|None)."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:  # the optional extra is missing
        raise RuntimeError("--engine dask needs dask.distributed: pip install 'rasd[scale]'") from exc
    if scheduler:
        return Client(scheduler), None
    n = workers or os.cpu_count() or 1
    with warnings.catch_warnings():
        # the scheduler's HTTP port falls back to a free one when 8787 is taken
        warnings.filterwarnings("ignore", message="Port .* is already in use")
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=logging.WARNING)
    return Client(cluster), cluster


def run_dask(run: Any, batches: Iterator[list[Any]], *, pipeline: Any = None,
             workers: int | None = None, scheduler: str | None = None) -> None:
    client, cluster = open_client(workers, scheduler)
    try:
        n_workers = max(1, len(client.scheduler_info().get("workers", {})) or (workers or 1))
        shared = client.scatter(pipeline, broadcast=True) if pipeline is not None else None
        in_flight: deque = deque()
        for batch in batches:
            todo = run.split(batch)
            if todo:
                in_flight.append(client.submit(extract_batch, todo, shared, pure=False))
            else:
                run.tick()
            while len(in_flight) >= 2 * n_workers:
                run.write(in_flight.popleft().result())
        while in_flight:
            run.write(in_flight.popleft().result())
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
