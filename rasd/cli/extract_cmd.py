"""`rasd extract`: read articles, print coded events (JSON, JSON lines or a table)."""
from __future__ import annotations

import json
import sys
from enum import Enum
from importlib.resources import files
from pathlib import Path
from typing import Optional

import typer

from rasd.ingest.readers import InputFormat

__all__ = ["register"]


class OutputFormat(str, Enum):
    json = "json"
    jsonl = "jsonl"
    table = "table"


def sample_path() -> Path:
    """The bundled sample article (written for the project)."""
    return Path(str(files("rasd.data").joinpath("samples/sample-article-ar.txt")))


def register(app: typer.Typer) -> None:
    app.command("extract")(extract)


def extract(
    path: Optional[str] = typer.Argument(None, help="A .txt, .html or .jsonl file, a directory, or - for standard input."),
    input_format: Optional[InputFormat] = typer.Option(None, "--input-format", "-i", help="Input kind; guessed from the name and content when omitted."),
    output_format: OutputFormat = typer.Option(OutputFormat.json, "--format", "-f", help="json (one record, or a list), jsonl (one record per line) or table."),
    published: Optional[str] = typer.Option(None, "--published", help="Publication date YYYY-MM-DD (relative dates resolve against it)."),
    source: Optional[str] = typer.Option(None, "--source", help="Outlet name, copied to the records."),
    sample: bool = typer.Option(False, "--sample", help="Run on the bundled sample article."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Write here instead of standard output."),
) -> None:
    """Extract entities and coded event reports from Arabic news articles (nothing is stored)."""
    from rasd import default_pipeline
    from rasd.errors import InputError
    from rasd.ingest import read_path
    from rasd.ingest.readers import escape_controls
    from rasd.pipeline import _as_date

    if sample:
        path = str(sample_path())
        published = published or "2024-11-08"
    if path is None:
        _fail("give a file, a directory, - for standard input, or --sample")
    try:
        published_date = _as_date(published)
    except InputError as exc:
        _fail(str(exc))
    pipeline = default_pipeline()
    records: list[dict] = []
    read = failed = 0
    stream = open(out, "w", encoding="utf-8") if out else sys.stdout
    try:
        for item in read_path(path, input_format=input_format.value if input_format else None,
                              options=pipeline.options):
            if item.error is not None:
                failed += 1
                typer.echo(f"rasd: {escape_controls(str(item.error))}", err=True)
                continue
            doc = item.document
            if published_date is not None:
                doc.published = published_date
            if source:
                doc.source = source
            record = pipeline(doc).to_dict()
            read += 1
            if output_format is OutputFormat.jsonl:
                stream.write(json.dumps(record, ensure_ascii=False) + "\n")
            elif output_format is OutputFormat.table:
                _print_table(record, stream)
            else:
                records.append(record)
        if output_format is OutputFormat.json and read:
            payload = records[0] if len(records) == 1 else records
            stream.write(json.dumps(payload, ensure_ascii=False, indent=1) + "\n")
    except InputError as exc:
        _fail(str(exc))
    finally:
        if out:
            stream.close()
    if read == 0:
        if not failed:
            typer.echo(f"rasd: error: no document in {escape_controls(path)}", err=True)
        raise typer.Exit(code=2 if failed else 1)


def _fail(message: str) -> None:
    typer.echo(f"rasd: error: {message}", err=True)
    raise typer.Exit(code=2)


def _print_table(record: dict, stream) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(file=stream, width=160)
    doc = record["document"]
    title = escape(doc.get("title") or doc["id"])
    console.print(f"[bold]{title}[/bold]  [dim]{escape(doc.get('source') or '')} {doc.get('published') or ''}[/dim]")
    table = Table(show_lines=False)
    for column in ("type", "ACLED sub-event", "actor1", "actor2", "where", "when", "killed", "flags", "trigger"):
        table.add_column(column)
    for ev in record["events"]:
        flags = ",".join(k for k in ("negated", "hypothetical", "historical") if ev.get(k))
        loc = ev.get("location") or {}
        date = ev.get("date") or {}
        table.add_row(
            f"{ev['plover']['type']}" + (f"/{ev['plover']['mode']}" if ev["plover"].get("mode") else ""),
            ev["acled"].get("sub_event_type") or "",
            _actor_cell(ev.get("actor1")), _actor_cell(ev.get("actor2")),
            escape(", ".join(x for x in (loc.get("name"), loc.get("admin1"), loc.get("country")) if x)),
            escape(date.get("value") or ""),
            "" if ev.get("fatalities") is None else str(ev["fatalities"]),
            flags, escape(ev.get("trigger") or ""),
        )
    console.print(table)
    kinds: dict[str, int] = {}
    for ent in record["entities"]:
        kinds[ent["type"]] = kinds.get(ent["type"], 0) + 1
    console.print("[dim]entities: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())) + "[/dim]\n")


def _actor_cell(actor: dict | None) -> str:
    from rich.markup import escape

    if not actor:
        return ""
    code = " ".join(x for x in (actor.get("country"), actor.get("sector")) if x)
    return escape(f"{actor.get('name') or actor.get('mention')} ({code})" if code else str(actor.get("name")))
