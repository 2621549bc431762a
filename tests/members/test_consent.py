"""``members_service.consenting_ids``: who may be reached for a purpose now, in bulk, by ``may_contact``'s rule."""

from __future__ import annotations

import pytest

from store.clock import utcnow
from store.members import service
from store.members.errors import UnknownConsentPurpose
from tests.factories.members import create_member
from tests.factories.premises import create_store


@pytest.fixture
def world(session):
    store, other = create_store(session), create_store(session)
    m = {name: create_member(session, store) for name in ("never", "yes", "withdrawn", "again", "other_purpose")}
    m["closed"], m["erased"] = create_member(session, store), create_member(session, store)
    m["elsewhere"] = create_member(session, other)

    def decide(name: str, *granted: bool, purpose: str = "marketing_push") -> None:
        for value in granted:
            service.record_consent(session, m[name], purpose, value, text_version="2026-01")

    decide("yes", True)
    decide("withdrawn", True, False)
    decide("again", False, True)
    decide("other_purpose", True, purpose="brand_sharing")
    for name in ("closed", "erased", "elsewhere"):
        decide(name, True)
    m["closed"].status = "closed"
    m["erased"].erased_at = utcnow()
    session.add_all([m["closed"], m["erased"]])
    session.flush()
    return store, other, m


def test_the_ids_are_those_may_contact_allows(session, world):
    store, other, m = world
    ids = service.consenting_ids(session, store.id, "marketing_push")
    assert ids == {m["yes"].id, m["again"].id}
    for member in m.values():
        if member.store_id == store.id:
            assert (member.id in ids) == service.may_contact(session, member, "marketing_push")
    assert service.consenting_ids(session, other.id, "marketing_push") == {m["elsewhere"].id}


def test_each_purpose_has_its_own_consent(session, world):
    store, _, m = world
    assert service.consenting_ids(session, store.id, "brand_sharing") == {m["other_purpose"].id}
    assert service.consenting_ids(session, store.id, "profiling") == set()


def test_given_ids_narrow_the_answer_and_other_stores_members_never_pass(session, world):
    store, _, m = world
    asked = (m[name].id for name in ("yes", "withdrawn", "elsewhere", "yes"))  # any iterable, repeats allowed
    assert service.consenting_ids(session, store.id, "marketing_push", asked) == {m["yes"].id}
    assert service.consenting_ids(session, store.id, "marketing_push", []) == set()


def test_a_withdrawal_counts_at_once(session, world):
    store, _, m = world
    service.record_consent(session, m["yes"], "marketing_push", False, text_version="2026-01")
    assert service.consenting_ids(session, store.id, "marketing_push") == {m["again"].id}


def test_an_unknown_purpose_is_refused(session, world):
    store, _, _ = world
    with pytest.raises(UnknownConsentPurpose):
        service.consenting_ids(session, store.id, "selling_my_data")


class TestTenantBrands:
    """PIPL art. 23: a tenant brand's staff read their shop's sales, but not who bought (no brand-sharing read)."""

    def test_tenant_staff_see_their_sales_without_the_member_and_cannot_look_up_by_member(self, client, session):
        from store.auth.models import Role
        from tests.factories.premises import create_shop
        from tests.factories.sales import create_order, staff_token

        store = create_store(session)
        shop = create_shop(session, store)
        member = create_member(session, store)
        service.record_consent(session, member, "marketing_push", True, text_version="2026-01")
        order = create_order(session, shop, member_id=member.id)
        session.commit()
        orders = "/api/v1/sales/orders"
        tenant = {"Authorization": f"Bearer {staff_token(session, store.id, Role.tenant, shop_id=shop.id)}"}
        manager = {"Authorization": f"Bearer {staff_token(session, store.id, Role.manager)}"}
        assert [o["member_id"] for o in client.get(orders, headers=tenant).json()["items"]] == [None]
        assert client.get(f"{orders}/{order.id}", headers=tenant).json()["member_id"] is None
        refused = client.get(orders, params={"member_id": member.id}, headers=tenant)
        assert refused.status_code == 403 and refused.headers["content-type"].startswith("application/problem+json")
        assert client.get(f"{orders}/{order.id}", headers=manager).json()["member_id"] == member.id
        by_member = client.get(orders, params={"member_id": member.id}, headers=manager).json()
        assert [o["id"] for o in by_member["items"]] == [order.id]
