"""F2, F4 and M4 on real rows: cameras and their status, counts posted by camera nodes, patrol rounds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from store.assessment import service as assessment_service
from store.auth.models import DeviceKind
from store.footfall.models import FootfallCount
from store.patrol.models import Camera, PatrolRound, PatrolRoute, RoundStatus
from tests.factories.auth import create_device
from tests.factories.footfall import create_zone
from tests.factories.premises import create_floor, create_store

NOW = datetime(2025, 10, 15, 4, 0, tzinfo=UTC)
PERIOD = {"period_from": "2025-09", "period_to": "2025-10"}


def _row(session, store, indicator):
    report = assessment_service.assess(session, store.id, now=NOW, **PERIOD)
    return next(r for r in report.indicators if r.id == indicator)


@pytest.fixture
def store(session):
    return create_store(session)


@pytest.fixture
def entrances(session, store):
    floor = create_floor(session, store)
    return [create_zone(session, store, floor), create_zone(session, store, floor)]


def _camera(session, store, zone, *, seen_ago: timedelta | None):
    _, node = create_device(session, store, kind=DeviceKind.camera_node, name=f"box {zone.code}")
    camera = Camera(
        store_id=store.id,
        device_id=node.id,
        zone_id=zone.id,
        code=f"C-{zone.code}",
        name="门口",
        source="rtsp://x",
        last_frame_at=NOW - seen_ago if seen_ago is not None else None,
    )
    session.add(camera)
    session.flush()
    return camera


def _count(session, store, zone, device_id, *, received_ago: timedelta):
    start = (NOW - received_ago).replace(minute=0, second=0, microsecond=0)
    session.add(
        FootfallCount(
            store_id=store.id,
            zone_id=zone.id,
            interval_start=start,
            interval_minutes=1,
            business_on=start.date(),
            count_in=3,
            count_out=1,
            device_id=device_id,
            received_at=NOW - received_ago,
        )
    )
    session.flush()


class TestF2:
    def test_every_entrance_camera_online_and_reporting_earns_four(self, session, store, entrances):
        for zone in entrances:
            camera = _camera(session, store, zone, seen_ago=timedelta(seconds=30))
            _count(session, store, zone, camera.device_id, received_ago=timedelta(hours=2))
        row = _row(session, store, "F2")
        assert (row.points, row.status) == (4, "measured")
        assert {f.name: f.value for f in row.figures}["entrances_reporting"] == 2

    def test_an_entrance_whose_camera_went_offline_costs_the_points(self, session, store, entrances):
        live = _camera(session, store, entrances[0], seen_ago=timedelta(seconds=30))
        gone = _camera(session, store, entrances[1], seen_ago=timedelta(hours=3))
        for zone, camera in zip(entrances, (live, gone), strict=True):
            _count(session, store, zone, camera.device_id, received_ago=timedelta(hours=4))
        row = _row(session, store, "F2")
        assert row.points == 0
        assert {f.name: f.value for f in row.figures}["entrances_silent"] == entrances[1].code

    def test_counts_typed_in_rather_than_posted_by_a_camera_do_not_count(self, session, store, entrances):
        for zone in entrances:
            _camera(session, store, zone, seen_ago=timedelta(seconds=30))
            _count(session, store, zone, None, received_ago=timedelta(hours=1))
        assert _row(session, store, "F2").points == 0


class TestF4:
    def test_cameras_online_and_counting_earn_four(self, session, store, entrances):
        camera = _camera(session, store, entrances[0], seen_ago=timedelta(hours=1))
        assert _row(session, store, "F4").points == 2
        _count(session, store, entrances[0], camera.device_id, received_ago=timedelta(days=3))
        assert _row(session, store, "F4").points == 4

    def test_no_camera_no_points(self, session, store, entrances):
        assert _row(session, store, "F4").points == 0


class TestM4:
    def test_a_scheduled_route_with_a_round_in_the_period_earns_three(self, session, store, entrances):
        route = PatrolRoute(store_id=store.id, name="夜巡", every_minutes=120)
        session.add(route)
        session.flush()
        assert _row(session, store, "M4").points == 0
        session.add(
            PatrolRound(
                store_id=store.id,
                route_id=route.id,
                started_by="schedule",
                started_at=datetime(2025, 9, 3, 14, 0, tzinfo=UTC),
                finished_at=datetime(2025, 9, 3, 14, 5, tzinfo=UTC),
                status=RoundStatus.complete,
            )
        )
        session.flush()
        row = _row(session, store, "M4")
        assert row.points == 3 and {f.name: f.value for f in row.figures}["rounds_finished"] == 1

    def test_a_round_before_the_period_does_not_count(self, session, store, entrances):
        route = PatrolRoute(store_id=store.id, name="夜巡", every_minutes=120)
        session.add(route)
        session.flush()
        # 2025-08-31 23:00 in Shanghai: the day before the period
        started = datetime(2025, 8, 31, 15, 0, tzinfo=UTC)
        session.add(
            PatrolRound(store_id=store.id, route_id=route.id, started_by="x", started_at=started, finished_at=started)
        )
        session.flush()
        assert _row(session, store, "M4").points == 0
