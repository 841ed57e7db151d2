"""The same input gives the same store whatever the batch size: a report that fits two
clusters joins the one founded first, whether the two were founded in one batch or two,
and a cluster stored by an earlier batch is found by the same rules (stated day and place,
or a reprint's text and publication day) as one of the same batch."""
from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from rasd.batch import run_ingest
from rasd.doc import DateRef, Event, Place
from rasd.store import EventQuery, open_store
from rasd.store.writer import cluster_id_for

KAFRANBEL = Place("Kafranbel", name_ar="كفرنبل", admin1="Idlib", country="SYR",
                  lat=35.6136, lon=36.5617, precision="town")
SHELLING = "Shelling/artillery/missile attack"
AIR = "Air/drone strike"
# Per group, on one stated day in Kafranbel: a shelling, an air strike, and a report that
# only says the town was hit (no sub-event), which fits both; and one wire item with no
# stated day and no place, printed on its day, two days later, and on the day between
# (which fits both earlier prints). Each report that fits two events must join the one
# founded first.
KINDS = {
    "shelling": (SHELLING, KAFRANBEL, "قصفت قوات النظام بلدة كفرنبل بالمدفعية صباح اليوم في الهجوم رقم {n}."),
    "airstrike": (AIR, KAFRANBEL, "شن الطيران الحربي غارات على مدينة كفرنبل بعد الظهر في الهجوم رقم {n}."),
    "attack": (None, KAFRANBEL, "استهدفت قوات النظام بلدة كفرنبل اليوم وفق ناشطين في الهجوم رقم {n}."),
    "wire": (SHELLING, None, "أعلنت قيادة التحالف أن مقذوفات عسكرية أطلقت من داخل الأراضي اليمنية "
                             "على قرى حدودية في البلاغ رقم {n}."),
}
DATELINES = ("الرياض - واس:", "جدة - واس:", "أبها - واس:")


class PlacePipeline:
    """One shelling-family event per document, as the record's ``kind`` says; the
    sentence is the text after the dateline, the date the stated day (``day``) or the
    publication week (``week``, as the extractor dates a text that states none)."""
    options = None

    def __call__(self, doc):
        sub, place, _ = KINDS[doc.meta["kind"]]
        sentence = doc.text.split(":", 1)[-1].strip()
        precision = "week" if doc.meta["kind"] == "wire" else "day"
        doc.events.append(Event(
            id="e1", plover_type="ASSAULT", plover_mode=None,
            acled_event_type="Explosions/Remote violence", acled_sub_event_type=sub, cameo=None,
            trigger=sentence.split()[0], trigger_span=(0, 3), sentence=sentence, span=(0, len(sentence)),
            location=place, date=DateRef(doc.published.isoformat(), precision), fatalities=None))
        return doc


def _line(doc_id: str, kind: str, day: date, n: int, dateline: str) -> str:
    return json.dumps({"id": doc_id, "date": day.isoformat(), "kind": kind,
                       "text": f"{dateline} {KINDS[kind][2].format(n=n)}"}, ensure_ascii=False) + "\n"


def _corpus(path: Path, groups: int) -> list[dict[str, str]]:
    """Writes the groups' reports; returns each group's document ids by role."""
    out, roles = [], []
    for g in range(groups):
        day = date(2019, 5, 1) + timedelta(days=4 * g)
        ids = {kind: f"{kind}-{g}" for kind in ("shelling", "airstrike", "attack")}
        ids.update({"wire-first": f"wire-{g}-a", "wire-late": f"wire-{g}-c", "wire-between": f"wire-{g}-b"})
        out += [_line(ids[kind], kind, day, g, DATELINES[0]) for kind in ("shelling", "airstrike", "attack")]
        out.append(_line(ids["wire-first"], "wire", day, g, DATELINES[0]))
        out.append(_line(ids["wire-late"], "wire", day + timedelta(days=2), g, DATELINES[1]))
        out.append(_line(ids["wire-between"], "wire", day + timedelta(days=1), g, DATELINES[2]))
        roles.append(ids)
    path.write_text("".join(out), encoding="utf-8")
    return roles


def _clusters(db: Path, source: Path, batch_size: int | None) -> set[frozenset[str]]:
    store = open_store(db)
    sized = {} if batch_size is None else {"batch_size": batch_size}
    summary = run_ingest([source], store, pipeline=PlacePipeline(), **sized)
    assert summary.failed == 0 and summary.error is None, summary.failures
    rows = store.query_events(EventQuery(limit=None))
    store.close()
    return {frozenset(row["document_ids"]) for row in rows}


def test_clusters_do_not_depend_on_the_batch_size(tmp_path):
    source = tmp_path / "reports.jsonl"
    groups = _corpus(source, groups=16)
    # the test needs groups where the later-founded event has the smaller id (a tie
    # broken by id inside one batch would then differ from a tie broken by order)
    assert any(cluster_id_for(g["airstrike"], 0) < cluster_id_for(g["shelling"], 0) for g in groups)
    assert any(cluster_id_for(g["wire-late"], 0) < cluster_id_for(g["wire-first"], 0) for g in groups)
    results = {size: _clusters(tmp_path / f"b{size}.sqlite", source, size) for size in (1, 2, 3, 10, 100, None)}
    assert results[1] == results[2] == results[3] == results[10] == results[100] == results[None]
    expected = set()
    for g in groups:
        expected |= {frozenset({g["shelling"], g["attack"]}), frozenset({g["airstrike"]}),
                     frozenset({g["wire-first"], g["wire-between"]}), frozenset({g["wire-late"]})}
    assert results[100] == expected  # each report that fits two events joins the first founded


@pytest.mark.parametrize("split", [8, 10, 11])
@pytest.mark.parametrize("batch_size", [1, 7])
@pytest.mark.parametrize("reopen", [False, True])
def test_second_run_in_batches_matches_one_run(tmp_path, batch_size, split, reopen):
    """Ingesting in two runs (the store growing between them) gives what one run gives,
    in one process (the writer's cache kept) or two (the second finds the first's events
    in the database only). The splits cut a group between the events a report fits and
    the report: after the air strike (8), after the first print of the wire item (10),
    after its late print (11)."""
    source = tmp_path / "reports.jsonl"
    _corpus(source, groups=6)
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text("".join(lines[:split]), encoding="utf-8")
    second.write_text("".join(lines[split:]), encoding="utf-8")
    db = tmp_path / "two-runs.sqlite"
    store = open_store(db)
    for part in (first, second):
        if reopen:
            store.close()
            store = open_store(db)
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
