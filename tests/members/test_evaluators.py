"""S2 and S5 measured on members: card use in the period, and online orders of monthly-active members."""

from __future__ import annotations

from datetime import UTC, date, datetime

from store.assessment import service as assessment_service
from store.members.models import MemberToken
from tests.factories.members import create_member
from tests.factories.premises import create_floor, create_shop, create_store
from tests.factories.sales import create_order

NOW = datetime(2025, 10, 5, 4, tzinfo=UTC)
PERIOD = {"period_from": "2025-07", "period_to": "2025-09"}


def _row(session, store, ident):
    report = assessment_service.assess(session, store.id, now=NOW, **PERIOD)
    return next(r for r in report.indicators if r.id == ident)


def _figures(row):
    return {f.name: f.value for f in row.figures}


class TestS2:
    def test_members_who_never_used_the_card_earn_nothing_then_one_sign_in_earns_five(self, session):
        store = create_store(session)
        member = create_member(session, store)
        assert _row(session, store, "S2").points == 0
        session.add(
            MemberToken(
                member_id=member.id,
                family="f",
                kind="access",
                token_hash="x" * 64,
                created_at=datetime(2025, 8, 1, 4, tzinfo=UTC),
                expires_at=datetime(2025, 8, 1, 5, tzinfo=UTC),
            )
        )
        session.flush()
        row = _row(session, store, "S2")
        assert row.points == 5 and _figures(row)["card_users"] == 1 and _figures(row)["members"] == 1


class TestS5:
    def test_online_orders_of_members_count_as_monthly_active(self, session):
        store = create_store(session)
        shop = create_shop(session, store, create_floor(session, store), opened_on=date(2024, 1, 1))
        members = [create_member(session, store) for _ in range(3)]
        day = datetime(2025, 8, 3, 4, tzinfo=UTC)
        for member in members:
            create_order(session, shop, member_id=member.id, channel="online", ordered_at=day)
        for _ in range(2):
            create_order(session, shop, channel="online", ordered_at=day)
        create_order(session, shop, member_id=members[0].id, ordered_at=day)  # offline: not online activity
        row = _row(session, store, "S5")
        figures = _figures(row)
        assert (figures["mau_online_orders"], figures["online_orders"]) == (3, 5)
        assert row.points == 2  # 60 % exactly
        assert "sign-in" in row.rule
