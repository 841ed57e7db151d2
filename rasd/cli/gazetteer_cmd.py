"""`rasd gazetteer`: extend the gazetteer with GeoNames country dumps, look places up."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

__all__ = ["register"]

gazetteer_app = typer.Typer(no_args_is_help=True,
                            help="The place gazetteer: import GeoNames dumps, look names up.")


def register(app: typer.Typer) -> None:
    """Add the ``gazetteer`` sub-commands to ``app``."""
    app.add_typer(gazetteer_app, name="gazetteer")


@gazetteer_app.command("import")
def import_cmd(
    file: Path = typer.Argument(..., help="A GeoNames country dump (SY.txt or SY.zip)."),
    country: Optional[str] = typer.Option(None, "--country", "-c",
                                          help="Keep only this ISO alpha-2 country (e.g. SY)."),
) -> None:
    """Load the places with Arabic names from a GeoNames dump into your gazetteer
    (under $RASD_DATA_DIR/gazetteer, or the user data folder)."""
    from rasd.errors import RasdError
    from rasd.geo.importer import import_geonames

    try:
        result = import_geonames(file, country=country)
    except RasdError as exc:
        typer.echo(f"rasd: {exc} [{exc.code}]", err=True)
        raise typer.Exit(2) from exc
    typer.echo(f"{result.places} places with Arabic names (of {result.rows_read} rows) "
               f"written to {result.path}")


@gazetteer_app.command("lookup")
def lookup_cmd(name: str = typer.Argument(..., help="An Arabic place name.")) -> None:
    """Print the places a name may refer to, most likely first."""
    from rasd.geo import load_gazetteer

    found = load_gazetteer().candidates(name)
    if not found:
        typer.echo("no place of that name")
        raise typer.Exit(1)
    for e in found:
        typer.echo(f"{e.id}\t{e.name_en}\t{e.kind}\t{e.country or ''}\t{e.admin1 or ''}\t"
                   f"{e.lat if e.lat is not None else ''},{e.lon if e.lon is not None else ''}")
