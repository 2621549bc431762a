"""Signed codes: compact, URL-safe strings that carry a small payload, for one purpose, until an expiry.

Member QR codes, credit QR codes and claim links all need the same thing: a string a phone can scan or
open that the server can trust without a database lookup, that cannot be altered or reused for another
purpose, and that stops working after a while. One implementation, so each module only names its purpose::

    code = signed_codes.sign("member-qr", {"m": member.id}, max_age=timedelta(minutes=5))
    payload = signed_codes.verify("member-qr", code)   # CodeInvalid or CodeExpired when it must not be trusted

Format: ``<body>.<mac>``, both base64url without padding. ``body`` is the compact JSON ``[expires, payload]``
(``expires`` in Unix seconds); ``mac`` is HMAC-SHA256 over the body, truncated to 128 bits, keyed by a key
derived from ``SMARTSTORE_SECRET_KEY`` and the purpose, so a code signed for one purpose never verifies for
another, and the purpose costs no characters. ``{"m": 12345}`` for five minutes is about 55 characters: a
version-3 QR code. The payload is signed, not encrypted: put ids in it, never personal data.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from datetime import datetime, timedelta
from typing import Any

from store.clock import utcnow
from store.config import get_settings
from store.errors import InvalidInput

MAC_BYTES = 16
MAX_CODE_LENGTH = 1024  # longer input is refused before any decoding
PURPOSE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


class CodeInvalid(InvalidInput):
    """Not a code this server signed for this purpose (altered, truncated, or meant for something else)."""

    type = "code-invalid"
    title = "Invalid code"


class CodeExpired(InvalidInput):
    """A genuine code whose time is up: the holder needs a fresh one."""

    type = "code-expired"
    title = "Code expired"


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _key(purpose: str, secret: str | None) -> bytes:
    if not PURPOSE.fullmatch(purpose):
        raise ValueError(f"purpose {purpose!r} must be 1–64 lower-case letters, digits, dots, dashes or underscores")
    secret_bytes = (secret if secret is not None else get_settings().secret_key).encode()
    return hmac.new(secret_bytes, b"smartstore.signed-code:" + purpose.encode(), hashlib.sha256).digest()


def _mac(key: bytes, body: str) -> bytes:
    return hmac.new(key, body.encode("ascii"), hashlib.sha256).digest()[:MAC_BYTES]


def sign(
    purpose: str, payload: Any, *, max_age: timedelta, now: datetime | None = None, secret: str | None = None
) -> str:
    """A code for ``purpose`` carrying ``payload`` (anything JSON holds), valid for ``max_age`` from ``now``."""
    if max_age <= timedelta(0):
        raise ValueError("max_age must be positive")
    expires = int(((now or utcnow()) + max_age).timestamp())
    body = _b64encode(json.dumps([expires, payload], separators=(",", ":"), ensure_ascii=False).encode())
    return f"{body}.{_b64encode(_mac(_key(purpose, secret), body))}"


def verify(purpose: str, code: str, *, now: datetime | None = None, secret: str | None = None) -> Any:
    """The payload of ``code`` if this server signed it for ``purpose`` and it has not expired.

    Raises :class:`CodeInvalid` (altered, truncated, another purpose, another server's) or
    :class:`CodeExpired`. The signature is checked before anything in the body is believed.
    """
    key = _key(purpose, secret)
    body, dot, mac_text = code.partition(".")
    if not dot or len(code) > MAX_CODE_LENGTH or not body.isascii() or not mac_text.isascii():
        raise CodeInvalid("this code is not valid")
    # Compared as text: decoding first would accept the variants of the last character whose spare bits differ.
    if not hmac.compare_digest(mac_text, _b64encode(_mac(key, body))):
        raise CodeInvalid("this code is not valid")
    expires, payload = json.loads(_b64decode(body))
    if (now or utcnow()).timestamp() >= expires:
        raise CodeExpired("this code has expired; ask for a new one")
    return payload
