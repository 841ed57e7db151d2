#!/usr/bin/env python3
"""Dev figures with the reference scorer: articles (../shared/gold/real), detection and gsr.

    python bench/dev_eval.py [--out DIR] [--only articles|detection|gsr ...]

Runs the default pipeline on each gold set, writes predictions under ``--out`` and prints
the last line of ``../shared/tools/score.py`` for each. Skips what ../shared lacks.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"
SCORER = SHARED / "tools" / "score.py"


def _records(rows, pipeline):
    """Each row read as ``rasd extract`` reads a JSON line (boilerplate removal included)."""
    import rasd
    for row in rows:
        doc = rasd.extract(row["text"], row.get("date"), id=str(row["id"]), title=row.get("title"),
                           source=row.get("source"), pipeline=pipeline)
        yield row, doc.to_dict()


def _score(mode: str, pred: Path, gold: Path) -> str:
    out = subprocess.run([sys.executable, str(SCORER), mode, str(pred), str(gold)],
                         capture_output=True, text=True, check=True).stdout
    return out.strip().splitlines()[-1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path(tempfile.mkdtemp(prefix="rasd-dev-")))
    ap.add_argument("--only", nargs="*", default=["articles", "detection", "gsr"])
    args = ap.parse_args()
    if not SCORER.is_file():
        sys.exit(f"no reference scorer at {SCORER}")
    from rasd.pipeline import Pipeline
    pipeline = Pipeline()
    args.out.mkdir(parents=True, exist_ok=True)
    if "articles" in args.only:
        gold_dir = SHARED / "gold" / "real"
        lines = subprocess.run([sys.executable, str(SHARED / "tools" / "corpus.py"), "--gold", str(gold_dir)],
                               capture_output=True, text=True, check=True).stdout.splitlines()
        pred_dir = args.out / "articles"
        pred_dir.mkdir(exist_ok=True)
        for row, rec in _records((json.loads(l) for l in lines if l.strip()), pipeline):
            (pred_dir / f"{row['id']}.json").write_text(json.dumps(rec, ensure_ascii=False), encoding="utf-8")
        print("articles ", _score("articles", pred_dir, gold_dir))
    for mode, name in (("detection", "detection_dev.jsonl"), ("gsr", "gsr_dev.jsonl")):
        if mode not in args.only:
            continue
        gold = SHARED / "eval" / name
        rows = [json.loads(l) for l in gold.read_text(encoding="utf-8").splitlines() if l.strip()]
        pred = args.out / f"{mode}.jsonl"
        with pred.open("w", encoding="utf-8") as fh:
            for _, rec in _records(rows, pipeline):
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        print(f"{mode:9}", _score(mode, pred, gold))
    print(f"predictions in {args.out}")


if __name__ == "__main__":
    main()
