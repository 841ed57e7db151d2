"""The same input gives the same store whatever the batch size: a report that fits two
clusters joins the one founded first, whether the two were founded in one batch or two."""
from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from rasd.batch import run_ingest
from rasd.doc import DateRef, Event, Place
from rasd.store import EventQuery, open_store
from rasd.store.writer import cluster_id_for

# Kafranbel and Saraqib are about 35 km apart (two places); the governorate fits both
PLACES = {
    "kafranbel": Place("Kafranbel", name_ar="كفرنبل", admin1="Idlib", country="SYR",
                       lat=35.6136, lon=36.5617, precision="town"),
    "saraqib": Place("Saraqib", name_ar="سراقب", admin1="Idlib", country="SYR",
                     lat=35.8627, lon=36.8006, precision="town"),
    "idlib": Place("Idlib", name_ar="إدلب", admin1="Idlib", country="SYR",
                   lat=35.93, lon=36.63, precision="governorate"),
}
TEXT = {
    "kafranbel": "قصفت قوات النظام بلدة كفرنبل بالمدفعية صباح اليوم في الهجوم رقم {n}.",
    "saraqib": "قصفت قوات النظام مدينة سراقب بالصواريخ بعد الظهر في الهجوم رقم {n}.",
    "idlib": "قصفت قوات النظام ريف إدلب الجنوبي اليوم وفق ناشطين في الهجوم رقم {n}.",
}


class PlacePipeline:
    """One shelling event per document, placed where the record's ``place`` says."""
    options = None

    def __call__(self, doc):
        at = doc.text.index("قصف")
        sentence = doc.text.strip()
        doc.events.append(Event(
            id="e1", plover_type="ASSAULT", plover_mode=None,
            acled_event_type="Explosions/Remote violence",
            acled_sub_event_type="Shelling/artillery/missile attack", cameo=None, trigger="قصف",
            trigger_span=(at, at + 3), sentence=sentence, span=(0, len(sentence)),
            location=PLACES[doc.meta["place"]], date=DateRef(doc.published.isoformat(), "day"),
            fatalities=None))
        return doc


def _corpus(path: Path, groups: int) -> list[tuple[str, str, str]]:
    """Per day, a Kafranbel report, a Saraqib report and a governorate-level one;
    returns the (kafranbel, saraqib, idlib) document ids of each day."""
    days = []
    with path.open("w", encoding="utf-8") as out:
        for g in range(groups):
            day = (date(2019, 5, 1) + timedelta(days=3 * g)).isoformat()
            ids = []
            for place in ("kafranbel", "saraqib", "idlib"):
                doc_id = f"{place}-{g}"
                ids.append(doc_id)
                out.write(json.dumps({"id": doc_id, "date": day, "place": place,
                                      "text": TEXT[place].format(n=g)}, ensure_ascii=False) + "\n")
            days.append(tuple(ids))
    return days


def _clusters(db: Path, source: Path, batch_size: int) -> set[frozenset[str]]:
    store = open_store(db)
    summary = run_ingest([source], store, pipeline=PlacePipeline(), batch_size=batch_size)
    assert summary.failed == 0 and summary.error is None, summary.failures
    rows = store.query_events(EventQuery(limit=None))
    store.close()
    return {frozenset(row["document_ids"]) for row in rows}


def test_clusters_do_not_depend_on_the_batch_size(tmp_path):
    source = tmp_path / "reports.jsonl"
    days = _corpus(source, groups=16)
    # the test needs days where the later-founded cluster has the smaller id (a tie
    # broken by id inside one batch would then differ from a tie broken by order)
    assert any(cluster_id_for(saraqib, 0) < cluster_id_for(kafranbel, 0)
               for kafranbel, saraqib, _ in days)
    results = {size: _clusters(tmp_path / f"b{size}.sqlite", source, size) for size in (1, 2, 3, 100)}
    assert results[1] == results[2] == results[3] == results[100]
    expected = {frozenset({k, i}) for k, _, i in days} | {frozenset({s}) for _, s, _ in days}
    assert results[100] == expected  # the governorate report joins the first-founded cluster


@pytest.mark.parametrize("batch_size", [1, 7])
def test_second_run_in_batches_matches_one_run(tmp_path, batch_size):
    """Ingesting in two runs (the store growing between them) gives what one run gives."""
    source = tmp_path / "reports.jsonl"
    _corpus(source, groups=6)
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text("".join(lines[:8]), encoding="utf-8")
    second.write_text("".join(lines[8:]), encoding="utf-8")
    store = open_store(tmp_path / "two-runs.sqlite")
    for part in (first, second):
        run_ingest([part], store, pipeline=PlacePipeline(), batch_size=batch_size)
    two_runs = {frozenset(row["document_ids"]) for row in store.query_events(EventQuery(limit=None))}
    store.close()
    assert two_runs == _clusters(tmp_path / "one-run.sqlite", source, 100)


@pytest.mark.postgres
def test_postgresql_store_gets_the_sqlite_clusters(tmp_path, pg_database):
    source = tmp_path / "reports.jsonl"
    _corpus(source, groups=10)
    store = open_store(pg_database)
    run_ingest([source], store, pipeline=PlacePipeline(), batch_size=4)
    on_postgres = {frozenset(row["document_ids"]) for row in store.query_events(EventQuery(limit=None))}
    store.close()
    assert on_postgres == _clusters(tmp_path / "sqlite.sqlite", source, 100)
