"""Failures of the store: a database error costs one document, a full disk or a missing
permission gives a coded StoreError, and the database stays consistent."""
from __future__ import annotations

import os
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from rasd.errors import StoreError
from rasd.store import open_store
from rasd.store.schema import document_bands, documents, event_clusters, event_reports

TEXT = ("قالت مصادر ميدانية إن اشتباكات عنيفة اندلعت فجر اليوم بين قوات الحكومة ومسلحين قبليين "
        "على أطراف مدينة سرت، وأسفرت عن مقتل أربعة مقاتلين من الطرفين وإصابة آخرين.")
SENT = "اشتباكات عنيفة اندلعت فجر اليوم بين قوات الحكومة ومسلحين قبليين"


def _record(make_record, doc_id: str, suffix: str = "", fatalities: int = 4):
    ev = {"plover": {"type": "ASSAULT", "mode": "clash"},
          "acled": {"event_type": "Battles", "sub_event_type": "Armed clash"},
          "actor1": {"name": "Libyan Army", "id": "lby-mil", "country": "LBY", "sector": "MIL"},
          "location": {"name": "Sirte", "admin1": "Surt", "country": "LBY", "lat": 31.2089,
                       "lon": 16.5887, "precision": "city"},
          "date": {"value": f"2020-01-{10 + len(doc_id) % 5:02d}", "precision": "day"},
          "fatalities": fatalities, "trigger": "اشتباكات", "sentence": SENT}
    return make_record(doc_id, TEXT + suffix, [ev], published="2020-01-12")


def _counts(store) -> tuple[int, int, int, int]:
    with store.engine.connect() as conn:
        return tuple(conn.execute(select(func.count()).select_from(t)).scalar_one()
                     for t in (documents, event_reports, event_clusters, document_bands))


def _consistent(store) -> None:
    """Every report has its document and cluster; every cluster's report count is right."""
    with store.engine.connect() as conn:
        orphans = conn.execute(select(func.count()).select_from(event_reports).where(
            ~event_reports.c.document_id.in_(select(documents.c.id)))).scalar_one()
        assert orphans == 0
        per_cluster = dict(conn.execute(select(event_reports.c.cluster_id, func.count())
                                        .group_by(event_reports.c.cluster_id)).all())
        for cid, n in conn.execute(select(event_clusters.c.id, event_clusters.c.report_count)):
            assert per_cluster.get(cid, 0) == n
        for doc_id, n in conn.execute(select(documents.c.id, documents.c.event_count)):
            got = conn.execute(select(func.count()).select_from(event_reports)
                               .where(event_reports.c.document_id == doc_id)).scalar_one()
            assert got == n
        if store.backend == "sqlite":
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"


def test_database_error_rolls_back_that_document_only(store, make_record):
    """A row the database refuses (a trigger here) fails its document; the batch goes on."""
    with store.engine.begin() as conn:
        if store.backend == "sqlite":
            conn.exec_driver_sql("CREATE TRIGGER refuse BEFORE INSERT ON event_reports "
                                 "WHEN NEW.document_id = 'bad' BEGIN SELECT RAISE(ABORT, 'refused'); END")
        else:
            conn.exec_driver_sql("CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN "
                                 "IF NEW.document_id = 'bad' THEN RAISE EXCEPTION 'refused'; END IF; "
                                 "RETURN NEW; END $$ LANGUAGE plpgsql")
            conn.exec_driver_sql("CREATE TRIGGER refuse BEFORE INSERT ON event_reports "
                                 "FOR EACH ROW EXECUTE FUNCTION refuse()")
    records = [_record(make_record, "good-1"), _record(make_record, "bad", " وتابعت المصادر."),
               _record(make_record, "good-2", " وأضافت المصادر أن الهدوء عاد.")]
    results = store.add_records(records)
    assert [r.status for r in results] == ["new", "failed", "new"]
    assert "refused" in results[1].error and results[1].code.startswith("E30")
    assert not store.has_document("bad")
    assert store.stats()["documents"] == 2
    _consistent(store)


def test_disk_full_gives_coded_error_and_keeps_database(tmp_path, make_record):
    path = tmp_path / "small.sqlite"
    store = open_store(path)
    store.add_record(_record(make_record, "first"))
    with store.engine.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar()
    before = _counts(store)
    store.engine.dispose()

    def limit(dbapi_connection, _record):
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages + 2}")
    event.listen(store.engine, "connect", limit)
    huge = _record(make_record, "huge", " " + "وتواصلت الاشتباكات في محيط المدينة. " * 3000)
    with pytest.raises(StoreError) as info:
        store.add_records([_record(make_record, "small", " وعاد الهدوء."), huge])
    assert info.value.code == "E302" and "disk is full" in str(info.value), info.value
    assert _counts(store) == before                  # the whole transaction rolled back
    _consistent(store)
    # room again: the same documents go in
    event.remove(store.engine, "connect", limit)
    store.engine.dispose()
    assert [r.status for r in store.add_records([huge])] == ["new"]
    _consistent(store)
    store.close()


@contextmanager
def _unprivileged():
    """File permissions apply to root only after dropping the effective uid."""
    if os.geteuid() != 0:
        yield
        return
    os.seteuid(65534)
    try:
        yield
    finally:
        os.seteuid(0)


@pytest.fixture
def shared_dir():
    # a world-traversable directory (pytest's tmp_path is private to root)
    path = Path(tempfile.mkdtemp(prefix="rasd-perm-"))
    path.chmod(0o755)
    yield path
    for p in sorted(path.rglob("*"), reverse=True):
        p.chmod(0o755) if p.is_dir() else p.chmod(0o644)
    import shutil
    shutil.rmtree(path)


def test_read_only_directory_gives_coded_error(shared_dir):
    open_store(shared_dir / "warm.sqlite").close()  # load the driver while privileged
    locked = shared_dir / "locked"
    locked.mkdir()
    locked.chmod(stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)
    with _unprivileged(), pytest.raises(StoreError) as info:
        open_store(locked / "sub" / "rasd.sqlite")
    assert info.value.code == "E302"
    assert "permission" in str(info.value).lower() or "cannot" in str(info.value).lower()
    with _unprivileged(), pytest.raises(StoreError) as info:
        open_store(locked / "rasd.sqlite")
    assert info.value.code == "E302"


def test_read_only_database_file_gives_coded_error(shared_dir, make_record):
    path = shared_dir / "events.sqlite"
    with open_store(path) as store:
        store.add_record(_record(make_record, "first"))
        before = _counts(store)
    for p in shared_dir.iterdir():
        p.chmod(0o444)
    shared_dir.chmod(0o555)
    with _unprivileged():
        with pytest.raises(StoreError) as info:
            store = open_store(path)
            store.add_record(_record(make_record, "second", " وعاد الهدوء."))
        store = None
    assert info.value.code == "E302"
    shared_dir.chmod(0o755)
    for p in shared_dir.iterdir():
        p.chmod(0o644)
    with open_store(path) as store:
        assert _counts(store) == before
        _consistent(store)


def test_unreachable_postgres_gives_connection_error():
    pytest.importorskip("psycopg")
    with pytest.raises(StoreError) as info:
        open_store("postgresql://postgres@127.0.0.1:9/nothing?connect_timeout=2")
    assert info.value.code == "E301"
