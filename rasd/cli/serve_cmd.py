"""`rasd serve`: the web app and HTTP API (FastAPI under uvicorn)."""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Optional

import typer

if TYPE_CHECKING:
    from rasd.api import ApiSettings

__all__ = ["register", "serve", "settings_for"]

log = logging.getLogger(__name__)


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("serve")(serve)


def settings_for(host: str, *, db: str | None = None, tiles: str | None = None,
                 read_only: bool = False) -> "ApiSettings":
    """The server's settings: a non-loopback address without ``RASD_API_TOKEN`` is read-only."""
    from rasd.api import ApiSettings, is_loopback

    settings = ApiSettings.from_env(db=db, tile_url=tiles, read_only=read_only or None)
    if not settings.token and not settings.read_only and not is_loopback(host):
        settings = ApiSettings.from_env(db=db, tile_url=tiles, read_only=True)
    return settings


def serve(
    db: Optional[str] = typer.Option(None, "--db", help="Store URL or sqlite path (default: $RASD_DB or the default sqlite file)."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind. Anything but loopback without RASD_API_TOKEN starts read-only."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    tiles: Optional[str] = typer.Option(None, "--tiles", help="Tile URL template for users online, e.g. https://tile.example.org/{z}/{x}/{y}.png (default: $RASD_TILE_URL; offline country outlines without)."),
    read_only: bool = typer.Option(False, "--read-only", help="Refuse POST /api/documents (403)."),
    log_level: str = typer.Option("info", "--log-level", help="uvicorn log level."),
) -> None:
    """Serve the event map, the article view and the JSON API (docs at /docs)."""
    import uvicorn

    from rasd.api import create_app
    from rasd.errors import StoreError

    settings = settings_for(host, db=db, tiles=tiles, read_only=read_only)
    if settings.read_only and not read_only:
        typer.echo(f"warning: binding {host} without RASD_API_TOKEN: serving read-only "
                   "(POST /api/documents answers 403). Set RASD_API_TOKEN to accept documents.",
                   err=True)
    app = create_app(settings)
    try:
        store = app.state.get_store()  # open (and migrate) the store before accepting requests
    except ImportError as exc:
        from rasd.cli.store_cmds import missing_driver
        if missing_driver(exc) is None:
            raise
        typer.echo(f"rasd: {missing_driver(exc)}", err=True)
        raise typer.Exit(1) from None
    except StoreError as exc:
        typer.echo(f"rasd: {exc} [{exc.code}]", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"rasd: serving the store {store.path or store.url} at http://{host}:{port}/", err=True)
    uvicorn.run(app, host=host, port=port, log_level=log_level, proxy_headers=False,
                server_header=False)
