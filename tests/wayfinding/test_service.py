"""The map in the database: drawn from the premises, replaced only by valid data, lifts out of service at once,
kiosk heartbeats and usage."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from store.clock import utcnow
from store.wayfinding import routing
from store.wayfinding import service as wayfinding_service
from store.wayfinding.errors import BadMapData, NoRoute, PlaceNotFound
from store.wayfinding.models import KioskFunction
from tests.factories.wayfinding import MappedStore, create_mapped_store


@pytest.fixture
def mapped(session: Session) -> MappedStore:
    wayfinding_service.clear_caches()
    return create_mapped_store(session)


def _start(m: MappedStore) -> str:
    return f"anchor:{m.kiosk.anchor_id}"


class TestGenerate:
    def test_the_map_has_every_trading_shop_and_the_floors(self, session: Session, mapped: MappedStore):
        loaded = wayfinding_service.load(session, mapped.store.id)
        assert set(loaded.occupant_by_shop) == set(mapped.shops)
        assert [lv["properties"]["short_name"]["zh"] for lv in loaded.data.levels()] == ["B1", "1F", "2F"]

    def test_regenerating_keeps_the_same_ids(self, session: Session, mapped: MappedStore):
        before = {f["id"] for f in wayfinding_service.features(session, mapped.store.id)}
        wayfinding_service.generate_from_premises(session, mapped.store.id)
        assert {f["id"] for f in wayfinding_service.features(session, mapped.store.id)} == before


class TestReplace:
    def test_invalid_data_changes_nothing(self, session: Session, mapped: MappedStore):
        before = wayfinding_service.features(session, mapped.store.id)
        version = wayfinding_service.version(session, mapped.store.id)
        broken = [dict(f) for f in before]
        broken.append({"type": "Feature", "id": "x", "feature_type": "anchor", "geometry": None, "properties": {}})
        with pytest.raises(BadMapData):
            wayfinding_service.replace_map(session, mapped.store.id, broken)
        assert wayfinding_service.features(session, mapped.store.id) == before
        assert wayfinding_service.version(session, mapped.store.id) == version

    def test_import_of_an_export_gives_the_same_map(self, session: Session, mapped: MappedStore):
        before = wayfinding_service.features(session, mapped.store.id)
        archive = wayfinding_service.export_archive(session, mapped.store.id)
        assert wayfinding_service.import_archive(session, mapped.store.id, archive) == len(before)
        after = {f["id"]: f for f in wayfinding_service.features(session, mapped.store.id)}
        assert {f["id"] for f in before} == set(after)
        assert all(after[f["id"]]["properties"] == f["properties"] for f in before)


class TestRoutes:
    def test_route_to_a_shop_upstairs(self, session: Session, mapped: MappedStore):
        found = wayfinding_service.route(
            session, mapped.store.id, _start(mapped), "shop:2F-02", routing.Profile.default
        )
        assert found.legs[0].ride and found.legs[-1].ride == ""

    def test_a_lift_marked_out_of_service_leaves_the_routes_at_once(self, session: Session, mapped: MappedStore):
        lifts = [c for c in wayfinding_service.connectors(session, mapped.store.id) if c.category == "elevator"]
        accessible = routing.Profile.accessible
        wayfinding_service.route(session, mapped.store.id, _start(mapped), "shop:2F-02", accessible)  # warm the cache
        for lift in lifts:
            wayfinding_service.set_in_service(session, mapped.store.id, lift.id, False)
        with pytest.raises(NoRoute, match="no step-free route"):
            wayfinding_service.route(session, mapped.store.id, _start(mapped), "shop:2F-02", accessible)
        found = wayfinding_service.route(
            session, mapped.store.id, _start(mapped), "shop:2F-02", routing.Profile.default
        )
        assert routing.uses(found) <= {"escalator", "stairs"}
        wayfinding_service.set_in_service(session, mapped.store.id, lifts[0].id, True)
        again = wayfinding_service.route(session, mapped.store.id, _start(mapped), "shop:2F-02", accessible)
        assert routing.uses(again) == {"elevator"}

    def test_unknown_places_are_refused(self, session: Session, mapped: MappedStore):
        with pytest.raises(PlaceNotFound):
            wayfinding_service.route(session, mapped.store.id, _start(mapped), "shop:NOPE", routing.Profile.default)
        with pytest.raises(PlaceNotFound):
            wayfinding_service.set_in_service(session, mapped.store.id, "not-a-connector", False)


class TestKiosks:
    def test_heartbeat_makes_a_kiosk_online_and_keeps_sparse_history(self, session: Session, mapped: MappedStore):
        now = utcnow()
        wayfinding_service.beat(session, mapped.kiosk, now=now)
        wayfinding_service.beat(session, mapped.kiosk, now=now + timedelta(seconds=60))
        assert wayfinding_service.is_online(mapped.kiosk, now + timedelta(seconds=90))
        assert not wayfinding_service.is_online(mapped.kiosk, now + timedelta(minutes=10))
        usage = wayfinding_service.usage(session, mapped.store.id, now - timedelta(hours=1), now + timedelta(hours=1))
        assert usage[mapped.kiosk.id]["heartbeat"] == 1

    def test_usage_is_counted_per_function(self, session: Session, mapped: MappedStore):
        for function in (KioskFunction.search, KioskFunction.search, KioskFunction.route):
            wayfinding_service.log_use(session, mapped.store.id, mapped.kiosk.id, function)
        now = utcnow()
        usage = wayfinding_service.usage(session, mapped.store.id, now - timedelta(hours=1), now + timedelta(hours=1))
        assert usage[mapped.kiosk.id]["search"] == 2 and usage[mapped.kiosk.id]["route"] == 1

    def test_a_kiosk_must_stand_on_an_anchor_of_the_map(self, session: Session, mapped: MappedStore):
        with pytest.raises(PlaceNotFound):
            wayfinding_service.save_kiosk(session, mapped.store.id, code="K2", anchor_id="nowhere")
