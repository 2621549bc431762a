"""The one resolver and the S6 parity rule, on plain numbers."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from store.catalog import pricing
from store.catalog.pricing import Book, Promo

pytestmark = pytest.mark.dbless  # opens no database: the SQLite pass runs it (tests/conftest.py)

T0 = datetime(2026, 5, 1, tzinfo=UTC)
DAY = timedelta(days=1)


def book(*entries: tuple[datetime, int], promos=(), tax_included=True, rate=1300) -> Book:
    return Book.of(entries, list(promos), tax_included=tax_included, tax_rate_bp=rate)


class TestEffectivePrice:
    def test_tax_exclusive_book_at_13_percent_equals_the_tax_inclusive_one(self) -> None:
        inclusive = book((T0, 11_300))
        exclusive = book((T0, 10_000), tax_included=False)
        assert pricing.effective(inclusive, T0).price_fen == pricing.effective(exclusive, T0).price_fen == 11_300

    def test_no_net_price_in_fen_gives_100_yuan_at_13_percent(self) -> None:
        # 88.49 → 99.99 and 88.50 → 100.01 (100.005 rounded half up): the parity report shows the fen apart
        assert pricing.effective(book((T0, 8_849), tax_included=False), T0).price_fen == 9_999
        assert pricing.effective(book((T0, 8_850), tax_included=False), T0).price_fen == 10_001

    def test_half_a_fen_rounds_up(self) -> None:
        # 50 × 1.13 = 56.5 fen → 57
        assert pricing.effective(book((T0, 50), tax_included=False), T0).price_fen == 57

    def test_no_price_before_the_first_entry(self) -> None:
        assert pricing.effective(book((T0, 100)), T0 - timedelta(seconds=1)) is None

    def test_latest_entry_at_or_before_the_moment_applies(self) -> None:
        b = book((T0, 100), (T0 + DAY, 90))
        assert pricing.effective(b, T0 + DAY - timedelta(microseconds=1)).price_fen == 100
        assert pricing.effective(b, T0 + DAY).price_fen == 90

    def test_promotion_applies_inside_its_window_only(self) -> None:
        promo = Promo(T0 + DAY, T0 + 2 * DAY, 10, "双十一")
        b = book((T0, 10_000), promos=[promo])
        assert pricing.effective(b, T0).price_fen == 10_000
        inside = pricing.effective(b, T0 + DAY)
        assert (inside.price_fen, inside.list_price_fen, inside.promotion) == (9_000, 10_000, "双十一")
        assert pricing.effective(b, T0 + 2 * DAY).price_fen == 10_000  # the end is excluded

    def test_promotions_do_not_stack_the_deepest_applies(self) -> None:
        promos = [Promo(T0, T0 + DAY, 10, "a"), Promo(T0, T0 + DAY, 20, "b")]
        found = pricing.effective(book((T0, 10_000), promos=promos), T0)
        assert (found.price_fen, found.promotion) == (8_000, "b")


class TestParity:
    def test_same_price_both_channels_is_parity(self) -> None:
        assert pricing.parity(book((T0, 100)), book((T0, 100)), T0, T0 + 30 * DAY).status == pricing.PARITY

    def test_tax_exclusive_online_book_at_the_same_gross_price_is_parity(self) -> None:
        off, on = book((T0, 11_300)), book((T0, 10_000), tax_included=False)
        assert pricing.parity(off, on, T0, T0 + DAY).status == pricing.PARITY

    def test_offline_change_mid_period_drifts_since_that_moment_with_both_prices(self) -> None:
        off, on = book((T0, 100), (T0 + 10 * DAY, 120)), book((T0, 100))
        found = pricing.parity(off, on, T0, T0 + 30 * DAY)
        assert (found.status, found.offline_fen, found.online_fen) == (pricing.DRIFTED, 120, 100)
        assert (found.since, found.until) == (T0 + 10 * DAY, None)

    def test_online_only_promotion_drifts_only_inside_its_window(self) -> None:
        promo = Promo(T0 + 5 * DAY, T0 + 6 * DAY, 10, "online")
        off, on = book((T0, 100)), book((T0, 100), promos=[promo])
        over_month = pricing.parity(off, on, T0, T0 + 30 * DAY)
        assert (over_month.status, over_month.since, over_month.until) == (
            pricing.DRIFTED,
            T0 + 5 * DAY,
            T0 + 6 * DAY,
        )
        assert pricing.parity(off, on, T0 + 7 * DAY, T0 + 30 * DAY).status == pricing.PARITY
        assert pricing.parity(off, on, T0 + 5 * DAY, T0 + 5 * DAY).status == pricing.DRIFTED  # a snapshot

    def test_channel_wide_promotion_on_both_channels_keeps_parity(self) -> None:
        promo = Promo(T0 + DAY, T0 + 2 * DAY, 15, "店庆")
        off, on = book((T0, 999), promos=[promo]), book((T0, 999), promos=[promo])
        assert pricing.parity(off, on, T0, T0 + 3 * DAY).status == pricing.PARITY

    def test_sold_on_one_channel_only_gives_its_reason(self) -> None:
        assert pricing.parity(book((T0, 100)), book(), T0, T0 + DAY).status == pricing.OFFLINE_ONLY
        assert pricing.parity(book(), book((T0, 100)), T0, T0 + DAY).status == pricing.ONLINE_ONLY
        assert pricing.parity(book(), book(), T0, T0 + DAY).status == pricing.UNLISTED

    def test_a_change_scheduled_after_the_period_does_not_count(self) -> None:
        off, on = book((T0, 100), (T0 + 31 * DAY, 80)), book((T0, 100))
        assert pricing.parity(off, on, T0, T0 + 30 * DAY).status == pricing.PARITY


class TestAgainstBruteForce:
    def test_parity_matches_a_minute_by_minute_scan(self) -> None:
        rng = random.Random(11)
        start, end = T0, T0 + timedelta(hours=48)

        def random_book() -> Book:
            entries = {(T0 + timedelta(minutes=rng.randrange(-600, 2880)), rng.choice([100, 110])) for _ in range(3)}
            promos = [
                Promo(s, s + timedelta(minutes=rng.randrange(1, 600)), rng.choice([5, 10]))
                for s in [T0 + timedelta(minutes=rng.randrange(0, 2880)) for _ in range(rng.randrange(0, 2))]
            ]
            return book(*entries, promos=promos)

        for _ in range(60):
            off, on = random_book(), random_book()
            differs = False
            minute = start
            while minute < end:
                a, b = pricing.effective(off, minute), pricing.effective(on, minute)
                differs = differs or (a is not None and b is not None and a.price_fen != b.price_fen)
                minute += timedelta(minutes=1)
            assert (pricing.parity(off, on, start, end).status == pricing.DRIFTED) == differs
