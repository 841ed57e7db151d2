"""The FastAPI application: JSON API under /api, web pages, offline docs at /docs."""
from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from rasd.api.cache import GenerationCache
from rasd.api.errors import install_error_handlers
from rasd.api.routes import CACHE_TTL_S, TTLCache, router
from rasd.api.security import BodyLimitMiddleware, SecurityHeadersMiddleware, WriteGuardMiddleware
from rasd.api.settings import ApiSettings
from rasd.api.workers import ExtractionPool

log = logging.getLogger(__name__)

__all__ = ["create_app"]


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    try:
        yield
    finally:  # the extraction workers end with the server
        app.state.extraction.close()


def create_app(settings: ApiSettings | None = None, *, store: Any = None) -> FastAPI:
    """Build the app.

    Args:
        settings: server settings; ``ApiSettings.from_env()`` when omitted.
        store: an open store to serve; opened from ``settings.db`` on first use when omitted.

    Returns:
        A FastAPI app; run it with uvicorn (``rasd serve`` does).
    """
    import rasd
    from rasd.web import mount_web

    settings = settings or ApiSettings.from_env()
    app = FastAPI(title="rasd", version=rasd.__version__,
                  description="Arabic conflict events: query the event store, read the evidence, "
                              "extract events from an article.",
                  docs_url=None, redoc_url=None, openapi_url="/openapi.json", lifespan=_lifespan)
    app.state.settings = settings
    app.state.timeline_cache = TTLCache(CACHE_TTL_S, size=128)
    app.state.count_cache = GenerationCache()  # totals, exact until the store's next write
    # rendered event pages, also exact until the next write (None: not cached)
    app.state.page_cache = (GenerationCache(size=4096, max_bytes=max(1, int(settings.page_cache_mb * 2**20)))
                            if settings.page_cache_mb > 0 else None)
    lock = threading.Lock()
    holder: dict[str, Any] = {"store": store}

    def get_store() -> Any:
        if holder["store"] is None:
            with lock:
                if holder["store"] is None:
                    from rasd.store import open_store

                    holder["store"] = open_store(settings.db)
        return holder["store"]

    app.state.get_store = get_store
    # worker processes start on the first extraction, and stop with the app
    app.state.extraction = ExtractionPool(settings.extract_workers, settings.extract_timeout_s)
    weakref.finalize(app, app.state.extraction.close)
    install_error_handlers(app)
    app.include_router(router)
    mount_web(app, settings)

    if settings.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                           allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "Content-Type"])
    # writes: Host, Origin and Content-Type checked before anything reads the body
    app.add_middleware(WriteGuardMiddleware, allowed_hosts=settings.allowed_hosts,
                       cors_origins=settings.cors_origins)
    app.add_middleware(BodyLimitMiddleware, limit=settings.max_body_bytes)
    app.add_middleware(SecurityHeadersMiddleware, tile_url=settings.tile_url)
    return app
