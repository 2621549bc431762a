"""Rollups kept up to date batch by batch give exactly what recomputing from the raw rows gives; the retention
computes rollups before it drops raw readings and never loses a bucket."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session, col, select

from store.facilities import ingest, rollups
from store.facilities.models import FacilityKind, FacilityReading, FacilityRollup, RollupGrain
from tests.factories import facilities as f

START = datetime(2026, 5, 1, tzinfo=UTC)


def _rollups(session: Session, store_id: int) -> list[tuple]:
    rows = session.exec(select(FacilityRollup).where(col(FacilityRollup.store_id) == store_id)).all()
    return sorted(
        (r.device_id, r.metric, r.grain, r.bucket_start, r.samples, r.total, r.minimum, r.maximum) for r in rows
    )


class TestIncrementalAgreesWithRebuild:
    def test_random_batches_in_random_order(self, session: Session):
        rng = random.Random(17)
        store, zone = f.create_store_with_zone(session)
        f.create_device(session, store, code="AQ-1", zone=zone)
        f.create_device(session, store, code="AQ-2", zone=zone)
        f.create_device(session, store, code="EM-1", kind=FacilityKind.energy_meter, zone=zone)
        messages = []
        total = 1000.0
        for i in range(400):
            at = START + timedelta(minutes=rng.randrange(0, 3 * 24 * 60))  # three days, across midnights
            if rng.random() < 0.3:
                total += rng.choice([0.25, 1.5, 4.0, -30.0])  # with dips
                messages.append(f.reading(store, "EM-1", START + timedelta(minutes=7 * i), energy_kwh=max(total, 0)))
            else:
                device = rng.choice(["AQ-1", "AQ-2"])
                # multiples of 1/4: sums are exact in binary floating point, in any order
                messages.append(f.reading(store, device, at, co2_ppm=rng.randrange(1600, 5200) / 4, temp_c=22.5))
        messages += rng.sample(messages, 40)  # redeliveries
        now = START + timedelta(days=4)
        while messages:
            cut = rng.randrange(1, 60)
            ingest.store_batch(session, messages[:cut], now=now)
            messages = messages[cut:]
        incremental = _rollups(session, store.id)
        assert any(r[2] == RollupGrain.day and r[1] == "energy_use_kwh" for r in incremental)
        rollups.rebuild(session, store.id, store.timezone, date(2026, 4, 30), date(2026, 5, 5))
        assert _rollups(session, store.id) == incremental


class TestRetention:
    def test_raw_goes_after_90_days_and_its_rollups_stay(self, session: Session):
        store, zone = f.create_store_with_zone(session)
        device = f.create_device(session, store, code="AQ-1", zone=zone)
        old, recent = datetime(2026, 1, 10, 2, tzinfo=UTC), datetime(2026, 5, 20, 2, tzinfo=UTC)
        for at in (old, old + timedelta(minutes=20), recent):
            ingest.store_batch(session, [f.reading(store, "AQ-1", at, co2_ppm=800)], now=at)
        # the rollups of the old day were lost (a bug, a hand edit): the retention rebuilds them first
        for row in session.exec(select(FacilityRollup).where(col(FacilityRollup.bucket_start) < recent)).all():
            session.delete(row)
        session.flush()
        raw, quarters = rollups.apply_retention(session, store.id, store.timezone, date(2026, 6, 1))
        assert (raw, quarters) == (2, 0)
        left = session.exec(
            select(FacilityReading.measured_at).where(col(FacilityReading.device_id) == device.id)
        ).all()
        assert left == [recent]
        kept = {(r[2], r[4]) for r in _rollups(session, store.id) if r[3] < recent}
        assert kept == {(RollupGrain.quarter, 1), (RollupGrain.quarter, 1), (RollupGrain.day, 2)}
        # a second run finds no raw rows of those days and keeps their rollups as they are
        assert rollups.apply_retention(session, store.id, store.timezone, date(2026, 6, 2)) == (0, 0)
        assert {(r[2], r[4]) for r in _rollups(session, store.id) if r[3] < recent} == kept

    def test_quarter_hours_go_after_three_years_and_days_stay(self, session: Session):
        store, zone = f.create_store_with_zone(session)
        f.create_device(session, store, code="AQ-1", zone=zone)
        at = datetime(2026, 5, 20, 2, tzinfo=UTC)
        ingest.store_batch(session, [f.reading(store, "AQ-1", at, co2_ppm=800)], now=at)
        later = date(2029, 6, 1)
        raw, quarters = rollups.apply_retention(session, store.id, store.timezone, later)
        assert (raw, quarters) == (1, 1)
        assert [(r[2], r[4]) for r in _rollups(session, store.id)] == [(RollupGrain.day, 1)]
