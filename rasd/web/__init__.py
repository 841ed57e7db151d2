"""rasd's web pages: the event map, the article view, the paste-an-article page, /docs.

Pages are Jinja2 templates with autoescaping on; the browser code (``static/*.js``) builds
the DOM with ``textContent`` only. Leaflet and its marker-cluster plugin are served from
the ``xstatic-leaflet*`` packages, Swagger UI from ``fastapi-offline`` when installed; the
base map is ``static/countries.geojson`` (Natural Earth outlines, simplified), so nothing
is fetched from another site unless a tile URL is configured.
"""
from __future__ import annotations

from rasd.web.pages import mount_web

__all__ = ["mount_web"]
