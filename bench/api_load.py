"""Load test of the HTTP API: ``GET /api/events`` with filters against a store holding
≥ 100,000 events.

    python bench/api_load.py                      # build a temp store, run, print a report
    python bench/api_load.py --db /tmp/load.sqlite --keep   # reuse the store next time
    python bench/api_load.py --events 20000 --requests 500  # a quick run
    python bench/api_load.py --duration 60        # 8 clients for 60 s (the figures in docs/web.md)

The server runs in a subprocess (uvicorn, one worker, loopback only); the client is
httpx with a thread per concurrent connection. Reports requests/second and p50/p95/p99
latency per query and overall; the goal is p99 < 200 ms for a filtered page.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

COUNTRIES = ["SYR", "IRQ", "YEM", "SDN", "LBY"]
TYPES = ["ASSAULT", "PROTEST", "COERCE", "MOBILIZE"]
PLACES = [(35.9, 36.6), (36.3, 43.1), (13.6, 44.0), (15.6, 32.5), (32.9, 13.2), (33.3, 44.4)]
ACTORS = ["Rapid Support Forces", "Houthis", "Iraqi Army", "Syrian Army", "Islamic State"]
WORDS = ["مداهمات", "غارات", "اشتباكات", "تعزيزات", "مدنيين"]
ADMIN1 = ["Nineveh", "Hama", "Idlib", "Taiz", "Khartoum", "Tripoli"]


def _month(rng: random.Random) -> tuple[str, str]:
    year, month = rng.choice([2024, 2025, 2026]), rng.randint(1, 12)
    return f"{year}-{month:02d}-01", f"{year}-{month:02d}-28"


# Each query kind draws its values at random, so that repeated requests are not all alike
# (the server caches totals per filter until the store's next write).
QUERIES = {
    "type+country": lambda r: {"type": r.choice(TYPES), "country": r.choice(COUNTRIES), "limit": 50},
    "date window": lambda r: dict(zip(("since", "until"), _month(r)), limit=50),
    "admin1+type": lambda r: {"admin1": r.choice(ADMIN1), "type": r.choice(TYPES), "limit": 50},
    "actor": lambda r: {"actor": r.choice(ACTORS), "limit": 50},
    "near": lambda r: {"near": "{},{},{}".format(*r.choice(PLACES), r.choice([20, 40, 80])), "limit": 50},
    "text": lambda r: {"text": r.choice(WORDS), "limit": 50},
    "deep page": lambda r: {"country": r.choice(COUNTRIES), "limit": 50, "offset": 50 * r.randint(1, 100)},
    "geojson": lambda r: {"country": r.choice(COUNTRIES), "type": r.choice(TYPES), "format": "geojson", "limit": 500},
}


def build_store(path: str, events: int, per_doc: int = 2, batch: int = 500) -> dict:
    from rasd.api.synthetic import synthetic_records
    from rasd.store import open_store

    store = open_store(path)
    have = store.count_events()
    t0 = time.perf_counter()
    if have < events:
        docs = (events - have) // per_doc + (events - have) // (per_doc * 5)  # margin: merged clusters
        records = synthetic_records(docs, seed=have, events=per_doc, days=3 * 365, jitter=1.5,
                                    filler=30)
        chunk: list[dict] = []
        for i, record in enumerate(records):
            record["document"]["id"] = f"syn-{have}-{i}"
            chunk.append(record)
            if len(chunk) == batch:
                store.add_records(chunk)
                chunk = []
        if chunk:
            store.add_records(chunk)
    stats = store.stats()
    store.close()
    return {"documents": stats["documents"], "events": stats["events"],
            "clusters": stats.get("clusters"), "build_s": round(time.perf_counter() - t0, 1)}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(db: str, port: int) -> subprocess.Popen:
    env = dict(os.environ, RASD_DB=db)
    env.pop("RASD_API_TOKEN", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "rasd.api:create_app", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning", "--no-access-log"],
        env=env, cwd=str(Path(__file__).resolve().parent.parent))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/stats", timeout=30).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("server did not start")


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def run_load(base: str, requests: int, concurrency: int, seed: int = 1,
             duration: float | None = None) -> dict:
    """``requests`` requests in all, or as many as the clients send in ``duration`` seconds."""
    rng = random.Random(seed)
    results: list[tuple[str, float, int]] = []
    lock = threading.Lock()
    sent = 0

    def next_request() -> tuple[str, dict] | None:
        nonlocal sent
        with lock:
            if duration is None and sent >= requests or duration is not None and time.perf_counter() >= stop:
                return None
            sent += 1
            name = rng.choice(list(QUERIES))
            return name, QUERIES[name](rng)

    def worker() -> None:
        with httpx.Client(base_url=base, timeout=30) as client:
            while True:
                planned = next_request()
                if planned is None:
                    return
                name, params = planned
                t0 = time.perf_counter()
                try:
                    status = client.get("/api/events", params=params).status_code
                except httpx.TransportError:  # a timeout or a dropped connection: an error
                    status = 0
                dt = time.perf_counter() - t0
                with lock:
                    results.append((name, dt, status))

    # warm up: every query once
    with httpx.Client(base_url=base, timeout=60) as client:
        for make in QUERIES.values():
            client.get("/api/events", params=make(random.Random(seed - 1))).raise_for_status()
    t0 = time.perf_counter()
    stop = t0 + (duration or 0)
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    report: dict = {"requests": len(results), "concurrency": concurrency, "wall_s": round(wall, 1),
                    "errors": sum(1 for _, _, s in results if s != 200),
                    "rps": round(len(results) / wall, 1)}

    def summary(times: list[float]) -> dict:
        return {"n": len(times), "p50_ms": round(percentile(times, 0.5) * 1000, 1),
                "p95_ms": round(percentile(times, 0.95) * 1000, 1),
                "p99_ms": round(percentile(times, 0.99) * 1000, 1),
                "mean_ms": round(statistics.fmean(times) * 1000, 1)}

    report["overall"] = summary([dt for _, dt, _ in results])
    report["by_query"] = {name: summary([dt for n, dt, _ in results if n == name])
                          for name in QUERIES if any(n == name for n, _, _ in results)}
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="sqlite file to use (built when it holds too few events)")
    parser.add_argument("--events", type=int, default=100_000, help="events the store must hold")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--duration", type=float, help="run for this many seconds instead of --requests")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--keep", action="store_true", help="keep the temporary store")
    parser.add_argument("--out", help="also write the report (JSON) here")
    args = parser.parse_args()

    tmpdir = None
    db = args.db
    if db is None:
        tmpdir = tempfile.mkdtemp(prefix="rasd-load-")
        db = os.path.join(tmpdir, "load.sqlite")
    print(f"store: {db}", file=sys.stderr)
    built = build_store(db, args.events)
    print(f"store holds {built}", file=sys.stderr)
    port = free_port()
    server = start_server(db, port)
    try:
        report = run_load(f"http://127.0.0.1:{port}", args.requests, args.concurrency,
                          duration=args.duration)
    finally:
        server.terminate()
        server.wait(timeout=10)
    report["store"] = built
    report["machine"] = {"cpus": os.cpu_count(), "python": sys.version.split()[0]}
    text = json.dumps(report, indent=2, ensure_ascii=False)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    if tmpdir and not args.keep:
        for name in os.listdir(tmpdir):
            os.remove(os.path.join(tmpdir, name))
        os.rmdir(tmpdir)


if __name__ == "__main__":
    main()
