"""`rasd ingest | events | stats | export` end to end through the command line."""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rasd.cli import app
from test_batch import KeywordPipeline, _jsonl


@pytest.fixture
def runner(monkeypatch) -> CliRunner:
    import rasd
    monkeypatch.setattr(rasd, "default_pipeline", lambda: KeywordPipeline())
    monkeypatch.delenv("RASD_DB", raising=False)
    return CliRunner()


@pytest.fixture
def ingested(runner, tmp_path) -> tuple[CliRunner, Path, object]:
    folder = tmp_path / "in"
    folder.mkdir()
    _jsonl(folder / "a.jsonl", range(0, 8))
    with (folder / "a.jsonl").open("a", encoding="utf-8") as f:
        f.write("{not json}\n")
    db = tmp_path / "events.sqlite"
    result = runner.invoke(app, ["ingest", str(folder), "--db", str(db), "--no-progress"])
    return runner, db, result


def test_ingest_prints_summary_and_writes_failure_log(ingested, tmp_path):
    runner, db, result = ingested
    assert result.exit_code == 0, result.output
    assert "read 9 · new 8 · duplicate 0 · failed 1" in result.output
    log = tmp_path / "events-failures.log"
    assert log.exists()
    [line] = log.read_text(encoding="utf-8").splitlines()
    assert line.startswith(f"{tmp_path / 'in' / 'a.jsonl'}:9\tE105\t")
    assert "a.jsonl:9: E105" in result.output
    again = runner.invoke(app, ["ingest", str(tmp_path / "in"), "--db", str(db), "--no-progress", "--json"])
    summary = json.loads(again.stdout.strip().splitlines()[-1])
    assert (summary["new"], summary["duplicate"], summary["failed"]) == (0, 8, 1)


def test_events_formats(ingested):
    runner, db, _ = ingested
    as_json = json.loads(runner.invoke(app, ["events", "--db", str(db), "--format", "json",
                                             "--type", "COERCE"]).stdout)
    assert as_json and {e["plover_type"] for e in as_json} == {"COERCE"}
    table = runner.invoke(app, ["events", "--db", str(db), "--limit", "3"])
    assert table.exit_code == 0 and "3 of 12 events" in table.stdout
    assert table.stdout.count("2019-05-20") == 3
    near = runner.invoke(app, ["events", "--db", str(db), "--format", "csv", "--near", "35.61,36.56,5"])
    rows = list(csv.DictReader(io.StringIO(near.stdout)))
    assert rows and {r["location_name"] for r in rows} == {"Kafranbel"}
    text = json.loads(runner.invoke(app, ["events", "--db", str(db), "-f", "json", "--text", "سراقب"]).stdout)
    assert text and all("سراقب" in e["sentence"] for e in text)


def test_events_rejects_bad_options(ingested):
    runner, db, _ = ingested
    bad = runner.invoke(app, ["events", "--db", str(db), "--near", "35,36"])
    assert bad.exit_code == 1 and "LAT,LON,KM" in bad.output
    bad = runner.invoke(app, ["events", "--db", str(db), "--since", "May 2019"])
    assert bad.exit_code == 1 and "since" in bad.output


def test_stats_json(ingested):
    runner, db, _ = ingested
    data = json.loads(runner.invoke(app, ["stats", "--db", str(db), "--format", "json"]).stdout)
    assert data["database"] == str(db)
    # reports: events as read in each article; events: de-duplicated
    assert (data["documents"], data["reports"]) == (8, 16)
    assert 0 < data["events"] <= 16 and set(data["events_by_type"]) == {"ASSAULT", "COERCE"}
    assert data["events_by_month"] == {"2019-05": data["events"]}
    table = runner.invoke(app, ["stats", "--db", str(db)]).stdout
    assert "documents" in table and f"database: {db}" in table
    assert "reports (events as read in each article)" in table and "events (de-duplicated)" in table


def test_invalid_type_lists_the_valid_ones(ingested):
    runner, db, _ = ingested
    for command in (["events"], ["export", "--format", "acled-csv"]):
        bad = runner.invoke(app, [*command, "--db", str(db), "--type", "BOMBING"])
        assert bad.exit_code == 1 and "--type: unknown event type 'BOMBING'" in bad.output
        assert "ASSAULT" in bad.output and "Battles" in bad.output and "Air/drone strike" in bad.output
        assert "Traceback" not in bad.output
    ok = json.loads(runner.invoke(app, ["events", "--db", str(db), "-f", "json", "--type", "arrests"]).stdout)
    assert ok and {e["acled_sub_event_type"] for e in ok} == {"Arrests"}


def test_country_by_name_or_code(ingested):
    runner, db, _ = ingested
    by_code = json.loads(runner.invoke(app, ["events", "--db", str(db), "-f", "json", "--country", "SYR"]).stdout)
    assert by_code
    for name in ("Syria", "syria", "SY", "سوريا"):
        got = json.loads(runner.invoke(app, ["events", "--db", str(db), "-f", "json", "--country", name]).stdout)
        assert [e["id"] for e in got] == [e["id"] for e in by_code], name
    bad = runner.invoke(app, ["events", "--db", str(db), "--country", "Narnia"])
    assert bad.exit_code == 1 and "--country: unknown country 'Narnia'" in bad.output


def _no_psycopg(monkeypatch):
    import builtins
    real_import = builtins.__import__

    def fake(name, *args, **kwargs):
        if name.split(".")[0] == "psycopg":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return real_import(name, *args, **kwargs)
    monkeypatch.setattr(builtins, "__import__", fake)


def test_postgres_without_its_driver_names_the_extra(runner, monkeypatch):
    _no_psycopg(monkeypatch)
    for command in (["stats"], ["events"], ["export", "-f", "acled-csv"]):
        result = runner.invoke(app, [*command, "--db", "postgresql://rasd@localhost:5999/rasd"])
        assert result.exit_code == 1, result.output
        assert "pip install 'rasd[postgres]'" in result.output and "Traceback" not in result.output


def test_serve_says_which_database(runner, tmp_path, monkeypatch):
    import uvicorn
    served = []
    monkeypatch.setattr(uvicorn, "run", lambda app_, **kw: served.append(kw["port"]))
    db = tmp_path / "served.sqlite"
    result = runner.invoke(app, ["serve", "--db", str(db), "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert f"serving the store {db} at http://127.0.0.1:8123/" in result.output and served == [8123]
    _no_psycopg(monkeypatch)
    result = runner.invoke(app, ["serve", "--db", "postgresql://rasd@localhost:5999/rasd"])
    assert result.exit_code == 1 and "rasd[postgres]" in result.output and served == [8123]


def test_export_to_file(ingested, tmp_path):
    runner, db, _ = ingested
    out = tmp_path / "acled.csv"
    result = runner.invoke(app, ["export", "--db", str(db), "--format", "acled-csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    shelling = [r for r in rows if r["event_type"] == "Explosions/Remote violence"]
    assert shelling and {(r["country"], r["iso"], r["region"]) for r in shelling} == {("Syria", "760", "Middle East")}
    # the arrests have no place in their sentence: left out of the ACLED CSV, and said so
    assert not [r for r in rows if r["sub_event_type"] == "Arrests"]
    assert re.search(r"left out \d+ events without a place", result.output)
    text = tmp_path / "acled-text.csv"
    assert runner.invoke(app, ["export", "--db", str(db), "-f", "acled-csv", "--acled-labels", "text",
                               "--country", "Syria", "-o", str(text)]).exit_code == 0
    labelled = list(csv.DictReader(text.open(encoding="utf-8")))
    assert len(labelled) == len(rows) and all(not r["inter1"].isdigit() for r in labelled)
    result = runner.invoke(app, ["export", "--db", str(db), "--format", "parquet"])
    assert result.exit_code == 1 and "--out" in result.output


def test_export_with_a_bad_sources_file(ingested, tmp_path):
    runner, db, _ = ingested
    mine = tmp_path / "outlets.tsv"
    mine.write_text("source\tname\tscale\nTest Wire\tThe Test Wire\tglobal\n", "utf-8")
    result = runner.invoke(app, ["export", "--db", str(db), "-f", "acled-csv", "--sources", str(mine)])
    assert result.exit_code == 1 and "outlets.tsv:2:scale" in result.output


def test_ingest_option_checks(runner, tmp_path):
    result = runner.invoke(app, ["ingest", str(tmp_path), "--db", str(tmp_path / "x.sqlite"), "--workers", "2"])
    assert result.exit_code == 1 and "--engine dask" in result.output


def test_ingest_of_a_missing_path_fails_naming_it(runner, tmp_path):
    missing = tmp_path / "nosuchfile.jsonl"
    good = tmp_path / "good.jsonl"
    _jsonl(good, range(0, 2))
    result = runner.invoke(app, ["ingest", str(missing), str(good), "--db", str(tmp_path / "x.sqlite"),
                                 "--no-progress"])
    assert result.exit_code == 2, result.output
    assert f"failed: {missing}: E107 not found" in result.output
    assert f"no document read from {missing}" in result.output
    assert "new 2" in result.output  # the other path was still ingested


def test_ingest_and_extract_of_an_empty_folder_say_so(runner, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = runner.invoke(app, ["ingest", str(empty), "--db", str(tmp_path / "x.sqlite"), "--no-progress"])
    assert result.exit_code == 2 and "no input files in this folder" in result.output
    result = runner.invoke(app, ["extract", str(empty)])
    assert result.exit_code == 2 and f"{empty}: no input files in this folder" in result.output


def test_extract_escapes_control_characters_in_file_names(runner, tmp_path):
    (tmp_path / "bad\nname.txt").write_text("", encoding="utf-8")
    result = runner.invoke(app, ["extract", str(tmp_path)])
    assert result.exit_code == 2
    assert f"{tmp_path}/bad\\nname.txt: empty input" in result.output
