#!/usr/bin/env python3
"""Extraction wall time as a multiple of a bag-of-keywords scan of the same articles.

    python bench/keyword_ratio.py [--limit 500] [--rounds 2]

Writes the first ``--limit`` corpus articles (``../shared/tools/corpus.py``) to a JSON-lines
file, then times, alternately and each in a fresh process:

- two yardsticks, bag-of-keywords scans that read the same file and write one JSON line per
  article with the trigger words of ``rasd/data/events/triggers.tsv`` found in it: ``substring``
  searches every trigger word in the text (what a keyword coder does: clitics and phrases
  found, nothing normalised), ``tokens`` intersects the whitespace words with the trigger
  words (the cheapest possible floor: no clitics, no phrases);
- ``rasd extract FILE -f jsonl`` (the command a user runs), output to a file.

Prints the best wall time of each and their ratio (issue target: at most 8x). Machines
differ threefold in speed; only the ratio, measured side by side, means anything.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS_TOOL = ROOT.parent / "shared" / "tools" / "corpus.py"

KEYWORD_SCAN = r'''
import json, sys
mode = sys.argv[4]
words = set()
for line in open(sys.argv[1], encoding="utf-8"):
    if line.startswith("#") or line.startswith("pattern\t") or not line.strip():
        continue
    cells = line.rstrip("\n").split("\t")
    if len(cells) > 7 and cells[7] not in ("0", ""):
        words.update(w.strip().strip("*") for w in cells[0].split("|") if len(w.strip().strip("*")) > 2)
with open(sys.argv[3], "w", encoding="utf-8") as out:
    for line in open(sys.argv[2], encoding="utf-8"):
        article = json.loads(line)
        text = article.get("text") or ""
        if mode == "tokens":   # whitespace words that are one-word triggers
            found = sorted(set(text.split()) & words)
        else:                  # every trigger word searched in the text, as a keyword coder does
            found = sorted(w for w in words if w in text)
        out.write(json.dumps({"id": article.get("id"), "keywords": found}, ensure_ascii=False) + "\n")
'''


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=500)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    if not CORPUS_TOOL.exists():
        sys.exit(f"corpus not found at {CORPUS_TOOL}")
    with tempfile.TemporaryDirectory() as tmp:
        articles = Path(tmp) / "articles.jsonl"
        articles.write_text(subprocess.run([sys.executable, str(CORPUS_TOOL), "--limit", str(args.limit)],
                                           capture_output=True, text=True, check=True).stdout, encoding="utf-8")
        scan = Path(tmp) / "scan.py"
        scan.write_text(KEYWORD_SCAN, encoding="utf-8")
        triggers = ROOT / "rasd" / "data" / "events" / "triggers.tsv"
        keyword_cmds = {mode: [sys.executable, str(scan), str(triggers), str(articles), str(Path(tmp) / "kw.jsonl"), mode]
                        for mode in ("substring", "tokens")}
        rasd_cmd = [sys.executable, "-m", "rasd.cli", "extract", str(articles), "-f", "jsonl",
                    "-o", str(Path(tmp) / "events.jsonl")]
        keyword_times: dict[str, list[float]] = {mode: [] for mode in keyword_cmds}
        rasd_times = []
        for _ in range(args.rounds):
            for mode, cmd in keyword_cmds.items():
                keyword_times[mode].append(timed(cmd))
            rasd_times.append(timed(rasd_cmd))
        rs = min(rasd_times)
        print(f"articles {args.limit}  rasd extract -f jsonl {rs:.2f} s  (best of {args.rounds}, run alternately)")
        for mode, times in keyword_times.items():
            kw = min(times)
            print(f"  {mode:9} keyword scan {kw:.2f} s  ratio {rs / kw:.1f}x  (target <= 8x)")


if __name__ == "__main__":
    main()
