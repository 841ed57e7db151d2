"""`rasd ingest`, `rasd events`, `rasd stats`, `rasd export`: the event store from the shell."""
from __future__ import annotations

import csv
import json
import os
import shutil
import sys
from contextlib import nullcontext
from enum import Enum
from pathlib import Path
from typing import Any, Optional

import typer

from rasd.ingest.readers import InputFormat

__all__ = ["register"]

DB_HELP = "Database: a SQLite path or postgresql://…; default $RASD_DB or the per-user rasd.sqlite."


class Engine(str, Enum):
    local = "local"
    dask = "dask"


class EventsFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


class StatsFormat(str, Enum):
    table = "table"
    json = "json"


class ExportFormat(str, Enum):
    acled_csv = "acled-csv"
    plover_jsonl = "plover-jsonl"
    geojson = "geojson"
    parquet = "parquet"


class Order(str, Enum):
    date_desc = "date_desc"
    date_asc = "date_asc"
    sources_desc = "sources_desc"
    fatalities_desc = "fatalities_desc"
    updated_desc = "updated_desc"


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("ingest")(ingest)
    app.command("events")(events)
    app.command("stats")(stats)
    app.command("export")(export)


def _fail(message: str, code: int = 1) -> None:
    typer.echo(f"rasd: {message}", err=True)
    raise typer.Exit(code)


def missing_driver(exc: ImportError) -> str | None:
    """The install hint for a database driver that is not installed (None: another import)."""
    name = (getattr(exc, "name", None) or str(exc)).lower()
    if "psycopg" in name:
        return "a PostgreSQL database needs its driver: pip install 'rasd[postgres]'"
    return None


def _open(db: Optional[str], *, existing: bool = False):
    """Open the store; ``existing``: a SQLite file that is not there is an error (a
    command that only reads must not create an empty database at a mistyped path)."""
    from rasd.errors import StoreError
    from rasd.store import open_store
    if existing:
        missing = _missing_sqlite_file(db)
        if missing is not None:
            _fail(f"no database at {missing} (rasd ingest --db {missing} … creates one)")
    try:
        return open_store(db)
    except StoreError as exc:
        _fail(f"{exc} [{exc.code}]")
    except ImportError as exc:
        hint = missing_driver(exc)
        if hint is None:
            raise
        _fail(hint)


def _missing_sqlite_file(db: Optional[str]) -> str | None:
    """The SQLite file ``db`` names (or the default one) when it does not exist, else None."""
    from sqlalchemy.engine import make_url
    from rasd.store.db import resolve_url
    url = make_url(resolve_url(db))
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return None if Path(url.database).exists() else url.database


def _where(store: Any) -> str:
    """The database a command reads, as a user would give it (password hidden)."""
    return store.path or store.url


def _failure_path(store: Any, given: Optional[Path]) -> Path:
    if given is not None:
        return given
    if store.path:
        db = Path(store.path)
        return db.with_name(db.stem + "-failures.log")
    return Path("rasd-failures.log")


# --- ingest -------------------------------------------------------------------------

def ingest(
    paths: list[str] = typer.Argument(..., help="Files and folders (read recursively): .html/.htm, .txt, .jsonl, RSS/Atom, .warc(.gz), Telegram result.json; - for stdin."),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    input_format: Optional[InputFormat] = typer.Option(None, "--input-format", "-i", help="Force the input kind (guessed per file otherwise)."),
    failures: Optional[Path] = typer.Option(None, "--failures", help="Failure log (default: <db>-failures.log next to the database)."),
    engine: Engine = typer.Option(Engine.local, "--engine", help="local: extract in this process; dask: on a dask.distributed cluster."),
    workers: Optional[int] = typer.Option(None, "--workers", min=1, help="Dask: worker processes of a local cluster (default: CPU count)."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Dask: address of a running scheduler, e.g. tcp://host:8786."),
    batch_size: int = typer.Option(100, "--batch-size", min=1, help="Documents per extraction batch and store transaction."),
    progress: Optional[bool] = typer.Option(None, "--progress/--no-progress", help="Progress on standard error: documents and rate, and for files on disk the bytes done of the total with an ETA (default: when standard error is a terminal)."),
    output_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Read articles, extract their reports and store them as de-duplicated events.

    A report is one event as extracted from one article; reports of the same event from
    several outlets make one de-duplicated event. Idempotent and crash-safe: running the
    command again skips what is stored."""
    from rasd.batch import run_ingest
    from rasd.errors import RasdError

    if engine is Engine.local and (workers or scheduler):
        _fail("--workers and --scheduler need --engine dask")
    _check_some_input(paths)
    store = _open(db)
    log_path = _failure_path(store, failures)
    try:
        log_file = open(log_path, "w", encoding="utf-8")
    except OSError as exc:
        _fail(f"cannot write the failure log {log_path}: {exc.strerror}")
    printer = _progress_printer(progress)
    try:
        with log_file, printer or nullcontext():
            summary = run_ingest(paths, store, engine=engine.value, workers=workers, scheduler=scheduler,
                                 progress=printer.update if printer else None,
                                 input_format=input_format.value if input_format else None,
                                 batch_size=batch_size, failure_log=log_file)
    except (RasdError, RuntimeError) as exc:
        _fail(str(exc))
    finally:
        store.close()
    _print_summary(summary, log_path, output_json)
    if summary.error is not None:
        _fail(f"stopped: {summary.error} [{summary.error.code}]")
    if summary.unread_paths:
        # a path that gave nothing (not found, unreadable, empty) is an error, not a detail
        from rasd.ingest.readers import escape_controls
        names = ", ".join(escape_controls(p) for p in summary.unread_paths[:5])
        more = len(summary.unread_paths) - 5
        _fail(f"no document read from {names}{f' and {more:,} more' if more > 0 else ''} "
              "(see the failures above)", code=2)


def _input_problem(path: str) -> str | None:
    """Why a path given on the command line cannot be read at all, or None."""
    if path == "-":
        return None
    if not os.path.lexists(path):
        return "not found"
    if not os.path.exists(path):
        return "a broken symbolic link"
    if not os.access(path, os.R_OK):
        return "permission denied"
    return None


def _check_some_input(paths: list[str]) -> None:
    """Stop before opening the store when none of ``paths`` can be read: one line naming
    them (when only some cannot, the others are ingested and the run still fails)."""
    from rasd.ingest.readers import escape_controls
    problems = [(p, _input_problem(p)) for p in paths]
    if paths and all(reason for _p, reason in problems):
        shown = "; ".join(f"{escape_controls(p)}: {reason}" for p, reason in problems[:5])
        more = len(problems) - 5
        _fail(f"nothing to read: {shown}{f' and {more:,} more' if more > 0 else ''}", code=2)


def _progress_printer(wanted: Optional[bool]) -> Any:
    """The progress printer on standard error, or None (``wanted`` None: on a terminal)."""
    from rasd.cli.progress import ProgressPrinter
    stream = typer.get_text_stream("stderr")
    tty = stream.isatty()
    if wanted is False or (wanted is None and not tty):
        return None
    return ProgressPrinter(stream, tty=tty, width=shutil.get_terminal_size().columns if tty else None)


def _print_summary(summary: Any, log_path: Path, as_json: bool) -> None:
    if as_json:
        out = summary.to_dict()
        out["failure_log"] = str(log_path)
        typer.echo(json.dumps(out, ensure_ascii=False))
    else:
        typer.echo(summary_line(summary), err=True)
    if summary.failures:
        shown = summary.failures[:20]
        for failure in shown:
            where, code, reason = failure.line().split("\t", 2)
            typer.echo(f"  failed: {where}: {code} {reason}", err=True)
        more = len(summary.failures) - len(shown)
        typer.echo(f"  {'… and ' + format(more, ',') + ' more; ' if more else ''}failure log: {log_path}", err=True)


def summary_line(summary: Any) -> str:
    """The ingest summary in the store's words: documents read, new, duplicate, failed;
    the reports extracted from the new documents and the de-duplicated events they
    founded (the other reports joined events already stored)."""
    return (f"documents: read {summary.read:,} · new {summary.new:,} · duplicate {summary.duplicate:,} · "
            f"failed {summary.failed:,} · near-duplicate {summary.near_duplicates:,} · "
            f"reports {summary.reports:,} · new events {summary.new_events:,} · "
            f"{summary.docs_per_second:,.1f} documents/s")


# --- events / stats -----------------------------------------------------------------

def _query(since, until, type_, actor, country, admin1, near, text, limit, offset, order, include_flagged):
    from rasd.store import EventQuery
    from rasd.store.countries import to_iso3
    from rasd.store.query import check_event_type
    try:
        type_ = check_event_type(type_) if type_ else None
    except ValueError as exc:
        _fail(f"--type: {exc}")
    try:
        country = to_iso3(country) if country else None
    except ValueError as exc:
        _fail(f"--country: {exc}")
    near_tuple = None
    if near:
        try:
            lat, lon, km = (float(v) for v in near.split(","))
            near_tuple = (lat, lon, km)
        except ValueError:
            _fail(f"--near wants LAT,LON,KM (e.g. 35.46,36.47,25), not {near!r}")
    try:
        return EventQuery(since=since, until=until, type=type_, actor=actor, country=country,
                          admin1=admin1, near=near_tuple, text=text, limit=limit, offset=offset,
                          order=order.value if order else "date_desc", include_flagged=include_flagged)
    except ValueError as exc:
        _fail(str(exc))


_TABLE_COLUMNS = (("id", "id"), ("date", "date"), ("type", "plover_type"), ("ACLED", "acled_sub_event_type"),
                  ("actor 1", "actor1_name"), ("actor 2", "actor2_name"), ("location", "location_name"),
                  ("admin1", "admin1"), ("country", "country"), ("deaths", "fatalities"),
                  ("sources", "source_count"), ("reports", "report_count"))


def events(
    since: Optional[str] = typer.Option(None, "--since", help="From this date (YYYY-MM-DD)."),
    until: Optional[str] = typer.Option(None, "--until", help="Up to this date, inclusive."),
    type_: Optional[str] = typer.Option(None, "--type", help="PLOVER type (ASSAULT) or ACLED event/sub-event type (Battles); an unknown one lists the valid values."),
    actor: Optional[str] = typer.Option(None, "--actor", help="Part of an actor's name or id (English or Arabic)."),
    country: Optional[str] = typer.Option(None, "--country", help="Country of the location: ISO3 (SYR), ISO2 or name (Syria, سوريا)."),
    admin1: Optional[str] = typer.Option(None, "--admin1", help="Governorate / province (Hama)."),
    near: Optional[str] = typer.Option(None, "--near", help="LAT,LON,KM: events within KM of the point."),
    text: Optional[str] = typer.Option(None, "--text", help="Words in one of the event's reports: sentence, trigger or place (Arabic folded: هيئة = هيئه)."),
    output_format: EventsFormat = typer.Option(EventsFormat.table, "--format", "-f"),
    limit: int = typer.Option(50, "--limit", min=0),
    offset: int = typer.Option(0, "--offset", min=0),
    order: Order = typer.Option(Order.date_desc, "--order"),
    include_flagged: bool = typer.Option(False, "--include-flagged", help="Also flagged events (negated, hypothetical, historical)."),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """List de-duplicated events."""
    from rasd.errors import StoreError
    q = _query(since, until, type_, actor, country, admin1, near, text, limit, offset, order, include_flagged)
    store = _open(db, existing=True)
    try:
        rows = store.query_events(q)
        total = store.count_events(q)
    except StoreError as exc:
        _fail(f"{exc} [{exc.code}]")
    finally:
        store.close()
    if output_format is EventsFormat.json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif output_format is EventsFormat.csv:
        _write_csv(rows, sys.stdout)
    else:
        from rich.console import Console
        from rich.table import Table
        from rich.markup import escape
        table = Table(title=f"{len(rows):,} of {total:,} events")
        for header, _key in _TABLE_COLUMNS:
            table.add_column(header, overflow="fold")
        for row in rows:
            table.add_row(*(escape("" if row[k] is None else str(row[k])) for _h, k in _TABLE_COLUMNS))
        Console(width=None if sys.stdout.isatty() else 200).print(table)


def _write_csv(rows: list[dict[str, Any]], stream: Any) -> None:
    if not rows:
        return
    fields = list(rows[0].keys())
    writer = csv.DictWriter(stream, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ";".join(v) if isinstance(v, list) else v for k, v in row.items()})


# The words of `rasd stats`: a *report* is an event as read in one article; an *event* is
# the de-duplicated happening that one or more reports tell of (what `events` lists).
_STATS_TOTALS = (("documents", "documents"), ("near_duplicate_documents", "near-duplicate documents"),
                 ("reports", "reports (events as read in each article)"),
                 ("events", "events (de-duplicated)"),
                 ("multi_outlet_events", "events told by several outlets"),
                 ("flagged_events", "flagged events (negated, hypothetical, historical)"))


def _stats_view(data: dict[str, Any], database: str) -> dict[str, Any]:
    """The store's counts in the command's words (see _STATS_TOTALS)."""
    return {"database": database, "documents": data["documents"],
            "near_duplicate_documents": data["near_duplicate_documents"], "reports": data["reports"],
            "events": data["deduplicated_events"], "multi_outlet_events": data["multi_outlet_events"],
            "flagged_events": data["flagged_events"], "events_by_type": data["events_by_type"],
            "events_by_country": data["events_by_country"], "events_by_month": data["events_by_month"]}


def stats(
    output_format: StatsFormat = typer.Option(StatsFormat.table, "--format", "-f"),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Counts of documents, reports and de-duplicated events, and the database they come from.

    A report is one event as extracted from one article; an event is the de-duplicated
    happening its reports tell of. Events are also counted by type, country and month."""
    from rasd.errors import StoreError
    store = _open(db, existing=True)
    try:
        data = _stats_view(store.stats(), _where(store))
    except StoreError as exc:
        _fail(f"{exc} [{exc.code}]")
    finally:
        store.close()
    if output_format is StatsFormat.json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table
    console = Console()
    typer.echo(f"database: {data['database']}")  # plain: a long path must not wrap
    totals = Table(title="rasd store", show_header=False)
    for key, label in _STATS_TOTALS:
        totals.add_row(label, f"{data[key]:,}")
    console.print(totals)
    for key, title, column in (("events_by_type", "events by PLOVER type", "type"),
                               ("events_by_country", "events by country", "country"),
                               ("events_by_month", "events by month", "month")):
        if data[key]:
            table = Table(title=title)
            table.add_column(column)
            table.add_column("events", justify="right")
            for name, n in data[key].items():
                table.add_row(escape(str(name)), f"{n:,}")
            console.print(table)


# --- export -------------------------------------------------------------------------

class AcledLabels(str, Enum):
    codes = "codes"
    text = "text"


def export(
    output_format: ExportFormat = typer.Option(..., "--format", "-f", help="acled-csv, plover-jsonl, geojson or parquet."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Write here (standard output if omitted; Parquet needs a file)."),
    since: Optional[str] = typer.Option(None, "--since"),
    until: Optional[str] = typer.Option(None, "--until"),
    type_: Optional[str] = typer.Option(None, "--type", help="PLOVER type or ACLED event/sub-event type."),
    country: Optional[str] = typer.Option(None, "--country", help="ISO3 (SYR), ISO2 or name (Syria, سوريا)."),
    include_flagged: bool = typer.Option(False, "--include-flagged", help="Also flagged events (negated, hypothetical, historical)."),
    acled_labels: AcledLabels = typer.Option(AcledLabels.codes, "--acled-labels", help="ACLED CSV inter1/inter2/interaction: the codes (17) or ACLED's text labels (State forces-Civilians)."),
    sources: list[Path] = typer.Option([], "--sources", help="Your outlets file (TSV: source, name, scale…; see rasd/data/export/README.md); may repeat."),
    fatality_review: Optional[int] = typer.Option(None, "--fatality-review", min=0, help="Tag events with more deaths than this for review (default: the codebook's threshold)."),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Export the de-duplicated events (an event keeps its id as it gains reports)."""
    from rasd.errors import DataFileError, StoreError
    from rasd.store.export import export_events
    q = _query(since, until, type_, None, country, None, None, None, None, 0, Order.date_asc, include_flagged)
    store = _open(db, existing=True)
    try:
        n = export_events(store, output_format.value, out, q, acled_labels=acled_labels.value,
                          sources_files=tuple(sources), fatality_review=fatality_review)
    except (StoreError, DataFileError) as exc:
        _fail(f"{exc} [{exc.code}]")
    except OSError as exc:
        _fail(f"cannot write {out}: {exc.strerror}")
    finally:
        store.close()
    typer.echo(f"exported {n:,} events{' to ' + str(out) if out else ''}", err=True)
    if n.skipped.get("no_place"):
        typer.echo(f"left out {n.skipped['no_place']:,} events without a place at governorate level or finer "
                   "(ACLED places every event; a country's centre is no place)", err=True)
