"""The map: IMDF checks, the IMDF round trip, and routes (accessible routes never use stairs or escalators)."""

from __future__ import annotations

import copy
import math

import pytest

from store.wayfinding import features, imdf, layout, routing
from store.wayfinding.errors import BadMapData

pytestmark = pytest.mark.dbless  # opens no database: the SQLite pass runs it (tests/conftest.py)

FLOORS = [layout.FloorIn(c, f"{c}层", c, lv) for c, lv in (("B1", -1), ("1F", 1), ("2F", 2), ("3F", 3))]
SHOPS = [
    layout.ShopIn(i, f"{f.code}-{i:02d}", f"店{i}", f"S{i}", "cosmetics", f.code) for f in FLOORS for i in range(9)
]
ENTRANCES = [layout.EntranceIn("1F-MAIN", "正门", "1F"), layout.EntranceIn("1F-EAST", "东门", "1F")]


@pytest.fixture(scope="module")
def built() -> list[dict]:
    return layout.build("T", ("测试", "Test"), FLOORS, SHOPS, ENTRANCES)


@pytest.fixture(scope="module")
def data(built) -> features.MapData:
    return features.build(built)


def _entrance(data: features.MapData, code: str = "1F-MAIN") -> str:
    return next(a["id"] for a in data.by_type["anchor"] if a["properties"].get("entrance") == code)


def _shop(data: features.MapData, code: str) -> str:
    occupant = next(o for o in data.by_type["occupant"] if o["properties"]["shop_code"] == code)
    return occupant["properties"]["anchor_id"]


def _set(built: list[dict], pred, **props) -> list[dict]:
    out = copy.deepcopy(built)
    for f in out:
        if f["feature_type"] == "relationship" and pred(f):
            f["properties"].update(props)
    return out


class TestChecks:
    def test_the_generated_map_is_valid_imdf(self, data):
        assert len(data.by_type["level"]) == 4 and len(data.by_type["venue"]) == 1
        assert all(len(units) == 2 for units in data.opening_units.values())  # a door joins two units

    def test_an_anchor_outside_its_unit_is_refused(self, built):
        broken = copy.deepcopy(built)
        anchor = next(f for f in broken if f["feature_type"] == "anchor")
        anchor["geometry"]["coordinates"] = [-500.0, -500.0]
        with pytest.raises(BadMapData, match="anchor outside its unit"):
            features.build(broken)

    def test_duplicate_ids_and_dangling_references_are_refused(self, built):
        broken = copy.deepcopy(built) + [copy.deepcopy(built[1])]
        with pytest.raises(BadMapData, match="duplicate id"):
            features.build(broken)
        broken = copy.deepcopy(built)
        next(f for f in broken if f["feature_type"] == "unit")["properties"]["level_id"] = "nowhere"
        with pytest.raises(BadMapData, match="level 'nowhere' does not exist"):
            features.build(broken)

    def test_an_opening_on_no_unit_and_a_bad_polygon_are_refused(self, built):
        broken = copy.deepcopy(built)
        next(f for f in broken if f["feature_type"] == "opening")["geometry"]["coordinates"] = [[900, 900], [901, 900]]
        with pytest.raises(BadMapData, match="opening on no unit"):
            features.build(broken)
        broken = copy.deepcopy(built)
        unit = next(f for f in broken if f["feature_type"] == "unit")
        unit["geometry"]["coordinates"] = [[[0, 0], [10, 10], [10, 0], [0, 10], [0, 0]]]
        with pytest.raises(BadMapData, match="invalid Polygon"):
            features.build(broken)


class TestImdfRoundTrip:
    def test_export_then_import_gives_the_same_features(self, built):
        archive = imdf.export_zip(built, (121.47, 31.23))
        back, origin = imdf.read_zip(archive, (0.0, 0.0))
        assert origin == (121.47, 31.23)
        assert {f["id"] for f in back} == {f["id"] for f in built}
        by_id = {f["id"]: f for f in back}
        for f in built:
            assert by_id[f["id"]]["properties"] == f["properties"]
            if f["geometry"] is not None:
                assert _close(by_id[f["id"]]["geometry"]["coordinates"], f["geometry"]["coordinates"])
        features.build(back)

    def test_export_is_wgs84(self, built):
        archive = imdf.export_zip(built, (121.47, 31.23))
        back, _ = imdf.read_zip(archive, (0.0, 0.0))
        import io
        import json
        import zipfile

        venue = json.loads(zipfile.ZipFile(io.BytesIO(archive)).read("venue.geojson"))["features"][0]
        lon, lat = venue["geometry"]["coordinates"][0][2]
        assert 121.47 < lon < 121.48 and 31.23 < lat < 31.24
        assert back

    def test_garbage_is_refused(self):
        with pytest.raises(BadMapData, match="not a zip"):
            imdf.read_zip(b"hello", (0.0, 0.0))


def _close(a, b) -> bool:
    if isinstance(a, (int, float)):
        return math.isclose(a, b, abs_tol=0.002)
    return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))


class TestRoutes:
    def test_every_shop_is_reachable_step_free_from_every_entrance(self, data):
        graphs = routing.build_graphs(data)
        for code in ("1F-MAIN", "1F-EAST"):
            reach = routing.reachable_from(graphs[routing.Profile.accessible], _entrance(data, code))
            assert all(o["properties"]["anchor_id"] in reach for o in data.by_type["occupant"])

    def test_a_route_across_floors_rides_a_connector_and_arrives(self, data):
        graphs = routing.build_graphs(data)
        found = routing.route(
            graphs[routing.Profile.default], data, routing.Profile.default, _entrance(data), _shop(data, "3F-04")
        )
        assert found is not None and len(found.legs) == 2
        assert found.legs[0].ride in features.CONNECTORS and found.legs[-1].ride == ""
        steps = routing.describe(data, found, "店4", "zh_CN")
        assert steps[0].endswith("至3F") and steps[-1].endswith("到达 店4")

    def test_accessible_routes_never_use_stairs_or_escalators(self, built):
        # Make the escalators far cheaper than the lifts: a penalty model would still take them.
        data = features.build(_set(built, lambda f: f["properties"]["category"] == "elevator", status="in_service"))
        old = dict(routing.RIDE_S)
        try:
            routing.RIDE_S.update({"escalator": 0.1, "stairs": 0.1})
            graphs = routing.build_graphs(data)
        finally:
            routing.RIDE_S.update(old)
        for shop in ("B1-01", "2F-05", "3F-08"):
            fast = routing.route(
                graphs[routing.Profile.default], data, routing.Profile.default, _entrance(data), _shop(data, shop)
            )
            safe = routing.route(
                graphs[routing.Profile.accessible], data, routing.Profile.accessible, _entrance(data), _shop(data, shop)
            )
            assert fast is not None and routing.uses(fast) <= {"escalator", "stairs"}
            assert safe is not None and routing.uses(safe) == {"elevator"}

    def test_a_lift_out_of_service_is_never_used(self, built, data):
        west = next(
            f for f in built if f["feature_type"] == "relationship" and f["properties"]["name"]["en"] == "Lift W"
        )
        closed = features.build(_set(built, lambda f: f["id"] == west["id"], status="out_of_service"))
        graphs = routing.build_graphs(closed)
        found = routing.route(
            graphs[routing.Profile.accessible],
            closed,
            routing.Profile.accessible,
            _entrance(closed),
            _shop(closed, "3F-00"),
        )
        assert found is not None
        assert all(leg.ride_name.get("en") != "Lift W" for leg in found.legs)
        assert any(leg.ride_name.get("en") == "Lift E" for leg in found.legs)

    def test_with_every_lift_down_there_is_no_step_free_route_but_stairs_still_work(self, built):
        closed = features.build(
            _set(built, lambda f: f["properties"]["category"] == "elevator", status="out_of_service")
        )
        graphs = routing.build_graphs(closed)
        start, goal = _entrance(closed), _shop(closed, "2F-01")
        assert (
            routing.route(graphs[routing.Profile.accessible], closed, routing.Profile.accessible, start, goal) is None
        )
        walk = routing.route(graphs[routing.Profile.default], closed, routing.Profile.default, start, goal)
        assert walk is not None and routing.uses(walk) <= {"escalator", "stairs"}

    def test_same_floor_route_has_one_leg(self, data):
        graphs = routing.build_graphs(data)
        found = routing.route(
            graphs[routing.Profile.default], data, routing.Profile.default, _entrance(data), _shop(data, "1F-03")
        )
        assert found is not None and len(found.legs) == 1 and found.metres > 0
