"""Phone numbers are masked and secrets dropped in every log record, whichever handler writes it."""

from __future__ import annotations

import json
import logging

import pytest

from store.logs import REDACTED, JsonFormatter, mask_phones, redact_text

pytestmark = pytest.mark.dbless  # opens no database: the SQLite pass runs it (tests/conftest.py)

PHONE = "13812345678"
MASKED = "138****5678"


class TestMaskPhones:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("会员 13812345678 积分", "会员 138****5678 积分"),
            ("phone=19987654321;", "phone=199****4321;"),
            ("two: 13800000000,15911112222", "two: 138****0000,159****2222"),
        ],
    )
    def test_mainland_mobile_numbers_are_masked(self, text, expected):
        assert mask_phones(text) == expected

    @pytest.mark.parametrize("text", ["order 12345678901", "id 138123456789", "card 6213812345678123", "10086"])
    def test_other_numbers_are_left_alone(self, text):
        assert mask_phones(text) == text


class TestSecretsInText:
    @pytest.mark.parametrize(
        "text",
        [
            "login password=hunter2-secret",
            "Authorization: Bearer abc.def.ghi",
            "X-Device-Key: dk_live_123456",
            "cookie=smartstore_session-value",
        ],
    )
    def test_the_secret_after_its_name_is_dropped(self, text):
        redacted = redact_text(text)
        assert REDACTED in redacted
        assert not any(secret in redacted for secret in ("hunter2", "abc.def", "dk_live", "smartstore_session-value"))


class TestEveryRecord:
    def test_message_arguments_and_extra_fields_are_redacted(self, caplog):
        log = logging.getLogger("store.members")
        with caplog.at_level(logging.INFO, logger="store.members"):
            log.info(
                "member %s signed up",
                PHONE,
                extra={
                    "phone": PHONE,
                    "password": "hunter2",
                    "headers": {"Authorization": "Bearer abc", "X-Device-Key": "dk_1", "Accept": "text/html"},
                    "numbers": [PHONE, 13987654321],
                },
            )
        record = caplog.records[-1]
        assert record.getMessage() == f"member {MASKED} signed up"
        assert record.phone == MASKED
        assert record.password == REDACTED
        assert record.headers == {"Authorization": REDACTED, "X-Device-Key": REDACTED, "Accept": "text/html"}
        assert record.numbers == [MASKED, "139****4321"]

    def test_an_exception_text_is_masked_in_the_json_line(self):
        try:
            raise ValueError(f"no member with phone {PHONE}")
        except ValueError:
            logging.getLogger("store.test").exception("lookup failed", extra={"token": "tok_abc"})
            record = logging.getLogger("store.test").makeRecord(
                "store.test", logging.ERROR, __file__, 1, "lookup failed", None, __import__("sys").exc_info()
            )
        line = json.loads(JsonFormatter().format(record))
        assert PHONE not in line["exc"] and MASKED in line["exc"]
