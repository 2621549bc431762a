"""Patrol through the API: a camera node reads its cameras and posts status and findings; security staff
acknowledge and close findings and run patrol rounds."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest

from store.auth.models import DeviceKind, Role
from store.clock import utcnow
from store.patrol.models import PatrolFinding
from tests.factories.auth import create_device, create_user, headers_for
from tests.factories.footfall import create_zone
from tests.factories.premises import create_floor, create_store
from vision.checks import OfflineMonitor

API = "/api/v1/patrol"
JPEG = base64.b64encode(b"\xff\xd8\xff\xe0" + b"\x00" * 64).decode()


@pytest.fixture
def world(session):
    store = create_store(session)
    floor = create_floor(session, store)
    entrance = create_zone(session, store, floor)
    key, node = create_device(session, store, kind=DeviceKind.camera_node, name="Box 1")
    other_key, _ = create_device(session, store, kind=DeviceKind.camera_node, name="Box 2")
    guard = create_user(session, store, role=Role.security)
    manager = create_user(session, store, role=Role.manager)
    return {
        "store": store,
        "entrance": entrance,
        "node": node,
        "node_headers": {"X-Device-Key": key},
        "other_node": {"X-Device-Key": other_key},
        "guard": headers_for(session, guard),
        "manager": headers_for(session, manager),
    }


def _camera(client, w, code="CAM-1", **extra):
    body = {
        "code": code,
        "name": "东门",
        "source": "rtsp://10.0.0.5/stream1",
        "zone_id": w["entrance"].id,
        "device_id": w["node"].id,
        "settings": {"lines": [[250, 420, 250, 130]], "keep_clear_s": 60},
        **extra,
    }
    response = client.post(f"{API}/cameras", json=body, headers=w["manager"])
    assert response.status_code == 201, response.text
    return response.json()


def _events(client, w, events, key=None):
    headers = dict(w["node_headers"], **({"Idempotency-Key": key} if key else {}))
    return client.post(f"{API}/node/findings", json={"events": events}, headers=headers)


class TestCameras:
    def test_a_node_reads_only_its_own_cameras(self, client, world):
        camera = _camera(client, world)
        mine = client.get(f"{API}/node/config", headers=world["node_headers"]).json()
        assert [c["id"] for c in mine["cameras"]] == [camera["id"]]
        assert mine["cameras"][0]["settings"]["lines"] == [[250, 420, 250, 130]]
        assert client.get(f"{API}/node/config", headers=world["other_node"]).json()["cameras"] == []

    def test_status_makes_a_camera_online_and_keeps_its_snapshot(self, client, world, session):
        camera = _camera(client, world)
        assert client.get(f"{API}/cameras", headers=world["guard"]).json()[0]["online"] is False
        status = {"camera_id": camera["id"], "frame_at": utcnow().isoformat(), "fps": 9.5, "snapshot_jpeg": JPEG}
        response = client.post(f"{API}/node/status", json={"cameras": [status]}, headers=world["node_headers"])
        assert response.status_code == 200, response.text
        listed = client.get(f"{API}/cameras", headers=world["guard"]).json()[0]
        assert listed["online"] is True and listed["fps"] == 9.5

    def test_another_nodes_camera_and_a_bad_snapshot_are_refused(self, client, world):
        camera = _camera(client, world)
        status = {"camera_id": camera["id"], "fps": 1}
        response = client.post(f"{API}/node/status", json={"cameras": [status]}, headers=world["other_node"])
        assert response.status_code == 400
        bad = dict(status, snapshot_jpeg=base64.b64encode(b"GIF89a").decode())
        response = client.post(f"{API}/node/status", json={"cameras": [bad]}, headers=world["node_headers"])
        assert response.status_code == 400 and "not a JPEG" in response.text

    def test_a_camera_code_is_used_once_and_zones_must_be_the_stores(self, client, world):
        _camera(client, world)
        again = {"code": "CAM-1", "name": "x", "source": "rtsp://x"}
        assert client.post(f"{API}/cameras", json=again, headers=world["manager"]).status_code == 409
        wrong = {"code": "CAM-9", "name": "x", "source": "rtsp://x", "zone_id": 999999}
        assert client.post(f"{API}/cameras", json=wrong, headers=world["manager"]).status_code == 400

    def test_heatmaps_replace_their_hour(self, client, world):
        camera = _camera(client, world)
        hour = (utcnow() - timedelta(hours=1)).replace(minute=0, second=0, microsecond=0).isoformat()
        grid = {"camera_id": camera["id"], "hour_start": hour, "cols": 2, "rows": 2, "cells": [1, 2, 3, 4]}
        for cells in ([1, 2, 3, 4], [0, 0, 0, 9]):
            response = client.post(
                f"{API}/node/heatmaps", json={"heatmaps": [dict(grid, cells=cells)]}, headers=world["node_headers"]
            )
            assert response.status_code == 200
        bad = dict(grid, cells=[1, 2, 3])
        response = client.post(f"{API}/node/heatmaps", json={"heatmaps": [bad]}, headers=world["node_headers"])
        assert response.status_code == 400


class TestFindings:
    def test_an_outage_seen_by_the_node_makes_one_finding_and_one_recovery(self, client, world, session):
        camera = _camera(client, world)
        start = utcnow() - timedelta(hours=1)
        monitor = OfflineMonitor(grace_s=60)
        for second in range(0, 900):  # a 20 s drop at 100 s, a 5-minute outage at 400 s
            events = []
            if not (100 <= second < 120 or 400 <= second < 700):
                events.append(monitor.frame(second))
            events.append(monitor.tick(second))
            sent = [
                {
                    "camera_id": camera["id"],
                    "kind": e.kind,
                    "state": e.state,
                    "at": (start + timedelta(seconds=e.at)).isoformat(),
                }
                for e in events
                if e
            ]
            if sent:
                assert _events(client, world, sent).status_code == 200
        findings = client.get(f"{API}/findings", headers=world["guard"]).json()
        assert len(findings) == 1
        assert findings[0]["kind"] == "offline" and findings[0]["status"] == "open"
        assert findings[0]["cleared_at"] is not None

    def test_a_raise_while_open_adds_nothing_and_a_resent_batch_is_answered_once(self, client, world):
        camera = _camera(client, world)
        event = {"camera_id": camera["id"], "kind": "exit_blocked", "state": "raise", "at": utcnow().isoformat()}
        assert _events(client, world, [event], key="k1").json() == {"raised": 1, "cleared": 0, "ignored": 0}
        assert _events(client, world, [event], key="k1").json() == {"raised": 1, "cleared": 0, "ignored": 0}
        assert _events(client, world, [event], key="k2").json() == {"raised": 0, "cleared": 0, "ignored": 1}
        assert len(client.get(f"{API}/findings", headers=world["guard"]).json()) == 1

    def test_security_acknowledges_then_closes(self, client, world):
        camera = _camera(client, world)
        event = {
            "camera_id": camera["id"],
            "kind": "black",
            "state": "raise",
            "at": utcnow().isoformat(),
            "snapshot_jpeg": JPEG,
        }
        _events(client, world, [event])
        finding = client.get(f"{API}/findings", params={"status": "open"}, headers=world["guard"]).json()[0]
        acked = client.post(f"{API}/findings/{finding['id']}/acknowledge", headers=world["guard"])
        assert acked.status_code == 200 and acked.json()["status"] == "acknowledged"
        assert client.post(f"{API}/findings/{finding['id']}/acknowledge", headers=world["guard"]).status_code == 409
        closed = client.post(f"{API}/findings/{finding['id']}/close", headers=world["guard"])
        assert closed.json()["status"] == "closed" and closed.json()["closed_by"]
        assert client.post(f"{API}/findings/{finding['id']}/close", headers=world["guard"]).status_code == 409
        assert client.get(f"{API}/findings", params={"status": "unclosed"}, headers=world["guard"]).json() == []
        # once closed, the same trouble again is a new finding
        _events(client, world, [event])
        assert len(client.get(f"{API}/findings", params={"status": "open"}, headers=world["guard"]).json()) == 1

    def test_another_stores_finding_reads_as_not_found(self, client, world, session):
        camera = _camera(client, world)
        _events(
            client, world, [{"camera_id": camera["id"], "kind": "blur", "state": "raise", "at": utcnow().isoformat()}]
        )
        finding_id = client.get(f"{API}/findings", headers=world["guard"]).json()[0]["id"]
        elsewhere = create_store(session, code="OTHER")
        stranger = headers_for(session, create_user(session, elsewhere, role=Role.security))
        assert client.post(f"{API}/findings/{finding_id}/acknowledge", headers=stranger).status_code == 404
        assert session.get(PatrolFinding, finding_id).status == "open"


class TestRounds:
    def _route(self, client, w, cameras, every=None):
        stops = [{"camera_id": c["id"], "min_view_s": 10, "checklist": ["exit clear", "lights"]} for c in cameras]
        response = client.post(
            f"{API}/routes", json={"name": "闭店巡检", "every_minutes": every, "stops": stops}, headers=w["manager"]
        )
        assert response.status_code == 201, response.text
        return response.json()

    def test_a_stop_viewed_too_briefly_makes_the_round_incomplete(self, client, world):
        cameras = [_camera(client, world, "CAM-1"), _camera(client, world, "CAM-2")]
        route = self._route(client, world, cameras)
        round_ = client.post(f"{API}/routes/{route['id']}/rounds", headers=world["guard"]).json()
        first, second = route["stops"]
        ok = {"exit clear": True, "lights": True}
        client.post(
            f"{API}/rounds/{round_['id']}/stops",
            json={"stop_id": first["id"], "viewed_s": 12, "checks": ok},
            headers=world["guard"],
        )
        client.post(
            f"{API}/rounds/{round_['id']}/stops",
            json={"stop_id": second["id"], "viewed_s": 9, "checks": ok},
            headers=world["guard"],
        )
        done = client.post(f"{API}/rounds/{round_['id']}/finish", headers=world["guard"]).json()
        assert (done["status"], done["stops_viewed"], done["stops_total"]) == ("incomplete", 1, 2)

    def test_every_stop_viewed_long_enough_is_complete_and_a_bad_check_is_a_finding(self, client, world):
        cameras = [_camera(client, world, "CAM-1")]
        route = self._route(client, world, cameras)
        round_ = client.post(f"{API}/routes/{route['id']}/rounds", headers=world["guard"]).json()
        stop = route["stops"][0]
        body = {"stop_id": stop["id"], "viewed_s": 10, "checks": {"exit clear": False, "lights": True}, "note": "纸箱"}
        assert client.post(f"{API}/rounds/{round_['id']}/stops", json=body, headers=world["guard"]).status_code == 200
        done = client.post(f"{API}/rounds/{round_['id']}/finish", headers=world["guard"]).json()
        assert done["status"] == "complete"
        findings = client.get(f"{API}/findings", headers=world["guard"]).json()
        assert [(f["kind"], f["detail"]) for f in findings] == [("checklist", "exit clear: 纸箱")]
        again = client.post(f"{API}/rounds/{round_['id']}/stops", json=body, headers=world["guard"])
        assert again.status_code == 409

    def test_a_check_not_on_the_list_is_refused(self, client, world):
        route = self._route(client, world, [_camera(client, world)])
        round_ = client.post(f"{API}/routes/{route['id']}/rounds", headers=world["guard"]).json()
        body = {"stop_id": route["stops"][0]["id"], "viewed_s": 10, "checks": {"shutters": True}}
        assert client.post(f"{API}/rounds/{round_['id']}/stops", json=body, headers=world["guard"]).status_code == 400

    def test_the_scheduled_round_misses_an_offline_camera(self, client, world, session):
        from store.patrol import service

        online, offline = _camera(client, world, "CAM-1"), _camera(client, world, "CAM-2")
        status = {"camera_id": online["id"], "frame_at": utcnow().isoformat(), "fps": 10}
        client.post(f"{API}/node/status", json={"cameras": [status]}, headers=world["node_headers"])
        route = self._route(client, world, [online, offline], every=60)
        assert [r.id for r in service.due_routes(session, utcnow())] == [route["id"]]
        done = service.run_scheduled_round(session, world["store"].id, route["id"])
        assert (done.status, done.stops_viewed, done.stops_total) == ("incomplete", 1, 2)
        assert service.due_routes(session, utcnow()) == []
        assert [r.id for r in service.due_routes(session, utcnow() + timedelta(minutes=61))] == [route["id"]]
        log = client.get(f"{API}/rounds", headers=world["guard"]).json()
        assert log[0]["started_by"] == "schedule"
