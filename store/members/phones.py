"""Phone numbers of members: normalised, masked for display, hashed with a key for lookup; never stored whole."""

from __future__ import annotations

import hashlib
import hmac
import re

from store.config import get_settings
from store.members.errors import InvalidPhone

MOBILE = re.compile(r"1[3-9][0-9]{9}")


def normalise(raw: str) -> str:
    """A mainland mobile number as its 11 digits (spaces, dashes and a +86/0086 prefix dropped)."""
    digits = re.sub(r"[\s-]", "", raw or "")
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix) :]
            break
    if not MOBILE.fullmatch(digits):
        raise InvalidPhone("a mainland mobile number has 11 digits and starts with 13–19")
    return digits


def mask(phone: str) -> str:
    """``13812345678`` → ``138****5678`` (GB/T 35273 practice)."""
    return f"{phone[:3]}****{phone[-4:]}"


def _key(secret: str | None = None) -> bytes:
    secret_bytes = (secret if secret is not None else get_settings().secret_key).encode()
    return hmac.new(secret_bytes, b"smartstore.member-phone", hashlib.sha256).digest()


def phone_hash(phone: str, *, secret: str | None = None) -> str:
    """Keyed hash of a normalised phone: finds the member without keeping the number (a plain hash of an
    11-digit number falls to a dictionary in seconds; this one needs the server's secret)."""
    return hmac.new(_key(secret), phone.encode(), hashlib.sha256).hexdigest()
