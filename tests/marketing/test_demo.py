"""The marketing demo hook: redemptions are real member sales of the campaign's month at or above the threshold,
and every week of the push year has a sent delivery in the log (S3 reads it)."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from store.marketing import demo, push
from store.marketing.models import Campaign, Coupon, CouponIssue, Redemption
from store.sales.models import Order
from tests.factories.sales import run_demo


def test_redemptions_match_sales_and_every_week_has_a_push(session):
    ctx = run_demo(session, scale=0.005, days=120, with_footfall=False)
    demo.generate(ctx)
    session.flush()
    rows = session.exec(
        select(Redemption, Order, Coupon)
        .join(Order, Order.order_no == Redemption.order_no)
        .join(Coupon, Coupon.id == Redemption.coupon_id)
    ).all()
    assert rows, "some member sales used a coupon"
    for redemption, order, coupon in rows:
        assert (order.member_id, order.shop_id, order.total_fen) == (
            redemption.member_id,
            redemption.shop_id,
            redemption.basket_fen,
        )
        assert order.total_fen >= coupon.threshold_fen and coupon.valid_from <= order.ordered_at < coupon.valid_until
    issues = session.exec(select(CouponIssue)).all()
    assert sum(i.status == "redeemed" for i in issues) == len(rows) < len(issues)
    assert len(session.exec(select(Campaign)).all()) >= 4
    weeks = push.weeks(session, ctx.store_id, ctx.end_on - timedelta(weeks=51), ctx.end_on)
    assert len(weeks) == 52 and all(w.sent > 0 for w in weeks)


def test_the_demo_computes_rfm_and_keeps_coupon_counts(session):
    from sqlmodel import func

    from store.marketing import segments
    from store.marketing.models import RfmScore
    from store.marketing.schemas import SegmentRules

    ctx = run_demo(session, scale=0.005, days=120, with_footfall=False)
    demo.generate(ctx)
    session.flush()
    assert segments.rfm_computed_on(session, ctx.store_id) == ctx.end_on + timedelta(days=1)
    since = ctx.end_on + timedelta(days=1) - timedelta(days=365)
    buyers = session.exec(
        select(func.count(func.distinct(Order.member_id))).where(
            Order.store_id == ctx.store_id, Order.member_id.is_not(None), Order.business_on >= since
        )
    ).one()
    assert buyers > 0 and len(session.exec(select(RfmScore)).all()) == buyers
    champions = segments.preview(session, ctx.store_id, SegmentRules(rfm_labels=["champions"]), today=ctx.end_on)
    assert champions.size > 0
    for coupon in session.exec(select(Coupon)).all():
        held = session.exec(select(func.count()).where(CouponIssue.coupon_id == coupon.id)).one()
        assert coupon.issued_count == held <= coupon.total_quantity
