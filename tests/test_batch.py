"""Batch ingestion: every input kind of a folder, a summary and a failure log, idempotent
re-runs, a SIGKILL in the middle, and the Dask engine giving the single-process result.

A small keyword pipeline stands in for the extractor so that these tests pin the runner
and the store, not the extraction rules (tests/test_batch_pipeline.py runs the real one).
"""
from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from rasd.batch import run_ingest
from rasd.doc import DateRef, Event, Place
from rasd.store import EventQuery, open_store

REPO = Path(__file__).resolve().parent.parent

TOWNS = [("كفرنبل", "Kafranbel", 35.6136, 36.5617), ("سراقب", "Saraqib", 35.8627, 36.8006),
         ("خان شيخون", "Khan Shaykhun", 35.4417, 36.6508), ("أريحا", "Ariha", 35.8135, 36.6100)]


class KeywordPipeline:
    """A deterministic stand-in extractor: one event per sentence naming a known verb."""
    options = None
    _TRIGGERS = {"قصف": ("ASSAULT", "Explosions/Remote violence", "Shelling/artillery/missile attack"),
                 "اعتقل": ("COERCE", "Strategic developments", "Arrests")}

    def __call__(self, doc):
        if "⚠" in doc.text:
            raise ValueError("extractor bug on this input")
        for m in re.finditer(r"[^.!؟]+", doc.text):
            sentence = m.group().strip()
            start = doc.text.index(sentence, m.start())
            for trigger, (ptype, etype, sub) in self._TRIGGERS.items():
                at = sentence.find(trigger)
                if at < 0:
                    continue
                place = next((Place(en, name_ar=ar, admin1="Idlib", country="SYR", lat=lat, lon=lon,
                                    precision="town") for ar, en, lat, lon in TOWNS if ar in sentence), None)
                doc.events.append(Event(
                    id=f"e{len(doc.events) + 1}", plover_type=ptype, plover_mode=None,
                    acled_event_type=etype, acled_sub_event_type=sub, cameo=None, trigger=trigger,
                    trigger_span=(start + at, start + at + len(trigger)), sentence=sentence,
                    span=(start, start + len(sentence)), location=place,
                    date=DateRef(doc.published.isoformat(), "day") if doc.published else None,
                    fatalities=len(sentence) % 4))
        return doc


def _article(i: int) -> str:
    ar, *_ = TOWNS[i % len(TOWNS)]
    return (f"أفادت مصادر محلية بأن قوات النظام قصفت بلدة {ar} بالمدفعية الثقيلة في الهجوم رقم {i}. "
            f"وقالت المصادر إن الأهالي نزحوا نحو المخيمات القريبة بعد ليلة صعبة عاشتها البلدة {i}. "
            f"وذكر ناشطون أن الأجهزة الأمنية اعتقلت شابين من أبناء المنطقة عند حاجز على الطريق {i}.")


def _jsonl(path: Path, ids: range, *, day: str = "2019-05-20") -> None:
    with path.open("w", encoding="utf-8") as f:
        for i in ids:
            f.write(json.dumps({"id": f"doc-{i}", "date": day, "source": "Test Wire",
                                "url": f"https://wire.example/{i}", "text": _article(i)},
                               ensure_ascii=False) + "\n")


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    root = tmp_path / "in"
    (root / "feeds" / "deep").mkdir(parents=True)
    _jsonl(root / "a.jsonl", range(0, 6))
    with (root / "a.jsonl").open("a", encoding="utf-8") as f:
        f.write('{"id": "broken", "text": "قصف\n')                   # line 7: bad JSON
        f.write(json.dumps({"id": "doc-2", "text": _article(2)}, ensure_ascii=False) + "\n")  # line 8: again
        f.write(json.dumps({"id": "bug", "text": _article(99) + " ⚠"}, ensure_ascii=False) + "\n")
    (root / "feeds" / "deep" / "note.txt").write_text(_article(40), encoding="utf-8")
    (root / "feeds" / "page.html").write_text(
        f"<html><head><title>خبر</title></head><body><article><h1>قصف على أريحا</h1>"
        f"<p>{_article(41)}</p></article></body></html>", encoding="utf-8")
    (root / "feeds" / "empty.txt").write_text("", encoding="utf-8")
    return root


def test_ingest_folder_counts_and_failure_log(tmp_path, corpus_dir):
    store = open_store(tmp_path / "db.sqlite")
    log_path = tmp_path / "failures.log"
    ticks = []
    with log_path.open("w", encoding="utf-8") as log:
        summary = run_ingest([corpus_dir], store, pipeline=KeywordPipeline(), batch_size=4,
                             failure_log=log, progress=lambda s: ticks.append(s.read))
    assert (summary.read, summary.new, summary.duplicate, summary.failed) == (12, 8, 1, 3)
    assert summary.events == 16 and summary.error is None
    assert ticks and ticks[-1] == 12 and ticks == sorted(ticks)
    lines = log_path.read_text(encoding="utf-8").splitlines()
    where = {line.split("\t")[0]: line.split("\t")[1] for line in lines}
    assert where[f"{corpus_dir / 'a.jsonl'}:7"] == "E105"                 # malformed line
    assert where[f"{corpus_dir / 'a.jsonl'}:9"] == "E900"                 # extractor error
    assert where[str(corpus_dir / "feeds" / "empty.txt")] == "E101"
    assert store.has_document("doc-5") and not store.has_document("bug")
    s = store.stats()
    assert (s["documents"], s["events"]) == (8, 16)
    store.close()


def test_ingest_twice_stores_once(tmp_path, corpus_dir):
    store = open_store(tmp_path / "db.sqlite")
    first = run_ingest([corpus_dir], store, pipeline=KeywordPipeline())
    before = store.stats()
    again = run_ingest([corpus_dir], store, pipeline=KeywordPipeline())
    assert again.new == 0 and again.duplicate == first.new + first.duplicate
    assert store.stats() == before
    store.close()


def test_same_article_from_two_files_is_one_document(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    _jsonl(folder / "one.jsonl", range(0, 3))
    (folder / "copy.txt").write_text(_article(1), encoding="utf-8")   # same text, no id
    store = open_store(tmp_path / "db.sqlite")
    summary = run_ingest([folder], store, pipeline=KeywordPipeline())
    assert (summary.new, summary.duplicate) == (3, 1)
    store.close()


def test_missing_path_is_a_failure_not_a_crash(tmp_path):
    store = open_store(tmp_path / "db.sqlite")
    good = tmp_path / "good.jsonl"
    _jsonl(good, range(0, 2))
    (tmp_path / "empty").mkdir()
    summary = run_ingest([tmp_path / "nowhere.jsonl", good, tmp_path / "empty"], store,
                         pipeline=KeywordPipeline())
    assert [f.code for f in summary.failures] == ["E107", "E101"] and summary.new == 2
    assert summary.unread_paths == [str(tmp_path / "nowhere.jsonl"), str(tmp_path / "empty")]
    store.close()


CHILD = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {tests!r})
    from test_batch import KeywordPipeline
    from rasd.batch import run_ingest
    from rasd.store import open_store

    class Slow(KeywordPipeline):
        def __call__(self, doc):
            time.sleep(0.004)
            return super().__call__(doc)

    summary = run_ingest([sys.argv[1]], open_store(sys.argv[2]), pipeline=Slow(), batch_size=int(sys.argv[3]))
    print(summary.new, summary.duplicate, summary.failed)
""")


def _count(db: Path) -> int:
    import sqlite3
    if not db.exists():
        return 0
    with sqlite3.connect(db, timeout=30) as conn:
        try:
            return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        except sqlite3.OperationalError:
            return 0


def test_sigkill_mid_run_then_rerun_stores_everything_once(tmp_path):
    """Kill the ingesting process at random moments; the next run completes the job."""
    n = 300
    _jsonl(tmp_path / "big.jsonl", range(n))
    db = tmp_path / "db.sqlite"
    script = tmp_path / "child.py"
    script.write_text(CHILD.format(tests=str(Path(__file__).parent)), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    rng = random.Random(7)
    kills = 0
    for _attempt in range(3):
        before = _count(db)
        proc = subprocess.Popen([sys.executable, str(script), str(tmp_path / "big.jsonl"), str(db), "7"],
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.time() + 60
        while _count(db) < before + 20 and proc.poll() is None and time.time() < deadline:
            time.sleep(0.02)
        time.sleep(rng.uniform(0, 0.15))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
        stored = _count(db)
        assert stored < n or proc.returncode == 0
        with open_store(db) as store:      # after each kill: whole documents only
            _assert_whole(store)
    assert kills >= 1
    done = subprocess.run([sys.executable, str(script), str(tmp_path / "big.jsonl"), str(db), "7"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    new, dup, failed = map(int, done.stdout.split())
    assert failed == 0 and new + dup == n
    with open_store(db) as store:
        assert store.stats()["documents"] == n
        assert store.stats()["events"] == 2 * n
        _assert_whole(store)


def _assert_whole(store) -> None:
    from sqlalchemy import func, select
    from rasd.store.schema import documents, event_clusters, event_reports
    with store.engine.connect() as conn:
        per_doc = dict(conn.execute(select(event_reports.c.document_id, func.count())
                                    .group_by(event_reports.c.document_id)).all())
        for doc_id, n in conn.execute(select(documents.c.id, documents.c.event_count)):
            assert per_doc.get(doc_id, 0) == n
        assert set(per_doc) <= {d for (d,) in conn.execute(select(documents.c.id))}
        per_cluster = dict(conn.execute(select(event_reports.c.cluster_id, func.count())
                                        .group_by(event_reports.c.cluster_id)).all())
        assert dict(conn.execute(select(event_clusters.c.id, event_clusters.c.report_count)).all()) == per_cluster
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"


def _snapshot(store) -> list[dict]:
    rows = store.query_events(EventQuery(limit=None, order="date_asc", include_flagged=True))
    for row in rows:
        row.pop("created_at")
        row.pop("updated_at")
    docs = [store.get_document(d) for row in rows for d in row["document_ids"]]
    return sorted(rows, key=lambda r: r["id"]) + docs


@pytest.mark.slow
def test_dask_engine_gives_the_single_process_result(tmp_path):
    pytest.importorskip("dask.distributed")
    folder = tmp_path / "in"
    folder.mkdir()
    _jsonl(folder / "a.jsonl", range(0, 24), day="2019-05-20")
    _jsonl(folder / "b.jsonl", range(20, 40), day="2019-05-21")   # 4 repeats, next day
    local = open_store(tmp_path / "local.sqlite")
    dask = open_store(tmp_path / "dask.sqlite")
    s1 = run_ingest([folder], local, pipeline=KeywordPipeline(), batch_size=5)
    s2 = run_ingest([folder], dask, engine="dask", workers=2, pipeline=KeywordPipeline(), batch_size=5)
    assert (s1.new, s1.duplicate, s1.events) == (s2.new, s2.duplicate, s2.events) == (40, 4, 80)
    assert local.stats() == dask.stats()
    assert _snapshot(local) == _snapshot(dask)
    local.close()
    dask.close()
