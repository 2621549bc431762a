"""A precompiled path for the one request a till sends all day, in front of its FastAPI route.

FastAPI's per-request machinery (dependency solving, the request's exit stacks, parameter validation) cost
more CPU than a till's whole sale (issue 7, item 3). A :class:`HotRoute` sits first in the app's routes and
answers the *ordinary* request of one FastAPI route itself: it reads the body, and its handler either
answers or declines. A declined request (anything unusual: another content type, other credentials, a body
that does not validate, a device not yet in the cache) goes to the FastAPI route unchanged, with the body
messages already read replayed to it, so every refusal (401/403, 413, 422 with FastAPI's error shape, the
NUL guard) stays exactly what the FastAPI route answers. The FastAPI route stays registered, so the OpenAPI
document is the same; an answer of the hot path goes through the same middleware and exception handlers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.responses import Response
from starlette.routing import BaseRoute, Match, NoMatchFound
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DECLINED = "smartstore.hot_declined"  # scope flag: the hot path passed this request on to the FastAPI route


class Decline(Exception):
    """Raised by a hot handler for a request it leaves to the FastAPI route (before it wrote anything)."""


# A handler gets the scope, the request's headers (lower-case name → value, the last of a repeated name;
# ``repeated`` holds the names sent more than once) and the whole body; it returns the answer or raises Decline.
Handler = Callable[[Scope, dict[bytes, bytes], set[bytes], bytes], Awaitable[Response]]


_JSON = b"application/json"
_OTHER_CREDENTIALS = frozenset({b"authorization", b"cookie"})  # beside a device key: the dependencies decide


def device_json_key(headers: dict[bytes, bytes], repeated: set[bytes], body: bytes, once: frozenset[bytes]) -> bytes:
    """The device key of a device's plain JSON request, else Decline: no ``X-Device-Key``, a content type other
    than exactly ``application/json``, a bearer token or a cookie beside the key, a header of ``once`` sent
    twice, or a NUL escape in the body (the FastAPI route's guard answers those)."""
    raw_device = headers.get(b"x-device-key")
    if (
        not raw_device
        or headers.get(b"content-type") != _JSON
        or not _OTHER_CREDENTIALS.isdisjoint(headers)
        or not once.isdisjoint(repeated)
        or b"\\u0000" in body
    ):
        raise Decline
    return raw_device


class HotRoute(BaseRoute):
    """Answers ``method path`` with ``handler``; what it declines, ``router`` dispatches as if it were absent."""

    def __init__(self, path: str, method: str, handler: Handler, router: ASGIApp) -> None:
        self.path, self.method, self.handler, self.router = path, method, handler, router
        self.name = None
        self.include_in_schema = False  # the FastAPI route behind it documents the operation

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if (
            scope["type"] == "http"
            and scope["method"] == self.method
            and scope["path"] == self.path
            and not scope.get("root_path")
            and DECLINED not in scope
        ):
            return Match.FULL, {"route": self}  # "route": the metrics label it by its path, as the FastAPI route
        return Match.NONE, {}

    def url_path_for(self, name: str, /, **path_params: Any) -> Any:
        raise NoMatchFound(name, path_params)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("query_string"):
            await self._decline(scope, receive, send, [])
            return
        headers: dict[bytes, bytes] = {}
        repeated: set[bytes] = set()
        for name, value in scope["headers"]:
            if name in headers:
                repeated.add(name)
            headers[name] = value
        read: list[Message] = []
        try:
            body = await _read_body(receive, read)
        except Exception as exc:
            await self._decline(scope, _raising(read, exc), send, [])
            return
        if body is None:  # a disconnect or an unexpected message: replayed to the FastAPI route as it came
            await self._decline(scope, receive, send, read)
            return
        try:
            response = await self.handler(scope, headers, repeated, body)
        except Decline:
            await self._decline(scope, receive, send, read)
            return
        await response(scope, receive, send)

    async def _decline(self, scope: Scope, receive: Receive, send: Send, read: list[Message]) -> None:
        scope[DECLINED] = True
        await self.router(scope, _replaying(read, receive) if read else receive, send)


async def _read_body(receive: Receive, read: list[Message]) -> bytes | None:
    """The request body as Starlette's ``Request.body()`` reads it; None when a message is not a body part."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        read.append(message)
        if message["type"] != "http.request":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replaying(read: list[Message], receive: Receive) -> Receive:
    pending = list(read)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay


def _raising(read: list[Message], exc: Exception) -> Receive:
    pending = list(read)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        raise exc

    return replay
