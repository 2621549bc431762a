"""Member codes while the store is unreachable: the QR's Ed25519 signature checked with the cached public keys.

The store's snapshot (``GET /members/codes/offline-snapshot``, synced with the catalogue) carries the public
keys of last, this and next week's QR signatures and the active members (no phone, no secret). A QR payload is
``<18 digits>.<signature, base64url>``; the signature is over ``<signed_prefix><store id>:<member id>:<step>``
(step = Unix time // ``step_s``), checked for the steps within ``skew_steps`` of the till's clock. The till
keeps the last step it accepted per member and refuses a step not above it (its replay guard offline). The
18 digits alone cannot be checked offline (only the store's secret makes them); a QR without its signature
is refused offline. The sale is posted without the member and the code is claimed at sync
(``POST /points/offline-claims``), where the store checks it again, names the member and awards the points.
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from pos_bridge.agent.outbox import Outbox

DIGITS, PREFIX, MEMBER_DIGITS = 18, "8", 9


class OfflineCodeError(Exception):
    """The code cannot be accepted offline; ``message`` is for the cashier (Chinese first)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def check(outbox: Outbox, payload: str, at: datetime) -> dict[str, Any]:
    """The cached member of a QR payload whose signature checks now; records its step (single use)."""
    digits, dot, signature = payload.strip().partition(".")
    if len(digits) != DIGITS or not digits.isascii() or not digits.isdigit() or not digits.startswith(PREFIX):
        raise OfflineCodeError("会员码格式不对 (not a member code)")
    if not dot or not signature:
        raise OfflineCodeError(
            "离线时请出示会员二维码，数字码需联网验证 (offline: show the QR code, the digits need the store)"
        )
    valid_until = outbox.get_meta("member_valid_until")
    if not valid_until or datetime.fromisoformat(valid_until) < at:
        raise OfflineCodeError("离线会员数据已过期，请联网后再试 (the offline member data is out of date)")
    try:
        raw = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
    except ValueError as exc:
        raise OfflineCodeError("会员码无效 (member code not valid)") from exc
    member_id = int(digits[1 : 1 + MEMBER_DIGITS])
    step_s, skew = int(outbox.get_meta("member_step_s", "30")), int(outbox.get_meta("member_skew_steps", "1"))
    prefix, store_id = outbox.get_meta("member_prefix"), outbox.get_meta("member_store_id")
    keys = outbox.member_keys()
    now_step = int(at.timestamp()) // step_s
    for step in range(now_step + skew, now_step - skew - 1, -1):
        start = step * step_s
        for valid_from, valid_until_s, key in keys:
            if not valid_from <= start < valid_until_s:
                continue
            try:
                Ed25519PublicKey.from_public_bytes(key).verify(raw, f"{prefix}{store_id}:{member_id}:{step}".encode())
            except InvalidSignature:
                continue
            member = outbox.cached_member(member_id)
            if member is None:
                raise OfflineCodeError("会员不在离线名单中，请联网后再试 (member not in the offline list)")
            if not outbox.accept_member_step(member_id, step):
                raise OfflineCodeError("此会员码已使用，请刷新会员码 (this code was used: refresh it)")
            return {**member, "step": step}
    raise OfflineCodeError("会员码无效或已过期，请刷新会员码 (member code not valid or expired: refresh it)")
