#!/usr/bin/env python3
"""Extraction throughput, start-up time and peak memory on real articles.

    python bench/throughput.py [--limit 2000] [--words 400]

Reads the SaudiNewsNet corpus from ../shared/corpus (via ../shared/tools/corpus.py), runs
`rasd.extract` over the articles in one process and prints articles/second (all articles
and normalised to 400-word articles), time to first result in a fresh process, and peak RSS.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS_TOOL = ROOT.parent / "shared" / "tools" / "corpus.py"


def load_articles(limit: int) -> list[dict]:
    if not CORPUS_TOOL.exists():
        sys.exit(f"corpus not found at {CORPUS_TOOL}")
    out = subprocess.run([sys.executable, str(CORPUS_TOOL), "--limit", str(limit)],
                         capture_output=True, text=True, check=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def startup_seconds() -> float:
    """Wall time of a fresh process that imports rasd and extracts one short article."""
    code = ("import rasd; d = rasd.extract('قتل ثلاثة مدنيين في قصف على بلدة كفرنبودة', published='2019-05-20');"
            "assert d.to_dict()")
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=2000)
    ap.add_argument("--json", action="store_true", help="print one JSON line")
    args = ap.parse_args()

    startup = startup_seconds()
    articles = load_articles(args.limit)
    import rasd
    from rasd.errors import InputError

    pipeline = rasd.default_pipeline()
    words = sum(len(a["text"].split()) for a in articles)
    t0 = time.perf_counter()
    events = failed = 0
    for a in articles:
        try:
            doc = rasd.extract(a["text"], a.get("date"), id=a["id"], pipeline=pipeline)
            events += len(doc.events)
        except InputError:
            failed += 1
    elapsed = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {
        "articles": len(articles), "failed": failed, "events": events,
        "mean_words": round(words / max(len(articles), 1)),
        "articles_per_s": round(len(articles) / elapsed, 1),
        "articles_per_s_at_400_words": round(words / 400 / elapsed, 1),
        "startup_s": round(startup, 2), "peak_rss_mb": round(peak_mb),
        "cpu": os.cpu_count(), "python": sys.version.split()[0],
    }
    if args.json:
        print(json.dumps(result))
    else:
        for k, v in result.items():
            print(f"{k:>28}: {v}")


if __name__ == "__main__":
    main()
