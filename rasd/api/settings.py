"""Settings of the HTTP server, declared once and read from the environment at start-up."""
from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field, replace
from typing import Any

__all__ = ["ApiSettings", "is_loopback"]

MAX_BODY_BYTES = 2 * 1024 * 1024


def is_loopback(host: str) -> bool:
    """True when ``host`` only accepts connections from this machine."""
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True, kw_only=True)
class ApiSettings:
    """How the app behaves.

    Attributes:
        db: store URL (``None``: ``$RASD_DB`` or the default sqlite path).
        token: bearer token that ``POST /api/documents`` requires (``$RASD_API_TOKEN``).
            Without one, writes are open to loopback clients only when the server binds a
            loopback address; a server bound elsewhere starts read-only.
        read_only: refuse every write with 403.
        tile_url: a ``{z}/{x}/{y}`` tile URL template for users online (``$RASD_TILE_URL``);
            the map falls back to the bundled country outlines without one.
        cors_origins: origins allowed to call the API from other sites (``$RASD_CORS_ORIGINS``,
            comma-separated); none by default.
        max_body_bytes: larger request bodies get 413.
        max_page: the largest ``limit`` a listing accepts.
    """
    db: str | None = None
    token: str | None = None
    read_only: bool = False
    tile_url: str | None = None
    cors_origins: tuple[str, ...] = ()
    max_body_bytes: int = MAX_BODY_BYTES
    max_page: int = 5000
    timeline_cap: int = 50000
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_env(cls, **overrides: Any) -> "ApiSettings":
        """Settings from ``RASD_*`` environment variables; keyword arguments win."""
        env = os.environ
        origins = tuple(o.strip() for o in env.get("RASD_CORS_ORIGINS", "").split(",") if o.strip())
        base = cls(
            db=env.get("RASD_DB") or None,
            token=env.get("RASD_API_TOKEN") or None,
            tile_url=env.get("RASD_TILE_URL") or None,
            cors_origins=origins,
        )
        overrides = {k: v for k, v in overrides.items() if v is not None}
        return replace(base, **overrides)
