"""`rasd ingest`: the progress line (a total and an ETA when the input size is known, the
count and the rate from standard input) and the summary's words (reports, events)."""
from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rasd.batch import run_ingest
from rasd.cli import app
from rasd.cli import progress as progress_mod
from rasd.cli.progress import ProgressPrinter, format_bytes, format_duration, progress_line
from rasd.ingest import read_path
from rasd.ingest.readers import ReadPosition, input_size
from rasd.store import open_store
from test_batch import KeywordPipeline, _jsonl

KNOWN = re.compile(r"^(\d+) documents · (\S+ k?B) of (\S+ k?B) \((\d+)%\) · [\d.,]+ documents/s · "
                   r"ETA (\d+:\d\d|--:--) · new \d+ · duplicate \d+ · failed \d+$")


@pytest.fixture
def runner(monkeypatch) -> CliRunner:
    import rasd
    monkeypatch.setattr(rasd, "default_pipeline", lambda: KeywordPipeline())
    monkeypatch.delenv("RASD_DB", raising=False)
    return CliRunner()


def _progress_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "documents/s" in line and not line.startswith("documents:")]


def test_progress_of_a_file_shows_bytes_of_the_total_and_an_eta(runner, tmp_path):
    articles = tmp_path / "wire.jsonl"
    _jsonl(articles, range(0, 8))
    result = runner.invoke(app, ["ingest", str(articles), "--db", str(tmp_path / "x.sqlite"),
                                 "--progress", "--batch-size", "2"])
    assert result.exit_code == 0, result.output
    lines = _progress_lines(result.stderr)
    assert lines, result.stderr
    first = KNOWN.match(lines[0])
    assert first, lines[0]
    # the total is the file's size; the first update comes after the first batch, before the end
    assert first.group(3) == format_bytes(articles.stat().st_size)
    assert 0 < int(first.group(1)) < 8 and int(first.group(4)) < 100
    assert first.group(5) != "--:--"
    assert result.stdout == ""  # progress and summary go to standard error


def test_progress_from_stdin_shows_the_count_and_rate_only(runner, tmp_path):
    articles = tmp_path / "wire.jsonl"
    _jsonl(articles, range(0, 5))
    result = runner.invoke(app, ["ingest", "-", "--db", str(tmp_path / "x.sqlite"), "--progress"],
                           input=articles.read_bytes())
    assert result.exit_code == 0, result.output
    [line] = _progress_lines(result.stderr)
    assert re.fullmatch(r"5 documents · [\d.,]+ documents/s · new 5 · duplicate 0 · failed 0", line), line
    assert "ETA" not in result.stderr and " of " not in line


def test_no_progress_into_a_pipe_unless_asked(runner, tmp_path):
    articles = tmp_path / "wire.jsonl"
    _jsonl(articles, range(0, 3))
    result = runner.invoke(app, ["ingest", str(articles), "--db", str(tmp_path / "x.sqlite")])
    assert result.exit_code == 0 and _progress_lines(result.stderr) == []


def test_summary_counts_reports_and_new_deduplicated_events(runner, tmp_path):
    articles = tmp_path / "wire.jsonl"
    _jsonl(articles, range(0, 8))
    db = tmp_path / "x.sqlite"
    first = runner.invoke(app, ["ingest", str(articles), "--db", str(db), "--no-progress"])
    with open_store(db) as store:
        stats = store.stats()
    # each article tells two events (a shelling, an arrests): 16 reports, fewer events
    assert stats["reports"] == 16 and 0 < stats["deduplicated_events"] < 16
    assert (f"documents: read 8 · new 8 · duplicate 0 · failed 0 · "
            f"near-duplicate {stats['near_duplicate_documents']} · "
            f"reports 16 · new events {stats['deduplicated_events']} · ") in first.stderr
    again = runner.invoke(app, ["ingest", str(articles), "--db", str(db), "--no-progress", "--json"])
    summary = json.loads(again.stdout)
    assert (summary["duplicate"], summary["reports"], summary["new_events"]) == (8, 0, 0)
    assert summary["input_bytes"] == articles.stat().st_size


def test_stats_json_and_store_stats_use_the_same_words(runner, tmp_path):
    articles = tmp_path / "wire.jsonl"
    _jsonl(articles, range(0, 6))
    db = tmp_path / "x.sqlite"
    runner.invoke(app, ["ingest", str(articles), "--db", str(db), "--no-progress"])
    shown = json.loads(runner.invoke(app, ["stats", "--db", str(db), "-f", "json"]).stdout)
    with open_store(db) as store:
        stats = store.stats()
    assert shown["database"] == str(db)
    assert shown["reports"] == stats["reports"] and shown["events"] == stats["deduplicated_events"]
    for key in ("multi_outlet_events", "flagged_events", "events_by_type", "events_by_country",
                "events_by_month", "near_duplicate_documents"):
        assert shown[key] == stats[key], key
    # the old keys still answer, with their old meaning ("events" counted reports)
    assert (stats["events"], stats["clusters"]) == (stats["reports"], stats["deduplicated_events"])
    assert stats["by_type"] == stats["events_by_type"] and stats["flagged"] == stats["flagged_events"]


def test_stats_names_the_database_it_reads_from_the_environment(runner, tmp_path, monkeypatch):
    db = tmp_path / "from-env.sqlite"
    articles = tmp_path / "wire.jsonl"
    _jsonl(articles, range(0, 2))
    monkeypatch.setenv("RASD_DB", str(db))
    assert runner.invoke(app, ["ingest", str(articles), "--no-progress"]).exit_code == 0
    result = runner.invoke(app, ["stats"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == f"database: {db}"


def test_reading_commands_refuse_a_database_that_is_not_there(runner, tmp_path):
    typo = tmp_path / "evnets.sqlite"
    for command in (["stats"], ["events"], ["export", "-f", "geojson"]):
        result = runner.invoke(app, [*command, "--db", str(typo)])
        assert result.exit_code == 1, result.output
        assert result.output == f"rasd: no database at {typo} (rasd ingest --db {typo} … creates one)\n"
    assert not typo.exists()


# --- the library under the command -----------------------------------------------------

def test_run_ingest_reaches_the_input_size(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    _jsonl(folder / "a.jsonl", range(0, 4))
    (folder / "b.txt").write_text("أفادت مصادر محلية بأن قوات النظام قصفت بلدة سراقب بالمدفعية.", "utf-8")
    (folder / "map.png").write_bytes(b"\x89PNG not read")
    (folder / ".hidden.jsonl").write_text("{}\n", "utf-8")
    size = (folder / "a.jsonl").stat().st_size + (folder / "b.txt").stat().st_size
    assert input_size([folder]) == size
    seen = []
    with open_store(tmp_path / "x.sqlite") as store:
        summary = run_ingest([folder], store, pipeline=KeywordPipeline(), batch_size=1,
                             progress=lambda s: seen.append((s.read, s.bytes_read)))
    assert (summary.input_bytes, summary.bytes_read, summary.new) == (size, size, 5)
    done = [b for _, b in seen]
    assert done == sorted(done) and 0 < done[0] < size and done[-1] == size


def test_input_size_is_unknown_for_stdin():
    assert input_size(["-"]) is None
    assert input_size([]) == 0


def test_read_position_follows_the_records(tmp_path):
    articles = tmp_path / "wire.jsonl"
    _jsonl(articles, range(0, 3))
    ends = [len(line) for line in articles.read_bytes().splitlines(keepends=True)]
    position = ReadPosition()
    offsets = [position.bytes for _item in read_path(articles, position=position)]
    # each record comes out once its line is read (the reader's buffer may run ahead)
    assert all(o >= ends[0] for o in offsets) and offsets == sorted(offsets)
    assert position.bytes == articles.stat().st_size


# --- the line and its printer ----------------------------------------------------------

class _Summary:
    read, new, duplicate, failed, docs_per_second = 1200, 1180, 12, 8, 41.3
    input_bytes, bytes_read, eta = 8_400_000, 2_100_000, 151.0


def test_progress_line_words():
    assert progress_line(_Summary()) == ("1,200 documents · 2.1 MB of 8.4 MB (25%) · 41.3 documents/s · "
                                         "ETA 2:31 · new 1,180 · duplicate 12 · failed 8")
    unknown = _Summary()
    unknown.input_bytes = None
    assert progress_line(unknown) == "1,200 documents · 41.3 documents/s · new 1,180 · duplicate 12 · failed 8"
    assert (format_bytes(512), format_bytes(2_100), format_bytes(3_200_000_000)) == ("512 B", "2.1 kB", "3.2 GB")
    assert (format_duration(None), format_duration(59.6), format_duration(3725)) == ("--:--", "1:00", "1:02:05")


def test_printer_redraws_in_place_at_most_every_interval(monkeypatch):
    clock = iter([0.0, 0.1, 0.2, 0.3])
    monkeypatch.setattr(progress_mod.time, "monotonic", lambda: next(clock))
    out = io.StringIO()
    summary = _Summary()
    with ProgressPrinter(out, tty=True, width=60) as printer:
        for _ in range(4):  # at 0.0 drawn, 0.1 and 0.2 skipped, 0.3 drawn
            printer.update(summary)
    text = out.getvalue()
    assert text.count("\r") == 3 and text.endswith("\x1b[K\n")  # two draws and the final one
    assert all(len(part.removesuffix("\x1b[K\n").removesuffix("\x1b[K")) <= 59
               for part in text.split("\r")[1:])


def test_ingest_of_missing_inputs_is_one_line_naming_them(runner, tmp_path):
    db = tmp_path / "x.sqlite"
    result = runner.invoke(app, ["ingest", str(tmp_path / "nosuch.jsonl"), str(tmp_path / "gone"),
                                 "--db", str(db)])
    assert result.exit_code == 2
    assert result.output == (f"rasd: nothing to read: {tmp_path / 'nosuch.jsonl'}: not found; "
                             f"{tmp_path / 'gone'}: not found\n")
    assert not db.exists()  # stopped before creating the database and its failure log
