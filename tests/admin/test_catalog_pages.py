"""The catalogue pages: SKUs with their prices, a price change checked against parity and approved by a
second manager, the parity report with its rule, and tenants kept to their shop."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from store.auth.models import Role
from store.catalog.models import PriceChange
from store.premises.models import Store
from tests.admin.conftest import Premises, sign_in
from tests.factories.auth import create_user
from tests.factories.catalog import create_sku


def _skus(session: Session, premises: Premises):
    return (
        create_sku(session, premises.shops["1F-001"], code="LIP-RED", category="beauty"),
        create_sku(session, premises.shops["1F-002"], code="BAG-01", category="bags", online=9_000),
    )


class TestProductsPage:
    def test_skus_with_till_and_online_prices(self, client: TestClient, session: Session, premises: Premises):
        _skus(session, premises)
        sign_in(client, session, premises.manager)
        html = client.get("/admin/catalog").text
        table = html.split('id="sku-table"')[1].split("</table>")[0]
        assert "LIP-RED" in table and "¥100.00" in table and "¥90.00" in table

    def test_tenant_sees_only_their_shops_skus(self, client: TestClient, session: Session, premises: Premises):
        _skus(session, premises)
        sign_in(client, session, premises.tenant)
        table = client.get("/admin/catalog").text.split('id="sku-table"')[1]
        assert "LIP-RED" in table and "BAG-01" not in table


class TestPriceChanges:
    def test_check_ask_and_a_second_manager_approves(self, client: TestClient, session: Session, premises: Premises):
        _skus(session, premises)
        csrf = sign_in(client, session, premises.manager)
        form = {"sku": "LIP-RED", "channel": "online", "price_yuan": "88", "csrf_token": csrf}
        checked = client.post("/admin/catalog/price-changes", data={**form, "action": "preview"})
        assert "S6 share 50.0% → 0.0%" in checked.text
        assert session.exec(select(PriceChange)).all() == []
        asked = client.post("/admin/catalog/price-changes", data={**form, "action": "request"}, follow_redirects=False)
        assert asked.status_code == 303
        (change,) = session.exec(select(PriceChange)).all()
        own = client.get("/admin/catalog/price-changes").text
        assert f"/price-changes/{change.id}/approve" not in own  # not one's own
        other = create_user(session, session.get(Store, premises.store.id), role=Role.manager)
        csrf = sign_in(client, session, other)
        client.post(f"/admin/catalog/price-changes/{change.id}/approve", data={"csrf_token": csrf})
        session.refresh(change)
        assert change.status == "approved" and change.decided_by == other.id

    def test_price_below_zero_is_shown_and_nothing_written(
        self, client: TestClient, session: Session, premises: Premises
    ):
        _skus(session, premises)
        csrf = sign_in(client, session, premises.manager)
        form = {"sku": "LIP-RED", "channel": "online", "price_yuan": "-1", "csrf_token": csrf, "action": "request"}
        response = client.post("/admin/catalog/price-changes", data=form)
        assert response.status_code == 400 and "below zero" in response.text
        assert session.exec(select(PriceChange)).all() == []


class TestParityPage:
    def test_share_rule_and_drifted_sku(self, client: TestClient, session: Session, premises: Premises):
        _skus(session, premises)
        sign_in(client, session, premises.manager)
        html = client.get("/admin/catalog/parity?lang=en").text
        assert "50.0% of SKUs in parity (1 of 2)" in html
        assert "denominator" in html
        drifted = html.split('id="drifted"')[1].split("</table>")[0]
        assert "BAG-01" in drifted and "¥100.00" in drifted and "¥90.00" in drifted

    def test_chinese_page_states_the_rule_in_chinese(self, client: TestClient, session: Session, premises: Premises):
        _skus(session, premises)
        sign_in(client, session, premises.manager)
        assert "同价规则" in client.get("/admin/catalog/parity").text
