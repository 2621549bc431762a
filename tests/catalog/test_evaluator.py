"""S6 on real rows: the assessment reads the price books through the parity rule."""

from __future__ import annotations

from datetime import UTC, datetime

from store.assessment import service as assessment_service
from tests.factories.catalog import create_sku
from tests.factories.premises import create_shop, create_store

NOW = datetime(2025, 10, 15, 4, 0, tzinfo=UTC)
PERIOD = {"period_from": "2025-08", "period_to": "2025-09"}


def _s6(session, store_id):
    report = assessment_service.assess(session, store_id, now=NOW, **PERIOD)
    return next(r for r in report.indicators if r.id == "S6")


class TestS6:
    def test_three_of_ten_in_parity_earns_three_points_with_the_rule_stated(self, session) -> None:
        shop = create_shop(session, create_store(session))
        for n in range(10):
            create_sku(session, shop, online=10_000 if n < 3 else 12_000)
        row = _s6(session, shop.store_id)
        assert (row.points, row.status) == (3, "measured")
        figures = {f.name: f.value for f in row.figures}
        assert (figures["skus_in_parity"], figures["skus_on_sale"], figures["skus_drifted"]) == (3, 10, 7)
        assert "30.0% ≥ 30%" in row.rule and "denominator" in row.rule

    def test_two_of_ten_earns_one_point_and_says_what_is_missing(self, session) -> None:
        shop = create_shop(session, create_store(session))
        for n in range(10):
            create_sku(session, shop, online=10_000 if n < 2 else 12_000)
        row = _s6(session, shop.store_id)
        assert row.points == 1 and "30%" in row.missing

    def test_a_store_without_a_catalogue_earns_zero(self, session) -> None:
        row = _s6(session, create_store(session).id)
        assert row.points == 0 and "price book" in row.missing
