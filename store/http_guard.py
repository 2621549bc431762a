"""Two plain ASGI middlewares every response goes through: a cap on request bodies, and security headers.

Plain ASGI rather than ``@app.middleware("http")``: they wrap ``receive`` and ``send`` without building a
Request or copying the response, so they cost next to nothing per request (issue 7's ingest budget).
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
# Renders the refusal the way the app renders every error (problem+json, or a page under /admin and /kiosk).
ProblemRenderer = Callable[[Request, int, str, str, str], Response]


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` once a streamed body passes its limit; the app's handler renders the 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, too_large_detail(limit))


def too_large_detail(limit: int) -> str:
    return f"the request body is larger than the limit of {limit} bytes"


def _limit_for(headers: Headers, max_body: int, max_upload: int) -> int:
    content_type = headers.get("content-type", "")
    return max_upload if content_type.lower().startswith("multipart/form-data") else max_body


class BodyLimit:
    """Refuse a body over its limit with a 413: from ``Content-Length`` before reading a byte, or while streaming.

    A chunked body (no ``Content-Length``) is counted as it arrives; the read that passes the limit raises
    :class:`BodyTooLarge`, so no handler ever holds more than the limit plus one chunk.
    """

    def __init__(self, app: ASGIApp, *, max_body: int, max_upload: int, render: ProblemRenderer) -> None:
        self.app, self.max_body, self.max_upload, self.render = app, max_body, max_upload, render

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        limit = _limit_for(headers, self.max_body, self.max_upload)
        declared = headers.get("content-length")
        if declared is not None:
            if not declared.isdigit():
                response = self.render(Request(scope), 400, "http-400", "Bad request", "Content-Length is not a number")
                await response(scope, receive, send)
                return
            if int(declared) > limit:
                response = self.render(
                    Request(scope), 413, "http-413", "Request body too large", too_large_detail(limit)
                )
                response.headers["Connection"] = "close"  # the unread body must not be taken for the next request
                await response(scope, receive, send)
                return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, counted, send)


def content_security_policy(nonce: str) -> str:
    """Scripts only from our own files (no inline script at all); styles from files or a nonce'd block."""
    return (
        "default-src 'self'; script-src 'self'; "
        f"style-src 'self' 'nonce-{nonce}'; img-src 'self' data:; font-src 'self'; connect-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


_ALWAYS = (  # added unless the response set its own
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
)


class SecurityHeaders:
    """CSP, no framing, no sniffing, a referrer policy on every response; ``no-store`` on back-office pages.

    A per-request nonce is left in ``scope["state"]["csp_nonce"]`` for the rare ``<style>`` block a page
    embeds from elsewhere (the self-assessment report fragment); scripts never get one.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(16)
        scope.setdefault("state", {})["csp_nonce"] = nonce
        path: str = scope["path"]
        no_store = path.startswith("/admin") and not path.startswith("/admin/static")
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                # MutableHeaders.setdefault, once for all of them: each call scanned the headers again.
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers}
                if b"content-security-policy" not in present:
                    headers.append((b"content-security-policy", content_security_policy(nonce).encode("latin-1")))
                headers += [header for header in _ALWAYS if header[0] not in present]
                if no_store:
                    headers = [header for header in headers if header[0].lower() != b"cache-control"]
                    headers.append((b"cache-control", b"no-store"))
                if https and b"strict-transport-security" not in present:
                    headers.append((b"strict-transport-security", b"max-age=31536000"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
