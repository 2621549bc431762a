"""The patrol and footfall pages: cameras with their status and heatmap, findings acknowledged and closed,
a round run by a guard (a stop viewed too briefly shows), footfall by entrance, hour and occupancy."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from store.auth.models import Role
from store.clock import business_day, utcnow
from store.footfall.models import FootfallCount, FootfallOccupancy
from store.patrol import service as patrol_service
from store.patrol.models import Camera, CameraHeatmap, FindingKind, PatrolFinding, PatrolRoundStop
from store.patrol.schemas import RouteIn, StopIn
from store.premises.models import Zone, ZoneKind
from tests.admin.conftest import sign_in
from tests.factories.auth import create_user
from tests.factories.premises import create_floor, create_store

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


@pytest.fixture
def site(session):
    store = create_store(session)
    floor = create_floor(session, store)
    door = Zone(store_id=store.id, floor_id=floor.id, code="E1", name="东门", kind=ZoneKind.entrance)
    session.add(door)
    session.flush()
    now = utcnow()
    camera = Camera(
        store_id=store.id,
        zone_id=door.id,
        code="CAM-E1",
        name="东门摄像头",
        source="rtsp://x",
        last_frame_at=now - timedelta(seconds=5),
        fps=9.8,
        people=3,
        snapshot=JPEG,
        snapshot_at=now,
    )
    session.add(camera)
    session.flush()
    hour = now.replace(minute=0, second=0, microsecond=0)
    session.add(
        CameraHeatmap(store_id=store.id, camera_id=camera.id, hour_start=hour, cols=2, rows=2, cells=[0, 5, 10, 0])
    )
    session.add(PatrolFinding(store_id=store.id, camera_id=camera.id, kind=FindingKind.exit_blocked, snapshot=JPEG))
    start = (now - timedelta(hours=3)).replace(minute=0, second=0, microsecond=0)
    day = business_day(start, store.timezone)
    session.add(
        FootfallCount(
            store_id=store.id,
            zone_id=door.id,
            interval_start=start,
            interval_minutes=15,
            business_on=day,
            count_in=37,
            count_out=12,
        )
    )
    session.add(FootfallOccupancy(store_id=store.id, zone_id=door.id, measured_at=start, people=21))
    session.flush()
    guard = create_user(session, store, role=Role.security, username="guard-zhou")
    return {"store": store, "camera": camera, "guard": guard, "day": day}


def test_the_overview_lists_cameras_and_open_findings_and_a_guard_closes_one(client, session, site):
    csrf = sign_in(client, session, site["guard"])
    page = client.get("/admin/patrol?lang=en")
    assert page.status_code == 200
    assert "东门摄像头" in page.text and "Online" in page.text and "Fire exit blocked" in page.text
    finding = session.exec(select(PatrolFinding)).one()
    response = client.post(
        f"/admin/patrol/findings/{finding.id}/acknowledge", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert response.status_code == 303
    assert session.get(PatrolFinding, finding.id).acknowledged_by == "guard-zhou"
    client.post(f"/admin/patrol/findings/{finding.id}/close", data={"csrf_token": csrf})
    assert session.get(PatrolFinding, finding.id).status == "closed"
    assert "No open findings." in client.get("/admin/patrol?lang=en").text
    assert "消防通道占用" not in client.get("/admin/patrol").text  # closed: gone from the Chinese page too


def test_the_camera_page_shows_the_blurred_snapshot_and_the_heatmap(client, session, site):
    sign_in(client, session, site["guard"])
    camera = site["camera"]
    page = client.get(f"/admin/patrol/cameras/{camera.id}")
    assert page.status_code == 200
    assert f"/admin/patrol/cameras/{camera.id}/snapshot.jpg" in page.text
    assert page.text.count('class="h') >= 4 and 'class="h10"' in page.text  # the busiest cell at full red
    image = client.get(f"/admin/patrol/cameras/{camera.id}/snapshot.jpg")
    assert image.headers["content-type"] == "image/jpeg" and image.content == JPEG


def test_a_guards_round_records_each_stop_and_a_too_brief_one_is_incomplete(client, session, site):
    csrf = sign_in(client, session, site["guard"])
    route = patrol_service.create_route(
        session,
        site["store"].id,
        RouteIn(name="闭店巡检", stops=[StopIn(camera_id=site["camera"].id, min_view_s=30, checklist=["exit clear"])]),
    )
    session.commit()
    started = client.post(f"/admin/patrol/routes/{route.id}/rounds", data={"csrf_token": csrf}, follow_redirects=False)
    assert started.status_code == 303
    round_url = started.headers["location"]
    stop = patrol_service.route_read(session, route).stops[0]
    client.post(f"{round_url}/stops/{stop.id}", data={"csrf_token": csrf, "check_0": "ok"})  # at once: too brief
    view = session.exec(select(PatrolRoundStop)).one()
    assert view.viewed_s < 30 and view.checks == {"exit clear": True}
    assert "Too brief" in client.get(f"{round_url}?lang=en").text
    client.post(f"{round_url}/finish", data={"csrf_token": csrf})
    log = client.get("/admin/patrol?lang=en").text
    assert "Incomplete" in log and "0/1" in log


def test_footfall_by_entrance_day_and_hour_and_occupancy(client, session, site):
    manager = create_user(session, site["store"], role=Role.marketing, username="mkt-qian")
    sign_in(client, session, manager)
    page = client.get(f"/admin/footfall?day={site['day'].isoformat()}&lang=en")
    assert page.status_code == 200
    assert "东门" in page.text and ">37<" in page.text and ">12<" in page.text and ">21<" in page.text


def test_the_privacy_notice_names_the_law_and_what_is_kept(client, session, site):
    sign_in(client, session, site["guard"])
    page = client.get("/admin/patrol/privacy")
    assert "个人信息保护法" in page.text and "不上传、不保存" in page.text and "PIPL" in page.text
