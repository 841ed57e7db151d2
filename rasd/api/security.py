"""Request-size limit, security headers, the write guard and the token check.

The middlewares are plain ASGI so that they see every response, errors included, and
cost little on the hot read path.
"""
from __future__ import annotations

import hmac
import json
import logging
from typing import Any, Awaitable, Callable
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

__all__ = ["BodyLimitMiddleware", "SecurityHeadersMiddleware", "WriteGuardMiddleware", "BodyTooLarge",
           "token_ok", "content_security_policy", "host_name", "write_refusal"]

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


class BodyTooLarge(Exception):
    """A request body passed the configured limit while it was read."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(f"request body larger than {limit} bytes")


def error_body(code: str, message: str) -> bytes:
    return json.dumps({"error": {"code": code, "message": message}}).encode()


async def send_json_error(send: Send, status: int, code: str, message: str) -> None:
    body = error_body(code, message)
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


class BodyLimitMiddleware:
    """Refuses bodies over ``limit`` bytes with 413: from Content-Length before reading,
    and while reading (chunked uploads or a lying header)."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await send_json_error(send, 400, "bad_request", "invalid Content-Length")
                    return
                if declared > limit:
                    await send_json_error(send, 413, "too_large",
                                          f"request body larger than {limit} bytes")
                    return
        seen = 0
        started = False
        exceeded = False

        async def limited_receive() -> dict[str, Any]:
            nonlocal seen, exceeded
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    exceeded = True
                    raise BodyTooLarge(limit)
            return message

        async def watching_send(message: dict[str, Any]) -> None:
            nonlocal started
            if exceeded:
                # the app caught BodyTooLarge itself (FastAPI turns body errors into 400):
                # answer 413 instead of whatever it says
                if message["type"] == "http.response.start" and not started:
                    started = True
                    await send_json_error(send, 413, "too_large",
                                          f"request body larger than {limit} bytes")
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, watching_send)
        except BodyTooLarge as exc:
            if started:
                raise
            await send_json_error(send, 413, "too_large", str(exc))


def content_security_policy(tile_url: str | None, *, relaxed_styles: bool = False) -> str:
    """The CSP for our pages: scripts only from this origin, images also from the tile server."""
    img = ["'self'", "data:"]
    if tile_url:
        parts = urlsplit(tile_url.replace("{s}", "a"))
        if parts.scheme in ("http", "https") and parts.netloc:
            host = parts.netloc
            if "{s}" in tile_url:
                host = "*." + host.split(".", 1)[1] if "." in host else host
            img.append(f"{parts.scheme}://{host}")
    styles = "'self' 'unsafe-inline'" if relaxed_styles else "'self'"
    return "; ".join([
        "default-src 'self'", "script-src 'self'", f"style-src {styles}",
        f"img-src {' '.join(img)}", "connect-src 'self'", "font-src 'self'",
        "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'",
    ])


class SecurityHeadersMiddleware:
    """Adds CSP, X-Content-Type-Options, Referrer-Policy and X-Frame-Options to every response."""

    def __init__(self, app: Any, tile_url: str | None = None) -> None:
        self.app = app
        strict = content_security_policy(tile_url).encode()
        relaxed = content_security_policy(tile_url, relaxed_styles=True).encode()
        common = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
                  (b"x-frame-options", b"DENY"), (b"cross-origin-opener-policy", b"same-origin")]
        self._headers = common + [(b"content-security-policy", strict)]
        # Swagger UI sets inline styles; only its page gets them.
        self._docs_headers = common + [(b"content-security-policy", relaxed)]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = self._docs_headers if scope.get("path") == "/docs" else self._headers

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message = dict(message)
                message["headers"] = list(message.get("headers", ())) + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)


def token_ok(authorization: str | bytes | None, token: str) -> bool:
    """True when the ``Authorization: Bearer …`` header carries ``token``.

    Compared as UTF-8 bytes in constant time (``hmac.compare_digest``). HTTP header values
    are bytes; Starlette hands them over decoded as Latin-1, so that decoding is undone
    first: a non-ASCII token sent as UTF-8 matches.
    """
    if not authorization:
        return False
    if isinstance(authorization, str):
        try:
            authorization = authorization.encode("latin-1")
        except UnicodeEncodeError:  # a str that did not come from the wire
            authorization = authorization.encode("utf-8")
    scheme, _, given = authorization.partition(b" ")
    if scheme.lower() != b"bearer":
        return False
    return hmac.compare_digest(given.strip(), token.encode("utf-8"))


# --- writes: Host, Origin, Content-Type ----------------------------------------------------

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
BODY_MEDIA_TYPES = frozenset({"application/json", "multipart/form-data"})
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "127.0.0.1", "::1"})


def host_name(value: str) -> str:
    """The host of a ``Host`` header or URL netloc, lower-case, without port or brackets."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:value.find("]")] if "]" in value else value[1:]
    if value.count(":") == 1:
        value = value.split(":", 1)[0]
    return value.rstrip(".")


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


def write_refusal(scope: Scope, allowed_hosts: tuple[str, ...] = (),
                  cors_origins: tuple[str, ...] = ()) -> tuple[int, str, str] | None:
    """Why a state-changing request must be refused, as (status, code, message), or None.

    - ``Host`` must name this server: the address the connection came to, the loopback
      names when that address is loopback, or one of ``allowed_hosts``. A DNS-rebinding
      page reaches the server under its own name (``Host: evil.example``).
    - ``Origin``, when a browser sends one, must be this server's own origin (scheme and
      the ``Host`` header) or one of ``cors_origins``; without it, ``Sec-Fetch-Site`` must
      not say cross-site. A form on another site posts with its own origin.
    - The body must be ``application/json`` (or ``multipart/form-data``, a file): the
      types a cross-site form can send without asking (``text/plain``,
      ``application/x-www-form-urlencoded``) are refused.
    """
    from rasd.api.settings import is_loopback

    host_header = _header(scope, b"host") or ""
    name = host_name(host_header)
    server = scope.get("server")
    server_host = host_name(str(server[0])) if server else None
    allowed = {host_name(h) for h in allowed_hosts}
    if server_host:
        allowed.add(server_host)
    if server_host is None or is_loopback(server_host):
        allowed |= LOOPBACK_NAMES
    if name not in allowed:
        shown = host_header[:100] or "(none)"
        return (403, "bad_host", f"writes must name this server in the Host header, not {shown!r}: "
                "add the name to RASD_ALLOWED_HOSTS when a proxy serves it under that name")
    origin = _header(scope, b"origin")
    if origin is not None:
        if origin not in cors_origins:
            parts = urlsplit(origin.strip())
            if parts.scheme not in ("http", "https") or parts.netloc.lower() != host_header.strip().lower():
                return (403, "cross_origin", f"cross-site write refused: Origin {origin[:100]!r} is not "
                        "this server (RASD_CORS_ORIGINS lists the sites that may write)")
    elif (_header(scope, b"sec-fetch-site") or "").lower() in ("cross-site", "same-site"):
        return (403, "cross_origin", "cross-site write refused (Sec-Fetch-Site)")
    if scope.get("method") in ("POST", "PUT", "PATCH"):
        media = (_header(scope, b"content-type") or "").split(";", 1)[0].strip().lower()
        if media not in BODY_MEDIA_TYPES:
            return (415, "unsupported_media_type",
                    f"send the body as application/json (or multipart/form-data with a file), "
                    f"not {media or 'no Content-Type'}")
    return None


class WriteGuardMiddleware:
    """Refuses state-changing requests (anything but GET, HEAD, OPTIONS) that
    :func:`write_refusal` refuses, before the app or the body is touched."""

    def __init__(self, app: Any, allowed_hosts: tuple[str, ...] = (),
                 cors_origins: tuple[str, ...] = ()) -> None:
        self.app = app
        self.allowed_hosts = tuple(allowed_hosts)
        self.cors_origins = tuple(cors_origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("method", "GET") not in SAFE_METHODS:
            refusal = write_refusal(scope, self.allowed_hosts, self.cors_origins)
            if refusal is not None:
                log.info("refused %s %s: %s", scope.get("method"), scope.get("path"), refusal[2])
                await send_json_error(send, *refusal)
                return
        await self.app(scope, receive, send)
