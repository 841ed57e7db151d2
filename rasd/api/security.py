"""Request-size limit, security headers and the write token check.

Both middlewares are plain ASGI so that they see every response, errors included, and
cost little on the hot read path.
"""
from __future__ import annotations

import hmac
import json
import logging
from typing import Any, Awaitable, Callable
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

__all__ = ["BodyLimitMiddleware", "SecurityHeadersMiddleware", "BodyTooLarge", "token_ok",
           "content_security_policy"]

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


def token_ok(authorization: str | None, token: str) -> bool:
    """True when the ``Authorization: Bearer …`` header carries ``token`` (constant time)."""
    if not authorization:
        return False
    scheme, _, given = authorization.partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode("utf-8"), token.encode("utf-8"))
