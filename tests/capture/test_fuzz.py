"""Fuzz: 10,000+ random and mutated streams through the decoder and the parser: no crash, no hang."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from store.capture.escpos import decode, split_receipts
from store.capture.parse import parse_decoded
from store.capture.templates import ZH_BASIC

pytestmark = pytest.mark.dbless  # opens no database: the SQLite pass runs it (tests/conftest.py)

FIXTURES = Path(__file__).parent / "fixtures"
STREAMS = 10_000
# Bytes that start or steer commands: mutations favour them, so lengths and modes are hit often.
HOT = b"\x1b\x1c\x1d\x10\x04\x00\x0a\xff\x28\x6b\x76\x56\x74\x26\x2e\x2a\x40"


def _mutate(rng: random.Random, seed: bytes) -> bytes:
    data = bytearray(seed)
    for _ in range(rng.randint(1, 8)):
        op = rng.randrange(5)
        at = rng.randrange(len(data) + 1)
        if op == 0 and data:
            data[min(at, len(data) - 1)] = rng.choice(HOT)
        elif op == 1:
            data[at:at] = bytes(rng.choice(HOT) for _ in range(rng.randint(1, 6)))
        elif op == 2:
            del data[at : at + rng.randint(1, 40)]
        elif op == 3:
            data = data[:at]  # truncated
        else:
            data[at:at] = rng.randbytes(rng.randint(1, 30))
    return bytes(data)


class TestFuzz:
    def test_ten_thousand_streams_decode_and_parse_without_error(self) -> None:
        rng = random.Random(20261130)
        seeds = [p.read_bytes() for p in sorted(FIXTURES.glob("*.bin"))]
        for n in range(STREAMS):
            data = rng.randbytes(rng.randint(0, 400)) if n % 3 == 0 else _mutate(rng, rng.choice(seeds))
            decoded = decode(data)
            parse_decoded(decoded, ZH_BASIC)
            assert "\x00" not in decoded.text  # stored in a text column: PostgreSQL refuses NUL
            if n % 10 == 0:
                assert b"".join(split_receipts(data)) == data  # splitting never loses or invents a byte

    def test_size_fields_that_lie_end_at_the_stream_end(self) -> None:
        # GS v 0 claiming 65535×65535 bytes, ESC * and GS ( k with huge lengths: decoded at once.
        data = b"\x1dv0\x00\xff\xff\xff\xff" + b"\x1b*\x21\xff\xff" + b"\x1d(k\xff\xff1P0" + b"x" * 10
        decoded = decode(data * 100)
        assert decoded.truncated
