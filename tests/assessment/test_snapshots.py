"""S6 from its snapshot equals the parity report computed afresh, whatever changed in between.

A randomized catalogue (prices per channel, later price entries, promotions channel-wide, per category and
per SKU, some starting after the moments asked) is read at moments moving forward, for a finished period and
for one running to today, while prices are changed, replaced in place and promoted between the reads."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from store.assessment import service as assessment_service
from store.assessment.evaluators import EvalContext
from store.assessment.evaluators.catalog import evaluate_s6
from store.assessment.models import AssessmentSnapshot
from store.catalog import parity
from store.catalog import service as catalog_service
from store.catalog.schemas import PriceChannel, PromotionCreate
from store.clock import business_day, day_bounds_utc
from tests.factories.catalog import create_sku
from tests.factories.premises import create_floor, create_shop, create_store

START = datetime(2025, 9, 1, tzinfo=UTC)
CATEGORIES = ("beauty", "jewellery")


def _figures(session: Session, store, now: datetime, months: tuple[str, str]) -> dict[str, object]:
    period = assessment_service.period_of(*months, business_day(now, store.timezone))
    row = evaluate_s6(EvalContext(session=session, store=store, period=period, now=now))
    return {f.name: f.value for f in row.figures} | {"points": row.points}


def _fresh(session: Session, store, now: datetime, months: tuple[str, str]) -> dict[str, object]:
    """What S6 says computed without any snapshot: the stored ones dropped first."""
    for row in session.exec(select(AssessmentSnapshot)):
        session.delete(row)
    session.flush()
    return _figures(session, store, now, months)


def _moment(rng: random.Random) -> datetime:
    return START + timedelta(hours=rng.randint(-24 * 30, 24 * 120))


def _promote(session: Session, store, rng: random.Random, skus: list) -> None:
    starts = _moment(rng)
    target = rng.choice(("all", "category", "sku"))
    catalog_service.add_promotion(
        session,
        store.id,
        PromotionCreate(
            name=f"promo {rng.random():.6f}",
            channel=rng.choice((PriceChannel.offline, PriceChannel.online)),
            percent_off=rng.choice((5, 10, 20)),
            starts_at=starts,
            ends_at=starts + timedelta(hours=rng.randint(1, 24 * 20)),
            category=rng.choice(CATEGORIES) if target == "category" else None,
            sku=rng.choice(skus).code if target == "sku" else None,
        ),
    )


def _reprice(session: Session, store, rng: random.Random, skus: list) -> None:
    sku = rng.choice(skus)
    channel = rng.choice((PriceChannel.offline, PriceChannel.online))
    catalog_service.set_price(session, sku, channel, rng.choice((9_000, 10_000, 11_000)), _moment(rng), change_id=None)
    catalog_service.publish(session, store.id, "test change", sku_ids=[sku.id])


@pytest.mark.parametrize("seed", [1, 2])
def test_s6_from_the_snapshot_equals_a_fresh_report_as_time_and_prices_move(session, seed, monkeypatch):
    rng = random.Random(seed)
    store = create_store(session)
    shop = create_shop(session, store, create_floor(session, store))
    skus = [
        create_sku(
            session,
            shop,
            category=rng.choice(CATEGORIES),
            offline=rng.choice((10_000, 10_000, 12_000, None)),
            online=rng.choice((10_000, 10_000, 9_000, None)),
        )
        for _ in range(25)
    ]
    for _ in range(12):
        _reprice(session, store, rng, skus)
    for _ in range(6):
        _promote(session, store, rng, skus)
    reports = []
    monkeypatch.setattr(parity, "report", lambda *a, **k: reports.append(1) or real_report(*a, **k))
    now = START + timedelta(days=70)
    for step in range(14):
        now += timedelta(hours=rng.randint(1, 24 * 3))
        for months in (("2025-09", "2025-10"), ("2025-09", f"{now.year:04d}-{now.month:02d}")):
            shown = _figures(session, store, now, months)
            again = _figures(session, store, now, months)
            assert again == shown
            assert shown == _fresh(session, store, now, months), (step, months)
        if step % 3 == 1:
            _reprice(session, store, rng, skus)
        elif step % 3 == 2:
            _promote(session, store, rng, skus)
    assert reports  # the report ran, and the snapshot spared it on the second read of each moment
    assert len(reports) < 14 * 2 * 3


real_report = parity.report


def test_a_period_running_to_today_sees_a_price_that_started_since_the_snapshot(session):
    store = create_store(session)
    shop = create_shop(session, store, create_floor(session, store))
    sku = create_sku(session, shop, offline=10_000, online=10_000)
    now = datetime(2025, 10, 15, 4, tzinfo=UTC)
    months = ("2025-10", "2025-10")
    # A price entry written today for tomorrow: the book version moves now, the prices only tomorrow.
    tomorrow = day_bounds_utc(business_day(now, store.timezone), store.timezone)[1] + timedelta(hours=2)
    catalog_service.set_price(session, sku, PriceChannel.online, 9_000, tomorrow, change_id=None)
    catalog_service.publish(session, store.id, "tomorrow's price", sku_ids=[sku.id])  # type: ignore[list-item]

    today = _figures(session, store, now, months)
    later = _figures(session, store, tomorrow + timedelta(hours=1), months)

    assert today["skus_in_parity"] == 1 and today["points"] > 0
    assert later["skus_drifted"] == 1 and later["skus_in_parity"] == 0  # not the snapshot of the day before
    [snapshot] = session.exec(select(AssessmentSnapshot)).all()
    assert snapshot.valid_until is None or snapshot.valid_until > tomorrow


def test_the_worker_warms_the_default_period(session):
    store = create_store(session)
    shop = create_shop(session, store, create_floor(session, store))
    create_sku(session, shop)
    now = datetime(2025, 10, 15, 4, tzinfo=UTC)

    assessment_service.warm_snapshots(session, store, now)

    [snapshot] = session.exec(select(AssessmentSnapshot)).all()
    assert snapshot.indicator == "S6" and snapshot.span.endswith(
        day_bounds_utc(datetime(2025, 9, 30).date(), store.timezone)[1].isoformat()
    )
    assert snapshot.payload == {"in_parity": 1, "counted": 1, "drifted": 0, "one_channel": 0}
