"""The demo store's cameras and patrol: a camera at every entrance, a scheduled route with its log, findings."""

from __future__ import annotations

from sqlmodel import select

from store.patrol import demo as patrol_demo
from store.patrol import service as patrol_service
from store.patrol.models import CameraHeatmap, PatrolRound
from store.premises import service as premises_service
from store.premises.models import ZoneKind
from tests.factories.sales import run_demo


def test_the_demo_has_cameras_online_a_patrol_log_and_open_findings(session):
    ctx = run_demo(session, days=20, with_footfall=False)
    patrol_demo.generate(ctx)
    entrances = premises_service.list_zones(session, ctx.store_id, kind=ZoneKind.entrance)
    cameras = patrol_service.list_cameras(session, ctx.store_id)
    assert {c.zone_id for c in cameras if c.role == "entrance"} == {z.id for z in entrances}
    assert all(patrol_service.is_online(c) for c in cameras)
    rounds = session.exec(select(PatrolRound).where(PatrolRound.store_id == ctx.store_id)).all()
    assert len(rounds) == 14 * 5 and {r.status for r in rounds} <= {"complete", "incomplete"}
    open_kinds = {f.kind for f in patrol_service.list_findings(session, ctx.store_id, status="open")}
    assert open_kinds == {"exit_blocked"}
    assert session.exec(select(CameraHeatmap).where(CameraHeatmap.store_id == ctx.store_id)).first() is not None
