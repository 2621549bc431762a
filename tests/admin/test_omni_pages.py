"""The delivery SLA page, the live calendar and a live session with its attributed orders."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from store.clock import utcnow
from store.delivery import service as delivery_service
from store.delivery.schemas import CourierEvent, EventKind
from store.live import service as live_service
from store.sales.schemas import Channel
from tests.admin.conftest import sign_in
from tests.factories.omni import create_delivery, create_session
from tests.factories.premises import create_store
from tests.factories.sales import order_in


class TestDeliveriesPage:
    def test_the_month_shows_its_shares_and_a_late_delivery_is_marked(self, client, session, premises):
        shop = premises.shops["1F-001"]
        placed = utcnow() - timedelta(days=3)
        row = create_delivery(session, shop, placed)
        late = row.next_day_by + timedelta(hours=2)
        delivery_service.record_event(session, shop.store_id, CourierEvent(row.order_no, EventKind.delivered, late))
        sign_in(client, session, premises.manager)
        html = client.get("/admin/deliveries").text
        assert "每月配送时效" in html and "超时" in html and row.order_no in html
        english = client.get("/admin/deliveries?lang=en").text
        assert "0.0%" in english and "Next-day share" in english

    def test_a_tenant_may_not_open_it(self, client, session, premises):
        sign_in(client, session, premises.tenant)
        assert client.get("/admin/deliveries").status_code == 403


class TestLivePages:
    def test_the_calendar_shows_the_months_sessions_and_the_detail_its_orders(self, client, session, premises):
        shop = premises.shops["1F-001"]
        starts = utcnow() - timedelta(hours=3)
        live = create_session(session, premises.store.id, starts, coupons=["AUT-1"])
        data = order_in(shop, channel=Channel.live, ordered_at=starts + timedelta(minutes=20))
        order = live_service.create_attributed_order(session, premises.store.id, data, code="AUT-1")
        sign_in(client, session, premises.manager)
        month = starts.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m")
        calendar = client.get(f"/admin/live?month={month}").text
        assert f'href="/admin/live/{live.id}"' in calendar and "周末直播" in calendar
        detail = client.get(f"/admin/live/{live.id}").text
        assert order.order_no in detail and "AUT-1" in detail and live.code in detail

    def test_another_stores_session_reads_as_not_found(self, client, session, premises):
        other = create_session(session, create_store(session).id, utcnow())
        sign_in(client, session, premises.manager)
        assert client.get(f"/admin/live/{other.id}").status_code == 404

    def test_a_bad_month_shows_this_month(self, client, session, premises):
        sign_in(client, session, premises.manager)
        assert client.get("/admin/live?month=2026-13").status_code == 200


class TestOnlineOrdersPage:
    def _place(self, session, premises, **extra):
        from store.catalog import stock
        from store.mall import service as mall_service
        from store.mall.schemas import MallOrderCreate
        from tests.factories.catalog import create_sku
        from tests.factories.members import create_member

        shop = premises.shops["1F-001"]
        sku = create_sku(session, shop)
        stock.set_on_hand(session, shop.store_id, shop.id, sku.id, 5)
        member = create_member(session, premises.store)
        data = MallOrderCreate(shop_id=shop.id, lines=[{"sku": sku.code, "quantity": 1}], **extra)  # type: ignore[list-item]
        return mall_service.place(session, premises.store.id, member.id, data)

    def test_orders_show_their_status_and_the_address_masked(self, client, session, premises):
        order = self._place(session, premises, fulfilment="delivery", address="上海市黄浦区南京东路1号")
        sign_in(client, session, premises.manager)
        html = client.get("/admin/online-orders").text
        assert order.order_no in html and "待支付" in html and "上海市黄浦区****" in html
        assert "南京东路" not in html
        assert order.order_no not in client.get("/admin/online-orders?status=paid").text

    def test_a_tenant_sees_only_their_shops_orders(self, client, session, premises):
        order = self._place(session, premises)
        sign_in(client, session, premises.tenant)
        page = client.get("/admin/online-orders")
        assert page.status_code == 200
        shown = order.order_no in page.text
        assert shown == (premises.tenant.shop_id == order.shop_id)


class TestCalendarNotice:
    def test_the_deliveries_page_says_when_a_years_notice_is_missing(self, client, session, premises, monkeypatch):
        from store import workdays

        monkeypatch.setattr(workdays, "PUBLISHED_YEARS", frozenset())
        sign_in(client, session, premises.manager)
        html = client.get("/admin/deliveries").text
        assert 'id="calendar-unpublished"' in html and "SMARTSTORE_WORKDAYS_FILE" in html


class TestScheduleLive:
    def test_a_manager_schedules_a_session_and_lands_on_it(self, client, session, premises):
        token = sign_in(client, session, premises.manager)
        form = client.get("/admin/live/new")
        assert form.status_code == 200 and "新建直播排期" in form.text
        data = {
            "csrf_token": token,
            "title": "春季新品发布",
            "platform": "wechat_channels",
            "kind": "launch",
            "host": "小李",
            "starts_at": "2026-05-01T19:00",
            "ends_at": "2026-05-01T21:00",
            "skus": "A-1, A-2",
            "coupons": "SPRING-1",
        }
        done = client.post("/admin/live/new", data=data, follow_redirects=False)
        assert done.status_code == 303
        detail = client.get(done.headers["location"]).text
        assert "春季新品发布" in detail and "SPRING-1" in detail and "A-2" in detail

    def test_a_session_ending_before_it_starts_is_refused_with_the_form_kept(self, client, session, premises):
        token = sign_in(client, session, premises.manager)
        data = {"csrf_token": token, "title": "倒序", "starts_at": "2026-05-01T21:00", "ends_at": "2026-05-01T19:00"}
        refused = client.post("/admin/live/new", data=data)
        assert refused.status_code == 400 and 'id="live-error"' in refused.text and "倒序" in refused.text
