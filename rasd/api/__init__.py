"""rasd's HTTP API and web app (FastAPI).

    from rasd.api import create_app, ApiSettings
    app = create_app(ApiSettings(db="sqlite:///events.sqlite"))

``rasd serve`` runs it with uvicorn. Routes: ``/api/*`` (JSON), ``/`` (map), ``/documents/{id}``
(article view), ``/extract`` (paste an article), ``/docs`` (API docs, offline).
"""
from __future__ import annotations

from rasd.api.app import create_app
from rasd.api.settings import ApiSettings, is_loopback

__all__ = ["create_app", "ApiSettings", "is_loopback"]
