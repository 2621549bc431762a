"""Analysis, stored forecasts and consumer groups on a small demo store: SQL totals that add up, forecasts
stored with their backtest beside the baseline, groups of consenting members only, usable as a segment."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from store.analytics import profiles, service
from store.analytics.models import MemberProfile
from store.kpi.models import SALES_TABLE
from store.marketing import segments
from store.marketing.schemas import SegmentRules
from store.members import service as members_service
from store.members.models import Member


def _net(session, store_id, start, end) -> int:
    s = SALES_TABLE
    query = select(func.sum(s.c.revenue_fen - s.c.refunds_fen)).where(
        s.c.store_id == store_id, s.c.business_on >= start, s.c.business_on <= end
    )
    return int(session.execute(query).scalar_one() or 0)


class TestAnalyse:
    def test_every_cut_adds_up_to_the_rollups(self, session, demo):
        start, end = demo.end_on - timedelta(days=27), demo.end_on
        found = service.analyse(session, demo.store_id, start, end)
        net = _net(session, demo.store_id, start, end)
        assert net > 0
        assert sum(r for _f, r, _o in found.by_floor) == net
        assert sum(r for _c, r, _o in found.by_category) == net
        assert sum(r for _d, r, _o, _p in found.by_weekday) == net
        assert [d for d, *_ in found.by_weekday] == list(range(7))
        saturday, tuesday = found.by_weekday[5], found.by_weekday[1]
        assert saturday[3] > tuesday[3] > 0  # footfall follows the weekly shape
        busiest = max(found.by_hour, key=lambda row: row[1])[0]
        assert 10 <= busiest <= 21 and all(0 <= h <= 23 for h, *_ in found.by_hour)  # local hours (online: any)
        assert all(10 <= h <= 22 for h, _o, _r, people in found.by_hour if people)  # entrances while open
        hourly, daily = sum(o for _h, o, _r, _p in found.by_hour), sum(o for _d, _r, o, _p in found.by_weekday)
        assert 0 < hourly <= daily  # hours come from itemised orders; a declared daily total has no hour
        member, guest = found.member_split["member"], found.member_split["guest"]
        assert member[1] > 0 and guest[1] > 0
        assert found.new_returning["new"][1] + found.new_returning["returning"][1] == member[1]
        later = demo.end_on + timedelta(days=30)
        empty = service.analyse(session, demo.store_id, later, later)  # a period without trade is all zero
        assert empty.by_floor == [] and empty.member_split["member"] == (0, 0)


class TestForecast:
    def test_refit_stores_store_and_floor_series_with_backtest_and_replaces_them(self, session, demo):
        today = demo.end_on + timedelta(days=1)
        rows = service.refit(session, demo.store_id, today=today, origins=1, floor_origins=0)
        scopes = {(r.scope, r.metric) for r in rows}
        assert {("store", "revenue"), ("store", "footfall")} <= scopes
        assert any(s.startswith("floor:") and m == "revenue" for s, m in scopes)
        store_row = service.get_forecast(session, demo.store_id, "store", "revenue")
        assert store_row is not None and store_row.origins == 1
        assert store_row.model_mape is not None and store_row.naive_mape is not None
        assert len(store_row.points) == 56 and store_row.points[0][0] == today.isoformat()
        assert all(lo <= mean <= hi for _d, mean, lo, hi in store_row.points)
        floor_row = next(r for r in rows if r.scope.startswith("floor:"))
        assert floor_row.origins == 0 and floor_row.model_mape is None  # not backtested in the cheap run
        again = service.refit(session, demo.store_id, today=today, floors=False, origins=0)
        assert len(service.stored_forecasts(session, demo.store_id)) == len(rows)  # replaced, not added
        assert len(again) == 2
        later = demo.end_on + timedelta(days=1)
        days, values = service.daily_series(session, demo.store_id, "revenue", demo.end_on, later)
        assert days == [demo.end_on, later] and values[0] > 0 and values[1] == 0


class TestProfiles:
    def test_only_consenting_members_are_grouped_described_and_usable_as_a_segment(self, session, demo):
        today = demo.end_on + timedelta(days=1)
        done = profiles.cluster(session, demo.store_id, today)
        assert 2 <= len(done.groups) <= profiles.GROUPS
        assert sum(g.members for g in done.groups) == done.members > 0
        assert [g.group_no for g in done.groups] == list(range(1, len(done.groups) + 1))
        assert all(g.members >= h.members for g, h in zip(done.groups, done.groups[1:], strict=False))
        assert all("月均到店" in g.description_zh and "visits a month" in g.description_en for g in done.groups)
        assert all(g.name_zh.endswith("客群") and g.name_en.endswith("shoppers") for g in done.groups)
        profiled = set(session.execute(select(MemberProfile.member_id)).scalars())
        allowed = set(session.execute(profiles.profiled_members(demo.store_id)).scalars())
        assert profiled <= allowed
        # A group is a segment rule; a member who withdraws the profiling consent leaves it at once.
        first = done.groups[0]
        size = segments.preview(session, demo.store_id, SegmentRules(profile_groups=[first.group_no]), today=today)
        assert size.size == first.members
        member_id = (
            session.execute(select(MemberProfile.member_id).where(MemberProfile.group_no == first.group_no))
            .scalars()
            .first()
        )
        member = session.get(Member, member_id)
        members_service.record_consent(session, member, "profiling", False, text_version="t1")
        after = segments.preview(session, demo.store_id, SegmentRules(profile_groups=[first.group_no]), today=today)
        assert after.size == first.members - 1

        long_after = demo.end_on + timedelta(days=800)  # no purchases in the window: no groups
        assert profiles.cluster(session, demo.store_id, long_after).groups == []
        assert profiles.list_groups(session, demo.store_id) == []


class TestDescribe:
    def test_weekend_family_group_reads_like_one(self):
        shares = dict.fromkeys(profiles.FAMILY_KEYS, 0.0) | {"kids": 0.45, "sports": 0.3, "food": 0.25}
        traits = {
            "recency_days": 20,
            "spend_fen": 300_000,
            "visits_per_month": 3.0,
            "weekend_share": 0.7,
            "shares": shares,
        }
        name_zh, name_en, text_zh, text_en = profiles.describe(traits, overall_spend_fen=250_000)
        assert name_zh == "周末家庭客群" and name_en == "Weekend family shoppers"
        assert text_zh.startswith("周末家庭客群：儿童亲子与运动户外，月均到店 3.0 次")
        assert "children and sports and outdoor, 3.0 visits a month" in text_en

    def test_lapsing_and_high_spending_are_named(self):
        shares = dict.fromkeys(profiles.FAMILY_KEYS, 0.0) | {"beauty": 1.0}
        lapsing = {
            "recency_days": 200,
            "spend_fen": 10,
            "visits_per_month": 0.1,
            "weekend_share": 0.4,
            "shares": shares,
        }
        assert profiles.describe(lapsing, 100)[0] == "沉睡美妆珠宝客群"
        rich = lapsing | {"recency_days": 5, "spend_fen": 150, "weekend_share": 0.2}
        assert profiles.describe(rich, 100)[:2] == (
            "工作日高消费美妆珠宝客群",
            "Weekday high-spending beauty and jewellery shoppers",
        )
