"""The camera box against the real API: counts per interval, an unreachable store (outbox on disk), a camera
whose URL does not open (one offline finding while the other camera keeps counting). The detector is
replaced by scripted tracks here; tests/vision/test_detector.py runs the real one."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
from sqlmodel import select

from store.auth.models import DeviceKind, Role
from store.clock import utcnow
from store.footfall.models import FootfallCount
from store.patrol.models import PatrolFinding
from tests.factories.auth import create_device, create_user, headers_for
from tests.factories.footfall import create_zone
from tests.factories.premises import create_floor, create_store
from tests.vision.conftest import needs_opencv
from vision.detector import BadVideo
from vision.node import CameraNode, StoreClient, Unreachable

pytestmark = needs_opencv


class FakeClock:
    def __init__(self, start):
        self.t, self.start = 0.0, start

    def monotonic(self):
        return self.t

    def now(self):
        return self.start + timedelta(seconds=self.t)


class Flaky:
    """The test client, or an unreachable store while ``down``."""

    def __init__(self, client):
        self.client, self.down = client, False

    def get(self, *args, **kwargs):
        if self.down:
            raise ConnectionError("down")
        return self.client.get(*args, **kwargs)

    def post(self, *args, **kwargs):
        if self.down:
            raise ConnectionError("down")
        return self.client.post(*args, **kwargs)


def walker():
    """One person crossing the line x = 100 left to right in frames 5..25, then nobody."""
    state = {"n": 0}

    def track(_image):
        state["n"] += 1
        n = state["n"]
        if 5 <= n <= 25:
            x = 40 + (n - 5) * 6
            return [(1, (x - 8.0, 60.0, x + 8.0, 120.0))]
        return []

    return track


def frames_for(source):
    if source.startswith("rtsp://nowhere"):
        raise BadVideo(f"cannot open video {source!r}")
    rng = np.random.default_rng(7)
    base = rng.integers(0, 255, (160, 200, 3), dtype=np.uint8)

    def stream():
        while True:
            yield np.clip(base.astype(np.int16) + rng.integers(-6, 7, base.shape), 0, 255).astype(np.uint8)

    return stream()


@pytest.fixture
def setup(session, client):
    store = create_store(session)
    floor = create_floor(session, store)
    zone = create_zone(session, store, floor)
    key, node = create_device(session, store, kind=DeviceKind.camera_node, name="box")
    manager = headers_for(session, create_user(session, store, role=Role.manager))
    for code, source in (("CAM-1", "file:door.mp4"), ("CAM-2", "rtsp://nowhere/1")):
        body = {
            "code": code,
            "name": code,
            "source": source,
            "zone_id": zone.id if code == "CAM-1" else None,
            "device_id": node.id,
            "settings": {"lines": [[100, 160, 100, 0]], "offline_grace_s": 60},
        }
        assert client.post("/api/v1/patrol/cameras", json=body, headers=manager).status_code == 201
    return store, zone, key


def test_the_node_counts_buffers_while_the_store_is_down_and_reports_a_dead_camera_once(
    session, client, setup, tmp_path
):
    store, zone, key = setup
    clock = FakeClock(utcnow().replace(second=0, microsecond=0) - timedelta(hours=2))
    http = Flaky(client)
    node = CameraNode(
        StoreClient("/api/v1", key, http=http),
        state_dir=tmp_path,
        tracker_factory=walker,
        frame_source=frames_for,
        clock=clock.monotonic,
        now=clock.now,
    )
    node.configure(node._config_or_cached())
    assert len(node.workers) == 2
    for second in range(0, 400):
        http.down = 70 <= second < 250  # the store is unreachable for three minutes
        clock.t = float(second)
        node.step()
        if second == 249:
            assert node.outbox.pending() >= 2  # counts waited on disk
    assert node.outbox.pending() == 0
    counted = session.exec(select(FootfallCount).where(FootfallCount.zone_id == zone.id)).all()
    assert sum(c.count_in for c in counted) == 1 and sum(c.count_out for c in counted) == 0
    assert all(c.device_id is not None for c in counted)
    findings = session.exec(select(PatrolFinding).where(PatrolFinding.store_id == store.id)).all()
    assert [(f.kind, f.cleared_at) for f in findings] == [("offline", None)]  # the dead camera, once


def test_an_unreachable_store_with_no_config_yet_starts_with_no_cameras(tmp_path):
    class Down:
        def get(self, *a, **k):
            raise ConnectionError("down")

    node = CameraNode(StoreClient("/api/v1", "k", http=Down()), state_dir=tmp_path, tracker_factory=walker)
    assert node._config_or_cached().cameras == []
    with pytest.raises(Unreachable):
        StoreClient("/api/v1", "k", http=Down()).config()


def loiterer():
    """One person standing still in the middle of the picture, in every frame."""
    return lambda _image: [(1, (90.0, 60.0, 110.0, 120.0))]


def intrusion_findings(session, client, store, key, tmp_path, local_start, settings=None):
    """A restricted camera watched for 20 seconds from ``local_start`` (store-local): its intrusion findings."""
    from datetime import UTC
    from zoneinfo import ZoneInfo

    manager = headers_for(session, create_user(session, store, role=Role.manager))
    body = {
        "code": f"STOCK-{local_start:%H%M}",
        "name": "仓库",
        "role": "restricted",
        "source": "file:stockroom.mp4",
        "device_id": key[1].id,
        "settings": {"zone": [[0, 0], [200, 0], [200, 160], [0, 160]], **(settings or {})},
    }
    created = client.post("/api/v1/patrol/cameras", json=body, headers=manager)
    assert created.status_code == 201, created.text
    start = local_start.replace(tzinfo=ZoneInfo("Asia/Shanghai")).astimezone(UTC)
    clock = FakeClock(start)
    node = CameraNode(
        StoreClient("/api/v1", key[0], http=client),
        state_dir=tmp_path / f"{local_start:%H%M}",
        tracker_factory=loiterer,
        frame_source=frames_for,
        clock=clock.monotonic,
        now=clock.now,
    )
    node.configure(node._config_or_cached())
    for second in range(0, 20):
        clock.t = float(second)
        node.step()
    found = session.exec(select(PatrolFinding).where(PatrolFinding.camera_id == created.json()["id"])).all()
    return [f.kind for f in found]


def test_restricted_zones_are_armed_outside_the_stores_own_opening_hours(session, client, tmp_path):
    from datetime import datetime, time

    from store.premises import service as premises

    store = create_store(session)
    for weekday in range(7):
        premises.set_opening_hours(session, store.id, weekday, time(9, 30), time(21, 30))
    session.flush()
    key = create_device(session, store, kind=DeviceKind.camera_node, name="box")
    yesterday = (utcnow() - timedelta(days=1)).date()

    # 21:00 local: the store is open (its hours, not a fixed 10–22), someone in the stockroom raises nothing.
    assert "intrusion" not in intrusion_findings(
        session, client, store, key, tmp_path, datetime.combine(yesterday, time(21, 0))
    )
    # 21:45 local: closed, the same person is an intruder.
    assert "intrusion" in intrusion_findings(
        session, client, store, key, tmp_path, datetime.combine(yesterday, time(21, 45))
    )


def test_a_camera_with_hours_of_its_own_is_armed_outside_them(session, client, tmp_path):
    from datetime import datetime, time

    from store.premises import service as premises

    store = create_store(session)
    for weekday in range(7):
        premises.set_opening_hours(session, store.id, weekday, time(9, 30), time(21, 30))
    session.flush()
    key = create_device(session, store, kind=DeviceKind.camera_node, name="box")
    yesterday = (utcnow() - timedelta(days=1)).date()
    plant_room = {"opens_at": "08:00", "closes_at": "09:00"}  # staffed one hour a day
    kinds = intrusion_findings(
        session, client, store, key, tmp_path, datetime.combine(yesterday, time(12, 0)), settings=plant_room
    )
    assert "intrusion" in kinds  # the store is open at noon, the plant room is not


def test_camera_settings_refuse_a_counting_line_that_is_neither_a_line_nor_a_polygon(session, client):
    store = create_store(session)
    _, node = create_device(session, store, kind=DeviceKind.camera_node, name="box")
    manager = headers_for(session, create_user(session, store, role=Role.manager))
    for lines in ([[1, 2, 3, 4, 5]], [[5, 5, 5, 5]], [[1, 2, 3]]):
        body = {"code": "C", "name": "C", "source": "file:x.mp4", "device_id": node.id, "settings": {"lines": lines}}
        response = client.post("/api/v1/patrol/cameras", json=body, headers=manager)
        assert response.status_code == 422, lines
        assert response.headers["content-type"].startswith("application/problem+json")
    polygon = {"lines": [[0, 0, 100, 0, 100, 100, 0, 100]]}
    body = {"code": "P", "name": "P", "source": "file:x.mp4", "device_id": node.id, "settings": polygon}
    assert client.post("/api/v1/patrol/cameras", json=body, headers=manager).status_code == 201
