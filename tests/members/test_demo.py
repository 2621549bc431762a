"""The members demo hook: members with tiers and consents at a mall's rates, and orders naming real members."""

from __future__ import annotations

from sqlmodel import func, select

from store.members import service
from store.members.models import Member, MemberConsent
from store.sales.models import Order
from tests.factories.sales import run_demo


def test_members_tiers_consents_and_orders_agree(session):
    ctx = run_demo(session, scale=0.002, days=30, with_footfall=False)
    members = session.exec(select(Member).where(Member.store_id == ctx.store_id)).all()
    assert len(members) == ctx.shared["members"]["count"] == 400
    tiers = {t: sum(m.tier == t for m in members) for t in ("basic", "silver", "gold", "diamond")}
    assert tiers["basic"] > tiers["silver"] > tiers["gold"] > tiers["diamond"] >= 1
    assert all(len(m.phone_hash or "") == 64 and "****" in m.phone_masked for m in members)
    marketing = sum(service.may_contact(session, m, "marketing_push") for m in members) / len(members)
    sharing = sum(service.may_contact(session, m, "brand_sharing") for m in members) / len(members)
    assert 0.4 < marketing < 0.7 and 0.05 < sharing < 0.3  # marketing net of withdrawals; sharing rarer
    withdrawn = session.exec(select(func.count()).where(MemberConsent.granted == False)).one()  # noqa: E712
    assert withdrawn > 0
    ids = {m.id for m in members}
    named = set(session.exec(select(Order.member_id).where(Order.member_id.is_not(None))).all())  # type: ignore[union-attr]
    assert named and named <= ids
