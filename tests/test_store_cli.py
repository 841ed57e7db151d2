"""`rasd ingest | events | stats | export` end to end through the command line."""
from __future__ import annotations

import csv
import io
import json
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
    assert table.exit_code == 0 and "3 of 10 events" in table.stdout
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
    assert (data["documents"], data["events"]) == (8, 16)
    assert 0 < data["clusters"] <= 16 and set(data["by_type"]) == {"ASSAULT", "COERCE"}
    assert data["by_month"] == {"2019-05": data["clusters"]}
    assert "documents" in runner.invoke(app, ["stats", "--db", str(db)]).stdout


def test_export_to_file(ingested, tmp_path):
    runner, db, _ = ingested
    out = tmp_path / "acled.csv"
    result = runner.invoke(app, ["export", "--db", str(db), "--format", "acled-csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    shelling = [r for r in rows if r["event_type"] == "Explosions/Remote violence"]
    assert shelling and {(r["country"], r["iso"]) for r in shelling} == {("Syria", "760")}
    result = runner.invoke(app, ["export", "--db", str(db), "--format", "parquet"])
    assert result.exit_code == 1 and "--out" in result.output


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
