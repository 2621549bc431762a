"""Refuse text holding a NUL character before any route sees it.

PostgreSQL cannot store a NUL in text, nor even compare one in a query, so "a\\u0000b" as a name or a
filter failed there as a 500 (SQLite stored it, and the pages then showed it). No field of this product
means anything with a NUL in it, so one app-wide dependency answers 422, naming where it was.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError

MESSAGE = "text must not contain NUL (\\u0000) characters"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# The \u0000 escape, but not an escaped backslash followed by "u0000" (the text \u0000 itself).
JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


def _error(loc: list[str]) -> dict[str, Any]:
    return {"loc": loc, "msg": MESSAGE, "type": "nul_character", "input": None}


async def _body_errors(request: Request) -> list[dict[str, Any]]:
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        # The escape is all JSON can carry (a raw NUL is already a JSON decode error).
        # The substring test first: it runs at memchr speed, the regex (needed only when the escape is
        # there at all, to tell it from an escaped backslash) costs more than a till's whole sale.
        body = await request.body()
        return [_error(["body"])] if b"\\u0000" in body and JSON_NUL.search(body) else []
    if content_type.startswith(FORM_TYPES):
        form = await request.form()  # cached on the request: the route's own Form parameters reuse it
        return [
            _error(["body", name])
            for name, value in form.multi_items()
            if "\x00" in name or (isinstance(value, str) and "\x00" in value)  # files may hold NULs
        ]
    return []


async def reject_nul(request: Request) -> None:
    """422 when the path, a query parameter or a JSON or form body holds a NUL character."""
    errors = [_error(["path"])] if "\x00" in request.url.path else []
    errors += [
        _error(["query", name])
        for name, value in request.query_params.multi_items()
        if "\x00" in name or "\x00" in value
    ]
    errors += await _body_errors(request)
    if errors:
        raise RequestValidationError(errors)
