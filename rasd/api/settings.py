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
        map_points: the most events ``/api/map`` sends one by one; past it, it counts them
            in squares (what a browser draws without slowing down).
        allowed_hosts: host names (besides the address the server is reached on, and the
            loopback names on a loopback address) that a write's ``Host`` header may carry:
            the public name behind a reverse proxy (``$RASD_ALLOWED_HOSTS``, comma-separated).
        extract_workers: worker processes for extraction, each one request at a time; a
            request finding all of them busy gets 503 (``$RASD_EXTRACT_WORKERS``).
        extract_timeout_s: the time limit of one extraction; past it the worker is killed
            and the request gets 422 ``time_limit`` (``$RASD_EXTRACT_TIMEOUT``).
        page_cache_mb: memory for rendered ``GET /api/events`` responses, kept until the
            store's next write (``$RASD_PAGE_CACHE_MB``; 0 turns the cache off).
    """
    db: str | None = None
    token: str | None = None
    read_only: bool = False
    tile_url: str | None = None
    cors_origins: tuple[str, ...] = ()
    max_body_bytes: int = MAX_BODY_BYTES
    max_page: int = 5000
    timeline_cap: int = 50000
    map_points: int = 3000
    allowed_hosts: tuple[str, ...] = ()
    extract_workers: int = 2
    extract_timeout_s: float = 30.0
    page_cache_mb: float = 64.0
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_env(cls, **overrides: Any) -> "ApiSettings":
        """Settings from ``RASD_*`` environment variables; keyword arguments win."""
        env = os.environ
        origins = tuple(o.strip() for o in env.get("RASD_CORS_ORIGINS", "").split(",") if o.strip())
        hosts = tuple(h.strip().lower() for h in env.get("RASD_ALLOWED_HOSTS", "").split(",") if h.strip())
        base = cls(
            db=env.get("RASD_DB") or None,
            token=env.get("RASD_API_TOKEN") or None,
            tile_url=env.get("RASD_TILE_URL") or None,
            cors_origins=origins,
            allowed_hosts=hosts,
            extract_workers=_number(env, "RASD_EXTRACT_WORKERS", int, 2),
            extract_timeout_s=_number(env, "RASD_EXTRACT_TIMEOUT", float, 30.0),
            page_cache_mb=_number(env, "RASD_PAGE_CACHE_MB", float, 64.0, zero=True),
        )
        overrides = {k: v for k, v in overrides.items() if v is not None}
        return replace(base, **overrides)


def _number(env: Any, name: str, kind: type, default: Any, *, zero: bool = False) -> Any:
    """``$name`` as a positive number (or 0 with ``zero``), ``default`` when unset."""
    value = env.get(name, "").strip()
    if not value:
        return default
    try:
        number = kind(value)
    except ValueError:
        raise ValueError(f"{name} must be a positive number, not {value!r}") from None
    if number < 0 or number == 0 and not zero:
        raise ValueError(f"{name} must be a {'non-negative' if zero else 'positive'} number, not {value!r}")
    return number
