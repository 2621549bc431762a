"""Signed codes (member QR, credit QR, claim links): what one signs for a purpose, only that purpose reads back."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest

from store import signed_codes
from store.signed_codes import CodeExpired, CodeInvalid, sign, verify

pytestmark = pytest.mark.dbless  # opens no database: the SQLite pass runs it (tests/conftest.py)

NOW = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)
FIVE_MINUTES = timedelta(minutes=5)


def _flip(text: str, at: int) -> str:
    """``text`` with one character changed, as a forger or a smudged print would."""
    swapped = "A" if text[at] != "A" else "B"
    return text[:at] + swapped + text[at + 1 :]


class TestRoundTrip:
    def test_the_payload_comes_back(self):
        code = sign("member-qr", {"m": 12345}, max_age=FIVE_MINUTES, now=NOW)
        assert verify("member-qr", code, now=NOW + timedelta(minutes=4)) == {"m": 12345}

    def test_a_member_code_fits_a_small_qr_code(self):
        code = sign("member-qr", {"m": 2_000_000_000}, max_age=FIVE_MINUTES, now=NOW)
        assert len(code) <= 64  # a version-3 QR code holds 77 alphanumeric-or-byte characters at level L
        assert code.isascii() and " " not in code and "/" not in code and "+" not in code

    def test_chinese_text_survives(self):
        code = sign("claim-link", {"shop": "化妆品"}, max_age=FIVE_MINUTES, now=NOW)
        assert verify("claim-link", code, now=NOW) == {"shop": "化妆品"}


class TestRefused:
    def test_every_other_last_character_of_the_signature_is_refused(self):
        # The last base64 character carries 4 spare bits: decoding would let 15 variants of it through.
        code = sign("credit-qr", {"shop": 7}, max_age=FIVE_MINUTES, now=NOW)
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        for other in alphabet.replace(code[-1], ""):
            with pytest.raises(CodeInvalid):
                verify("credit-qr", code[:-1] + other, now=NOW)

    @pytest.mark.parametrize("part", ["body", "mac"])
    def test_any_altered_character_is_refused(self, part):
        code = sign("credit-qr", {"shop": 7}, max_age=FIVE_MINUTES, now=NOW)
        body, mac = code.split(".")
        for at in range(len(body if part == "body" else mac)):
            tampered = f"{_flip(body, at)}.{mac}" if part == "body" else f"{body}.{_flip(mac, at)}"
            with pytest.raises(CodeInvalid):
                verify("credit-qr", tampered, now=NOW)

    def test_a_forged_payload_with_the_old_signature_is_refused(self):
        code = sign("member-qr", {"m": 1}, max_age=FIVE_MINUTES, now=NOW)
        _body, mac = code.split(".")
        forged = base64.urlsafe_b64encode(b'[9999999999,{"m":2}]').rstrip(b"=").decode()
        with pytest.raises(CodeInvalid):
            verify("member-qr", f"{forged}.{mac}", now=NOW)

    def test_a_code_for_another_purpose_is_refused(self):
        code = sign("member-qr", {"m": 1}, max_age=FIVE_MINUTES, now=NOW)
        with pytest.raises(CodeInvalid):
            verify("credit-qr", code, now=NOW)

    def test_an_expired_code_is_refused_and_says_so(self):
        code = sign("member-qr", {"m": 1}, max_age=FIVE_MINUTES, now=NOW)
        with pytest.raises(CodeExpired) as refused:
            verify("member-qr", code, now=NOW + FIVE_MINUTES)
        assert refused.value.status_code == 400
        assert refused.value.type == "code-expired"

    def test_a_code_signed_with_another_secret_is_refused(self):
        code = sign("member-qr", {"m": 1}, max_age=FIVE_MINUTES, now=NOW, secret="another store's secret")
        with pytest.raises(CodeInvalid):
            verify("member-qr", code, now=NOW)

    @pytest.mark.parametrize("garbage", ["", ".", "abc", "abc.", ".abc", "a.b.c", "§§.§§", "x" * 5000 + ".y"])
    def test_garbage_is_refused_not_crashed_on(self, garbage):
        with pytest.raises(CodeInvalid):
            verify("member-qr", garbage, now=NOW)

    def test_the_secret_key_setting_is_what_signs(self, monkeypatch):
        code = sign("member-qr", {"m": 1}, max_age=FIVE_MINUTES, now=NOW)
        monkeypatch.setattr(signed_codes, "get_settings", lambda: type("S", (), {"secret_key": "rotated"})())
        with pytest.raises(CodeInvalid):
            verify("member-qr", code, now=NOW)


class TestMisuse:
    @pytest.mark.parametrize("purpose", ["", "Member QR", "a" * 65, "qr/1"])
    def test_a_malformed_purpose_is_a_programming_error(self, purpose):
        with pytest.raises(ValueError):
            sign(purpose, 1, max_age=FIVE_MINUTES)

    def test_an_expiry_in_the_past_is_a_programming_error(self):
        with pytest.raises(ValueError):
            sign("member-qr", 1, max_age=timedelta(0))
