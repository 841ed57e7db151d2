"""Throughput of batch ingestion: documents/second and peak memory.

    python bench/scale.py --corpus articles.jsonl --docs 100000 --modes store,local,dask1,dask2
    python bench/scale.py --corpus articles.jsonl --limit 2000          # a quick run
    python bench/scale.py ... --db postgresql://user@host/db             # into PostgreSQL
    python bench/scale.py ... --modes dask --scheduler tcp://host:8786  # a real cluster

Modes:
    store   the store alone: pre-extracted contract records (``--records``, made once with
            ``--make-records``) are added in batches. Reported twice: the single writer's
            time (``docs_per_s_write``: de-duplication, clustering, inserts, commits), and
            with the preparation that Dask workers do for it (``features`` + ``prepare``:
            folding, MinHash, validation, JSON) done in the same process
            (``docs_per_s_one_process``).
    local   ``run_ingest(engine="local")``: read, extract and store in this process.
    dask1, dask2, dask   ``run_ingest(engine="dask")`` on a LocalCluster of 1 or 2 worker
            processes, or on ``--scheduler``.

The input is the corpus (``python3 shared/tools/corpus.py > articles.jsonl``) replicated
to ``--docs`` documents: copy k of an article gets the id ``<id>~k``, the URL
``<url>?copy=k`` and one extra line of text, so that every copy is a new document (and a
near-duplicate of the original, which exercises the LSH path). Each mode writes to a fresh
database (SQLite files in a temporary directory unless ``--db`` names a PostgreSQL server,
whose tables are dropped first).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path
from typing import Any, Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def replicate(path: Path, total: int, *, records: bool = False) -> Iterator[dict[str, Any]]:
    """The lines of ``path`` (articles or contract records), cycled with changed ids until
    ``total`` items were produced."""
    produced = 0
    copy = 0
    while produced < total:
        with path.open(encoding="utf-8") as f:
            for line in f:
                if produced >= total:
                    return
                item = json.loads(line)
                if copy:
                    doc = item["document"] if records else item
                    doc["id"] = f"{doc['id']}~{copy}"
                    if doc.get("url"):
                        doc["url"] = f"{doc['url']}?copy={copy}"
                    doc["text"] = doc["text"] + f"\nنسخة رقم {copy}"
                yield item
                produced += 1
        copy += 1
        if produced == 0:
            raise SystemExit(f"{path} is empty")


def fresh_db(url: str | None, tag: str, tmp: Path) -> str:
    if url is None:
        return str(tmp / f"{tag}.sqlite")
    from sqlalchemy import create_engine
    from rasd.store.db import resolve_url
    from rasd.store.schema import metadata
    engine = create_engine(resolve_url(url))
    with engine.begin() as conn:
        metadata.drop_all(conn)
        conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    engine.dispose()
    return url


def make_records(corpus: Path, out: Path, limit: int | None, workers: int) -> None:
    """Extract the corpus once (Dask, ``workers`` processes) into contract records."""
    from rasd.batch import run_ingest

    class Keep:
        """A store stand-in that keeps what it is given."""
        def __init__(self, stream):
            self.stream = stream

        def existing_ids(self, ids):
            return set()

        def add_prepared(self, docs):
            from rasd.store.writer import AddResult
            for d in docs:
                record = {"document": {**json.loads(d.row["meta_json"]), "text": d.row["text"]},
                          "entities": json.loads(d.row["entities_json"]),
                          "events": [json.loads(r.row["record_json"]) for r in d.reports]}
                self.stream.write(json.dumps(record, ensure_ascii=False) + "\n")
            return [AddResult(d.id, "new", len(d.reports)) for d in docs]

    src = corpus
    if limit:
        src = out.with_suffix(".input.jsonl")
        with corpus.open(encoding="utf-8") as f, src.open("w", encoding="utf-8") as g:
            g.writelines(islice(f, limit))
    with out.open("w", encoding="utf-8") as stream:
        s = run_ingest([src], Keep(stream), engine="dask", workers=workers, batch_size=50)
    print(f"extracted {s.new:,} records ({s.failed:,} failed) in {s.elapsed:,.0f} s "
          f"= {s.docs_per_second:,.1f} docs/s", file=sys.stderr)


def bench_store(records: Path, total: int, db: str, batch: int) -> dict[str, Any]:
    """The single writer's work, timed apart from what Dask workers do for it
    (de-duplication features, validation and flattening: ``features`` + ``prepare``)."""
    from rasd.store import features, open_store, prepare
    store = open_store(db)
    write_s = worker_s = 0.0
    n = reports = founded = 0
    it = replicate(records, total, records=True)
    while True:
        chunk = list(islice(it, batch))
        if not chunk:
            break
        t0 = time.perf_counter()
        docs = [prepare(r, None, features(r["document"]["text"], record=r)) for r in chunk]
        t1 = time.perf_counter()
        results = store.add_prepared(docs)
        t2 = time.perf_counter()
        worker_s += t1 - t0
        write_s += t2 - t1
        n += len(chunk)
        reports += sum(r.events_added for r in results)
        founded += sum(r.events_founded for r in results)
    stats = store.stats()
    store.close()
    return {"mode": "store", "documents": n, "reports": reports, "new_events": founded, "write_s": round(write_s, 2),
            "docs_per_s_write": round(n / write_s, 1),
            "prepare_s": round(worker_s, 2),
            "docs_per_s_one_process": round(n / (write_s + worker_s), 1),
            "stored": stats["documents"], "near_duplicates": stats["near_duplicates"],
            "clusters": stats["clusters"], "peak_rss_mb": round(_rss_mb())}


def bench_ingest(inputs: Path, db: str, mode: str, batch: int, scheduler: str | None) -> dict[str, Any]:
    from rasd.batch import run_ingest
    from rasd.store import open_store
    store = open_store(db)
    worker_rss = None
    if mode == "local":
        summary = run_ingest([inputs], store, batch_size=batch)
    else:
        from dask.distributed import Client, LocalCluster
        cluster = None
        if scheduler is None:
            n = int(mode[-1]) if mode[-1].isdigit() else (os.cpu_count() or 1)
            cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                   dashboard_address=None)
            scheduler = cluster.scheduler_address
        summary = run_ingest([inputs], store, engine="dask", scheduler=scheduler, batch_size=batch)
        with Client(scheduler) as client:
            rss = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
            worker_rss = [round(v) for v in rss.values()]
        if cluster is not None:
            cluster.close()
    stats = store.stats()
    store.close()
    return {"mode": mode, "documents": summary.read, "new": summary.new,
            "duplicate": summary.duplicate, "failed": summary.failed, "reports": summary.reports,
            "new_events": summary.new_events,
            "seconds": round(summary.elapsed, 1), "docs_per_s": round(summary.docs_per_second, 1),
            "clusters": stats["clusters"], "near_duplicates": stats["near_duplicates"],
            "peak_rss_mb": round(_rss_mb()), "worker_peak_rss_mb": worker_rss}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, required=True, help="articles as JSON lines (corpus.py output)")
    ap.add_argument("--docs", type=int, default=100_000, help="documents per mode (the corpus replicated)")
    ap.add_argument("--limit", type=int, help="quick run: this many documents per mode instead of --docs")
    ap.add_argument("--modes", default="store,local,dask1,dask2")
    ap.add_argument("--db", help="PostgreSQL URL (tables are dropped!); SQLite files in a temp dir by default")
    ap.add_argument("--records", type=Path, help="pre-extracted contract records for the store mode")
    ap.add_argument("--make-records", action="store_true", help="extract --corpus into --records first")
    ap.add_argument("--records-limit", type=int, help="with --make-records: extract only this many articles")
    ap.add_argument("--batch-size", type=int, default=200)
    ap.add_argument("--scheduler", help="Dask scheduler address for the 'dask' mode")
    ap.add_argument("--out", type=Path, help="append the results (JSON lines) here")
    args = ap.parse_args()
    total = args.limit or args.docs
    if args.make_records:
        if not args.records:
            ap.error("--make-records needs --records FILE")
        make_records(args.corpus, args.records, args.records_limit, workers=2)
    machine = {"cpus": os.cpu_count(), "python": platform.python_version(), "machine": platform.machine()}
    with tempfile.TemporaryDirectory(prefix="rasd-bench-") as tmp:
        tmp_path = Path(tmp)
        inputs = tmp_path / "input.jsonl"
        modes = [m.strip() for m in args.modes.split(",") if m.strip()]
        if any(m != "store" for m in modes):
            with inputs.open("w", encoding="utf-8") as f:
                for doc in replicate(args.corpus, total):
                    f.write(json.dumps(doc, ensure_ascii=False) + "\n")
        for mode in modes:
            db = fresh_db(args.db, mode, tmp_path)
            if mode == "store":
                if not args.records:
                    ap.error("the store mode needs --records (make them with --make-records)")
                result = bench_store(args.records, total, db, args.batch_size)
            elif mode in ("local", "dask1", "dask2", "dask"):
                result = bench_ingest(inputs, db, mode, args.batch_size,
                                      args.scheduler if mode == "dask" else None)
            else:
                ap.error(f"unknown mode {mode!r}")
            result.update(backend="postgresql" if args.db else "sqlite", batch_size=args.batch_size,
                          machine=machine)
            line = json.dumps(result)
            print(line, flush=True)
            if args.out:
                with args.out.open("a", encoding="utf-8") as f:
                    f.write(line + "\n")


if __name__ == "__main__":
    main()
