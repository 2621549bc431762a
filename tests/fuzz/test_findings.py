"""One regression test per contract break the fuzzer found, each fixed in the module it belongs to.

A "valid-looking request refused for a rule the schema does not state" is a break too (schemathesis'
positive_data_acceptance, run by ``make fuzz``): either the spec states the rule (an enum, a pattern), or
the rule is a business rule between fields, answered as a documented 400 problem rather than a 422.
"""

from __future__ import annotations

API = "/api/v1"


def _headers(world, principal: str = "manager") -> dict[str, str]:
    return world.headers(principal)


class TestStoreTimezone:
    """PATCH /premises/store {"timezone": ""} was a 422 although the spec allowed any string."""

    def test_the_spec_lists_the_timezones(self, app):
        schemas = app.openapi()["components"]["schemas"]
        timezone = schemas["StoreUpdate"]["properties"]["timezone"]
        names = {name for option in timezone.get("anyOf", [timezone]) for name in option.get("enum", [])}
        assert "Asia/Shanghai" in names and "" not in names

    def test_an_unknown_timezone_is_still_refused_by_name(self, client, world):
        response = client.patch(f"{API}/premises/store", json={"timezone": "Mars/Olympus"}, headers=_headers(world))
        assert response.status_code == 422
        assert "unknown IANA timezone" in response.json()["detail"]


class TestRulesBetweenFields:
    """Closing before opening was a 422 (pydantic), for bodies every field of which the spec calls valid."""

    def test_opening_hours_closing_before_opening_is_a_400(self, client, session, world):
        body = {"weekday": 0, "opens_at": "22:00", "closes_at": "10:00"}
        response = client.put(f"{API}/premises/opening-hours", json=body, headers=_headers(world))
        assert response.status_code == 400
        assert response.json()["type"].endswith("/invalid-dates")
        assert client.get(f"{API}/premises/opening-hours", headers=_headers(world)).json() == []

    def test_shop_closing_before_opening_is_a_400_naming_closed_on(self, client, world):
        body = {
            "code": "LATE-1",
            "name": "晚店",
            "category": "cosmetics",
            "floor_code": world.home.floor.code,
            "selling_area_m2": 30,
            "opened_on": "2025-01-01",
            "closed_on": "2024-12-31",
        }
        response = client.post(f"{API}/premises/shops", json=body, headers=_headers(world))
        assert response.status_code == 400
        assert ["body", "closed_on"] in [error["loc"] for error in response.json()["errors"]]


class TestTrueIsNotANumber:
    """{"shop_id": true} created a device for shop 1 and {"level": true} a floor at level 1 (pydantic lax mode)."""

    def test_a_boolean_id_is_refused(self, client, world):
        body = {"kind": "kiosk", "name": "Kiosk 9", "shop_id": True}
        response = client.post(f"{API}/auth/devices", json=body, headers=_headers(world, "admin"))
        assert response.status_code == 422
        assert ["body", "shop_id"] in [error["loc"][:2] for error in response.json()["errors"]]

    def test_a_boolean_count_is_refused(self, client, world):
        body = {"shop_id": world.home.shop.id, "effective_on": "2024-01-01", "headcount": False}
        assert client.put(f"{API}/premises/headcount", json=body, headers=_headers(world)).status_code == 422

    def test_a_boolean_level_is_refused(self, client, world):
        body = {"code": "9F", "name": "九楼", "level": True}
        assert client.post(f"{API}/premises/floors", json=body, headers=_headers(world)).status_code == 422

    def test_the_spec_still_states_the_bounds(self, app):
        # The first fix put the check before the bounds, which turned them into "ge"/"le", unknown to JSON Schema.
        spec = app.openapi()
        order_id = spec["paths"]["/api/v1/sales/orders/{order_id}"]["get"]["parameters"][0]["schema"]
        assert (order_id["minimum"], order_id["maximum"]) == (1, 2**31 - 1)
        amount = spec["components"]["schemas"]["RefundCreate"]["properties"]["amount_fen"]
        assert amount["minimum"] == -(10**15) and "ge" not in amount

    def test_numbers_in_query_strings_still_parse(self, client, world):
        response = client.get(f"{API}/sales/orders", params={"limit": "5", "offset": "0"}, headers=_headers(world))
        assert response.status_code == 200 and response.json()["limit"] == 5

    def test_a_boolean_signal_strength_in_a_coverage_survey_is_refused(self):
        import pytest
        from pydantic import ValidationError

        from store.assessment.schemas import ZoneSurveyIn

        with pytest.raises(ValidationError, match="valid integer"):
            ZoneSurveyIn(zone="1F", wifi=True, g5=True, wifi_dbm=True)  # type: ignore[arg-type]
        assert ZoneSurveyIn(zone="1F", wifi=True, g5=True, wifi_dbm=-50).wifi_dbm == -50


class TestADayIsWrittenAsADay:
    """?day=0 was read as 1970-01-01 (pydantic takes numbers as Unix timestamps), as the issue reported."""

    def test_a_number_for_a_day_is_refused(self, client, world):
        for path, name in (("/footfall/counts", "day"), ("/kpi/dashboard", "today"), ("/sales/orders", "day")):
            response = client.get(f"{API}{path}", params={name: "0"}, headers=_headers(world))
            assert response.status_code == 422, path
            assert "YYYY-MM-DD" in response.json()["detail"]

    def test_a_number_for_a_day_in_a_body_is_refused(self, client, world):
        body = {"shop_id": world.home.shop.id, "effective_on": 0, "headcount": 3}
        assert client.put(f"{API}/premises/headcount", json=body, headers=_headers(world)).status_code == 422

    def test_a_day_still_reads(self, client, world):
        day = world.home.order.business_on.isoformat()
        response = client.get(f"{API}/sales/orders", params={"day": day}, headers=_headers(world, "tenant"))
        assert response.status_code == 200 and response.json()["total"] == 1
