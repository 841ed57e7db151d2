#!/usr/bin/env python3
"""False violence on articles with nothing violent in them (sports papers by default).

    python bench/false_positives.py [--source NAME ...] [--url-contains TEXT] [--limit N]
                                    [--input FILE.jsonl] [--show N]

Runs the default pipeline over each article and prints the share of articles that yield at
least one real (unflagged) ASSAULT or PROTEST event, and the trigger words responsible.
Articles come from ``--input`` (JSON lines: id, date, text) or from the project's corpus
tool (``../shared/tools/corpus.py``, ``--source`` defaults to the two sports papers).
The target is at most 1 % of articles.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CORPUS_TOOL = ROOT.parent / "shared" / "tools" / "corpus.py"
SPORTS_SOURCES = ("arreyadi", "arriyadiyah")
WATCHED = ("ASSAULT", "PROTEST")


def read_articles(args: argparse.Namespace) -> list[dict]:
    if args.input:
        lines = Path(args.input).read_text(encoding="utf-8").splitlines()
        rows = [json.loads(line) for line in lines if line.strip()]
    else:
        if not CORPUS_TOOL.is_file():
            sys.exit(f"no corpus tool at {CORPUS_TOOL}; give --input FILE.jsonl")
        rows = []
        sources = args.source or ([None] if args.url_contains else SPORTS_SOURCES)
        for source in sources:
            cmd = [sys.executable, str(CORPUS_TOOL)] + (["--source", source] if source else [])
            out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
            rows += [json.loads(line) for line in out.splitlines() if line.strip()]
        if args.url_contains:
            rows = [r for r in rows if args.url_contains in (r.get("url") or "")]
    rows = [r for r in rows if (r.get("text") or "").strip()]
    return rows[: args.limit] if args.limit else rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", action="append", help="corpus source (repeatable); default: the sports papers")
    ap.add_argument("--limit", type=int, help="at most this many non-empty articles")
    ap.add_argument("--input", help="JSON lines of articles instead of the corpus tool")
    ap.add_argument("--url-contains", help="keep corpus articles whose URL contains this (e.g. /Sports/ for "
                                          "the sports sections of general papers); all sources unless --source")
    ap.add_argument("--show", type=int, default=10, help="print this many offending sentences")
    ap.add_argument("--top", type=int, default=15, help="print this many trigger words")
    args = ap.parse_args(argv)

    import rasd
    from rasd.evaluate import is_real
    from rasd.text.normalize import fold

    articles = read_articles(args)
    if not articles:
        print("no articles")
        return 1
    pipeline = rasd.default_pipeline()
    flagged_articles = 0
    triggers: Counter[str] = Counter()
    types: Counter[str] = Counter()
    examples: list[str] = []
    t0 = time.perf_counter()
    skipped = 0
    for art in articles:
        try:
            doc = rasd.extract(art["text"], published=art.get("date"), id=art.get("id"), pipeline=pipeline)
        except rasd.InputError:
            skipped += 1  # nothing left after removing page furniture: no events either
            continue
        bad = [e for e in doc.to_dict()["events"]
               if is_real(e) and (e.get("plover") or {}).get("type") in WATCHED]
        if not bad:
            continue
        flagged_articles += 1
        for e in bad:
            triggers[fold(e.get("trigger") or "?")] += 1
            types[e["plover"]["type"]] += 1
            if len(examples) < args.show:
                examples.append(f"[{art.get('id')}] {e['plover']['type']} «{e.get('trigger')}»: "
                                f"{(e.get('sentence') or '')[:160]}")
    elapsed = time.perf_counter() - t0
    share = flagged_articles / len(articles)
    print(f"articles {len(articles)}  with ASSAULT/PROTEST {flagged_articles}  share {share:.3f}"
          f"  (target ≤ 0.010)  events {dict(types)}  unreadable {skipped}  {len(articles) / elapsed:.1f} articles/s")
    if triggers:
        print("top triggers: " + ", ".join(f"{w} {n}" for w, n in triggers.most_common(args.top)))
    for line in examples:
        print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
