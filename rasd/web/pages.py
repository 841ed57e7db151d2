"""Routes that render HTML pages and serve the static files."""
from __future__ import annotations

import functools
import importlib
import importlib.resources
import importlib.util
import logging
import os
from typing import Any

from fastapi import FastAPI, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from rasd.api.settings import ApiSettings

log = logging.getLogger(__name__)

__all__ = ["mount_web", "templates"]

_HERE = importlib.resources.files("rasd.web")


@functools.lru_cache(maxsize=1)
def templates() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_HERE / "templates")),
        autoescape=True, trim_blocks=True, lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


def render(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = templates().get_template(name).render(**context)
    return HTMLResponse(html, status_code=status)


def _package_dir(module: str, attr: str | None = None, sub: str | None = None) -> str | None:
    """Directory of an installed static-files package, or None when it is not installed."""
    if importlib.util.find_spec(module.split(".")[0]) is None:
        return None
    try:
        mod = importlib.import_module(module)
    except ImportError:
        return None
    path = getattr(mod, attr) if attr else os.path.dirname(mod.__file__ or "")
    if sub:
        path = os.path.join(path, sub)
    return path if os.path.isdir(path) else None


def swagger_dir() -> str | None:
    return _package_dir("fastapi_offline", sub="static")


def mount_web(app: FastAPI, settings: ApiSettings) -> None:
    """Add the pages and static mounts to ``app``."""
    app.mount("/static/web", StaticFiles(directory=str(_HERE / "static")), name="web-static")
    leaflet = _package_dir("xstatic.pkg.leaflet", "BASE_DIR")
    cluster = _package_dir("xstatic.pkg.leaflet_markercluster", "BASE_DIR")
    if leaflet is None or cluster is None:
        log.warning("xstatic-leaflet / xstatic-leaflet-markercluster not installed: the map will not draw")
    if leaflet:
        app.mount("/static/leaflet", StaticFiles(directory=leaflet), name="leaflet")
    if cluster:
        app.mount("/static/markercluster", StaticFiles(directory=cluster), name="markercluster")
    swagger = swagger_dir()
    if swagger:
        app.mount("/static/swagger", StaticFiles(directory=swagger), name="swagger")

    common = {"tile_url": settings.tile_url or "", "has_swagger": bool(swagger)}

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index() -> HTMLResponse:
        return render("index.html", page="map", **common)

    @app.get("/extract", response_class=HTMLResponse, include_in_schema=False)
    def extract_page() -> HTMLResponse:
        return render("extract.html", page="extract", **common)

    @app.get("/documents/{doc_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def document_page(request: Request, doc_id: str = Path(..., max_length=200)) -> HTMLResponse:
        record = request.app.state.get_store().get_document(doc_id)
        if record is None:
            return render("notfound.html", status=404, page="", what=doc_id, **common)
        return render("document.html", page="document", record=record, doc=record.get("document", {}),
                      **common)

    @app.get("/events/{event_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def event_page(request: Request, event_id: str = Path(..., max_length=200)) -> HTMLResponse:
        event = request.app.state.get_store().get_event(event_id)
        if event is None:
            return render("notfound.html", status=404, page="", what=event_id, **common)
        return render("event.html", page="event", event=event, **common)

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def docs_page() -> HTMLResponse:
        return render("docs.html", page="docs", **common)

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> RedirectResponse:
        return RedirectResponse("/static/web/favicon.svg")
