#!/usr/bin/env python3
"""Dev figures with the reference scorer: articles (../shared/gold/real), detection and gsr.

    python bench/dev_eval.py [--out DIR] [--only articles|detection|gsr ...] [--cross-validate [--models DIR]]

Runs the default pipeline on each gold set, writes predictions under ``--out`` and prints
the last line of ``../shared/tools/score.py`` for each. Skips what ../shared lacks.

The bundled status model was trained on these same sets, so those figures are in-sample.
``--cross-validate`` gives the honest estimate: each record is read by a pipeline whose
status model was trained (by ``scripts/train_status.py``) without the quarter of the data
that record falls in, the split ``train_status.py`` itself uses.
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


def _records(rows, pipeline_of):
    """Each row read as ``rasd extract`` reads a JSON line (boilerplate removal included),
    by the pipeline ``pipeline_of(id)`` gives for it."""
    import rasd
    for row in rows:
        doc = rasd.extract(row["text"], row.get("date"), id=str(row["id"]), title=row.get("title"),
                           source=row.get("source"), pipeline=pipeline_of(str(row["id"])))
        yield row, doc.to_dict()


def _held_apart_pipelines(models: Path | None = None):
    """A pipeline per quarter of the dev data, its status model trained on the other three.

    With ``models``, the quarter models are read from that folder when it holds them
    (and written there when it does not): a change to the rules is then measured with
    the same weights, apart from what retraining on its features would move."""
    sys.path.insert(0, str(ROOT / "scripts"))
    sys.path.insert(0, str(SHARED / "tools"))
    import train_status
    from rasd.events.status import EventStatus, StatusModel
    from rasd.pipeline import Pipeline
    samples = None
    pipelines = {}
    for bucket in range(4):
        saved = models / f"quarter-{bucket}.json" if models else None
        if saved is not None and saved.is_file():
            model = StatusModel.from_dict(json.loads(saved.read_text(encoding="utf-8")))
        else:
            samples = samples if samples is not None else train_status.collect(SHARED)
            rest = [s for s in samples if s["bucket"] != bucket]
            model = train_status.train(rest)
            model = StatusModel(model.weights, model.bias, train_status.oof_thresholds(rest))
            if saved is not None:
                saved.parent.mkdir(parents=True, exist_ok=True)
                saved.write_text(json.dumps(model.to_dict()), encoding="utf-8")
        pipeline = Pipeline()
        pipeline.replace("status", EventStatus(pipeline.options, model=model))
        pipelines[bucket] = pipeline
    return lambda record_id: pipelines[train_status.bucket_of(record_id)]


def _score(mode: str, pred: Path, gold: Path) -> str:
    out = subprocess.run([sys.executable, str(SCORER), mode, str(pred), str(gold)],
                         capture_output=True, text=True, check=True).stdout
    return out.strip().splitlines()[-1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path(tempfile.mkdtemp(prefix="rasd-dev-")))
    ap.add_argument("--only", nargs="*", default=["articles", "detection", "gsr"])
    ap.add_argument("--cross-validate", action="store_true",
                    help="read each record with a status model trained without its quarter")
    ap.add_argument("--models", type=Path,
                    help="with --cross-validate: a folder to keep the quarter models in and reuse")
    args = ap.parse_args()
    if not SCORER.is_file():
        sys.exit(f"no reference scorer at {SCORER}")
    from rasd.pipeline import Pipeline
    if args.cross_validate:
        pipeline_of = _held_apart_pipelines(args.models)
    else:
        default = Pipeline()
        pipeline_of = lambda record_id: default  # noqa: E731
    args.out.mkdir(parents=True, exist_ok=True)
    if "articles" in args.only:
        gold_dir = SHARED / "gold" / "real"
        lines = subprocess.run([sys.executable, str(SHARED / "tools" / "corpus.py"), "--gold", str(gold_dir)],
                               capture_output=True, text=True, check=True).stdout.splitlines()
        pred_dir = args.out / "articles"
        pred_dir.mkdir(exist_ok=True)
        for row, rec in _records((json.loads(l) for l in lines if l.strip()), pipeline_of):
            (pred_dir / f"{row['id']}.json").write_text(json.dumps(rec, ensure_ascii=False), encoding="utf-8")
        print("articles ", _score("articles", pred_dir, gold_dir))
    for mode, name in (("detection", "detection_dev.jsonl"), ("gsr", "gsr_dev.jsonl")):
        if mode not in args.only:
            continue
        gold = SHARED / "eval" / name
        rows = [json.loads(l) for l in gold.read_text(encoding="utf-8").splitlines() if l.strip()]
        pred = args.out / f"{mode}.jsonl"
        with pred.open("w", encoding="utf-8") as fh:
            for _, rec in _records(rows, pipeline_of):
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        print(f"{mode:9}", _score(mode, pred, gold))
    print(f"predictions in {args.out}")


if __name__ == "__main__":
    main()
