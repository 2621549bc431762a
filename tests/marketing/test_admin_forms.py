"""Issue 16 (5): campaigns, coupons and segments created and edited on the admin forms: each refusal beside its
field (a campaign ending before it starts, a coupon's validity ending before it starts, an unknown shop code,
a percent out of range), nothing written when refused, CSRF checked, and the segment's size shown before saving."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import func, select

from store.analytics.models import MemberProfile, ProfileGroup
from store.marketing import service
from store.marketing.models import Campaign, Coupon, Segment
from tests.admin.conftest import premises, sign_in, store_today  # noqa: F401
from tests.factories.marketing import consenting_member, create_campaign, create_coupon


@pytest.fixture
def csrf(client, session, premises):  # noqa: F811
    return sign_in(client, session, premises.manager)


def count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def campaign_form(today, **over):
    form = {
        "name": "周年庆",
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=14)).isoformat(),
        "shops": "1F-001, 1F-002",
        "channel_kiosk": "1",
        "channel_miniprogram": "1",
        "cost": "1200.50",
        "content_title": "周年庆 满200减30",
        "content_body": "全场满减",
        "promotion_id": "",
    }
    return form | over


class TestCampaignForm:
    def test_create_then_edit(self, client, session, premises, csrf):  # noqa: F811
        today = store_today(premises)
        assert "新建活动" in client.get("/admin/marketing/campaigns/new").text
        response = client.post(
            "/admin/marketing/campaigns/new", data={"csrf_token": csrf, **campaign_form(today)}, follow_redirects=False
        )
        assert response.status_code == 303
        row = session.exec(select(Campaign).where(Campaign.name == "周年庆")).one()
        assert (row.cost_fen, row.channels, len(row.shop_ids)) == (120_050, ["kiosk", "miniprogram"], 2)
        page = client.get(f"/admin/marketing/campaigns/{row.id}/edit").text
        assert 'value="1F-001, 1F-002"' in page and "checked" in page
        form = campaign_form(today, name="周年庆 加场", shops="", channel_kiosk="")
        response = client.post(
            f"/admin/marketing/campaigns/{row.id}/edit", data={"csrf_token": csrf, **form}, follow_redirects=False
        )
        assert response.status_code == 303
        session.refresh(row)
        assert (row.name, row.channels, row.shop_ids) == ("周年庆 加场", ["miniprogram"], [])

    def test_ending_before_starting_and_bad_fields_are_said_beside_them(self, client, session, premises, csrf):  # noqa: F811
        today = store_today(premises)
        before = count(session, Campaign)
        form = campaign_form(today, ends_on=(today - timedelta(days=1)).isoformat(), shops="9F-99", cost="abc", name="")
        response = client.post("/admin/marketing/campaigns/new", data={"csrf_token": csrf, **form})
        assert response.status_code == 400
        html = response.text
        assert 'id="e-ends_on">活动结束日期早于开始日期' in html
        assert 'id="e-shops">未知的店铺编码：9F-99' in html and 'id="e-cost">请输入以元为单位的金额' in html
        assert 'id="e-name"' in html and count(session, Campaign) == before

    def test_without_the_csrf_token_nothing_is_written(self, client, session, premises, csrf):  # noqa: F811
        before = count(session, Campaign)
        response = client.post("/admin/marketing/campaigns/new", data=campaign_form(store_today(premises)))
        assert response.status_code == 403 and count(session, Campaign) == before


class TestCouponForm:
    def coupon_form(self, campaign, today, **over):
        form = {
            "campaign_id": str(campaign.id),
            "name": "满300减50",
            "kind": "amount",
            "amount_off": "50",
            "threshold": "300",
            "per_member_limit": "2",
            "total_quantity": "500",
            "valid_from": today.isoformat(),
            "valid_until": (today + timedelta(days=6)).isoformat(),
        }
        return form | over

    def test_create_then_edit_keeps_what_is_issued(self, client, session, premises, csrf):  # noqa: F811
        today = store_today(premises)
        campaign = create_campaign(session, premises.store)
        data = {"csrf_token": csrf, **self.coupon_form(campaign, today)}
        assert client.post("/admin/marketing/coupons/new", data=data, follow_redirects=False).status_code == 303
        row = session.exec(select(Coupon).where(Coupon.name == "满300减50")).one()
        assert (row.amount_off_fen, row.threshold_fen, row.per_member_limit) == (5_000, 30_000, 2)
        assert (row.valid_until - row.valid_from) == timedelta(days=7)  # the last day is valid all day
        service.claim(session, premises.store.id, consenting_member(session, premises.store).id, row.id)
        session.commit()
        page = client.get(f"/admin/marketing/coupons/{row.id}/edit").text
        assert 'value="300.00"' in page
        data = {"csrf_token": csrf, **self.coupon_form(campaign, today, total_quantity="0")}
        response = client.post(f"/admin/marketing/coupons/{row.id}/edit", data=data)
        assert response.status_code == 400 and 'id="e-total_quantity">至少为 1' in response.text
        response = client.post(f"/admin/marketing/coupons/{row.id}/edit", data=data | {"total_quantity": "1"})
        assert response.status_code == 303 or response.status_code == 200
        session.refresh(row)
        assert row.total_quantity == 1

    def test_refusals_beside_their_fields_nothing_written(self, client, session, premises, csrf):  # noqa: F811
        today = store_today(premises)
        campaign = create_campaign(session, premises.store)
        before = count(session, Coupon)
        form = self.coupon_form(
            campaign,
            today,
            valid_until=(today - timedelta(days=2)).isoformat(),
            kind="percent",
            percent_off="95",
            shops="ZZ-1",
        )
        response = client.post("/admin/marketing/coupons/new", data={"csrf_token": csrf, **form})
        html = response.text
        assert response.status_code == 400 and count(session, Coupon) == before
        assert 'id="e-valid_until">有效期的最后一天早于第一天' in html
        assert 'id="e-percent_off">折扣券的折扣须在' in html and 'id="e-shops">未知的店铺编码：ZZ-1' in html

    def test_quantity_below_issued_is_refused(self, client, session, premises, csrf):  # noqa: F811
        campaign = create_campaign(session, premises.store)
        coupon = create_coupon(session, campaign, total_quantity=5)
        for _ in range(2):
            service.claim(session, premises.store.id, consenting_member(session, premises.store).id, coupon.id)
        session.commit()
        form = self.coupon_form(campaign, store_today(premises), total_quantity="1")
        response = client.post(f"/admin/marketing/coupons/{coupon.id}/edit", data={"csrf_token": csrf, **form})
        assert response.status_code == 400 and 'id="e-total_quantity">已发放 2 张' in response.text
        session.refresh(coupon)
        assert coupon.total_quantity == 5


class TestSegmentForm:
    def test_preview_shows_the_size_before_saving(self, client, session, premises, csrf):  # noqa: F811
        for _ in range(3):
            consenting_member(session, premises.store, tier="gold")
        session.commit()
        data = {"csrf_token": csrf, "name": "", "tiers": "gold", "action": "preview"}
        page = client.post("/admin/marketing/segments/new", data=data)
        assert page.status_code == 200 and 'id="preview"' in page.text and "保存人群（3 位会员）" in page.text
        assert count(session, Segment) == 0
        response = client.post(
            "/admin/marketing/segments/new", data=data | {"name": "金卡", "action": "save"}, follow_redirects=False
        )
        assert response.status_code == 303
        row = session.exec(select(Segment).where(Segment.name == "金卡")).one()
        assert row.rules == {"tiers": ["gold"]}
        edit = client.get(f"/admin/marketing/segments/{row.id}/edit").text
        assert 'id="preview"' in edit and 'value="gold"' in edit
        response = client.post(
            f"/admin/marketing/segments/{row.id}/edit",
            data={"csrf_token": csrf, "name": "金卡 生日", "tiers": "gold", "birthday_month": "5", "action": "save"},
            follow_redirects=False,
        )
        assert response.status_code == 303
        session.refresh(row)
        assert row.rules == {"tiers": ["gold"], "birthday_month": 5}

    def test_bad_rules_are_said_and_nothing_saved(self, client, session, premises, csrf):  # noqa: F811
        data = {"csrf_token": csrf, "name": "x", "birthday_month": "13", "rfm_labels": "kings", "action": "save"}
        response = client.post("/admin/marketing/segments/new", data=data)
        html = response.text
        assert response.status_code == 400 and count(session, Segment) == 0
        assert (
            'id="e-birthday_month">请填写 1 到 12 的月份' in html and 'id="e-rfm_labels">未知的 RFM 分组：kings' in html
        )

    def test_consumer_groups_of_the_analytics_module_make_a_segment(self, client, session, premises, csrf):  # noqa: F811
        store_id = premises.store.id
        for no, zh in ((1, "周末家庭客群"), (2, "沉睡客群")):
            session.add(
                ProfileGroup(
                    store_id=store_id,
                    group_no=no,
                    members=0,
                    name_zh=zh,
                    name_en=f"group {no}",
                    description_zh=zh,
                    description_en=f"group {no}",
                )
            )
        family = [consenting_member(session, premises.store, profiling=True) for _ in range(3)]
        withdrawn = consenting_member(session, premises.store, profiling=False)  # grouped, then said no: left out
        for member in [*family, withdrawn]:
            session.add(MemberProfile(store_id=store_id, member_id=member.id, group_no=1))
        session.add(
            MemberProfile(
                store_id=store_id, member_id=consenting_member(session, premises.store, profiling=True).id, group_no=2
            )
        )
        session.commit()
        assert "1 周末家庭客群, 2 沉睡客群" in client.get("/admin/marketing/segments/new").text
        data = {"csrf_token": csrf, "name": "家庭", "profile_groups": "1", "action": "preview"}
        page = client.post("/admin/marketing/segments/new", data=data)
        assert "保存人群（3 位会员）" in page.text
        response = client.post("/admin/marketing/segments/new", data=data | {"action": "save"}, follow_redirects=False)
        assert response.status_code == 303
        row = session.exec(select(Segment).where(Segment.name == "家庭")).one()
        assert row.rules == {"profile_groups": [1]}
        assert 'value="1"' in client.get(f"/admin/marketing/segments/{row.id}/edit").text

    def test_unknown_consumer_groups_are_said_and_nothing_saved(self, client, session, premises, csrf):  # noqa: F811
        for typed, said in (("7", "没有这些客群：7"), ("一", "请输入整数")):
            data = {"csrf_token": csrf, "name": "x", "profile_groups": typed, "action": "save"}
            response = client.post("/admin/marketing/segments/new", data=data)
            assert response.status_code == 400 and f'id="e-profile_groups">{said}' in response.text
        assert count(session, Segment) == 0
