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


# Public-key codes (credit QR posters). A poster lives for years and a patrol phone should check it
# offline, so these carry no expiry and are signed with Ed25519: the server keeps private seeds, anyone
# may hold the public keys. ``<body>.<kid>.<sig>``: ``sig`` signs ``purpose|kid|body``, so a code signed for
# one purpose (or under one key id) never verifies for another. Rotation: sign with a new ``kid`` and keep
# the old public keys in ``public_keys`` until they are revoked.
KID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")


def _signed_message(purpose: str, kid: str, body: str) -> bytes:
    if not PURPOSE.fullmatch(purpose):
        raise ValueError(f"purpose {purpose!r} must be 1–64 lower-case letters, digits, dots, dashes or underscores")
    return f"{purpose}|{kid}|{body}".encode("ascii")


def ed25519_seed(kid: str, *, secret: str | None = None) -> bytes:
    """The 32-byte private seed of key ``kid``, derived from ``SMARTSTORE_SECRET_KEY`` (nothing secret stored)."""
    secret_bytes = (secret if secret is not None else get_settings().secret_key).encode()
    return hmac.new(secret_bytes, b"smartstore.ed25519:" + kid.encode(), hashlib.sha256).digest()


def ed25519_public_key(seed: bytes) -> bytes:
    """The raw 32-byte public key of a private seed."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def sign_ed25519(purpose: str, payload: Any, *, kid: str, seed: bytes) -> str:
    """A code for ``purpose`` carrying ``payload``, signed by the private ``seed`` of key ``kid``; no expiry."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    if not KID.fullmatch(kid):
        raise ValueError(f"key id {kid!r} must be 1–16 letters, digits, dashes or underscores")
    body = _b64encode(json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode())
    signature = Ed25519PrivateKey.from_private_bytes(seed).sign(_signed_message(purpose, kid, body))
    return f"{body}.{kid}.{_b64encode(signature)}"


def verify_ed25519(purpose: str, code: str, public_keys: dict[str, bytes]) -> tuple[str, Any]:
    """(key id, payload) of ``code`` if one of ``public_keys`` (kid → raw key) signed it for ``purpose``.

    Raises :class:`CodeInvalid` for anything else: altered, truncated, unknown or revoked key id.
    """
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    parts = code.split(".")
    if len(code) > MAX_CODE_LENGTH or len(parts) != 3 or not code.isascii():
        raise CodeInvalid("this code is not valid")
    body, kid, sig_text = parts
    key = public_keys.get(kid)
    if key is None or not KID.fullmatch(kid):
        raise CodeInvalid("this code is not valid")
    try:
        signature = _b64decode(sig_text)
        # Re-encoding must give the same text: otherwise a variant spelling of the signature would pass.
        if _b64encode(signature) != sig_text:
            raise CodeInvalid("this code is not valid")
        Ed25519PublicKey.from_public_bytes(key).verify(signature, _signed_message(purpose, kid, body))
        return kid, json.loads(_b64decode(body))
    except (InvalidSignature, ValueError) as exc:
        raise CodeInvalid("this code is not valid") from exc


def unverified_payload(code: str) -> Any:
    """The payload of an Ed25519 code *before* it is verified: only to pick which keys to verify with."""
    body = code.split(".", 1)[0]
    if len(code) > MAX_CODE_LENGTH or not body.isascii():
        raise CodeInvalid("this code is not valid")
    try:
        return json.loads(_b64decode(body))
    except ValueError as exc:
        raise CodeInvalid("this code is not valid") from exc
