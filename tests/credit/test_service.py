"""The score kept on every event agrees with the nightly recompute; complaints counted for M1; the job."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlmodel import select

from store.clock import business_day, day_bounds_utc, utcnow
from store.credit import complaints, jobs, service
from store.credit.models import CreditReason
from tests.factories.credit import credit_world, file_complaint
from tests.factories.kpi import sell


class _Store:
    """Admin-like viewer of the whole store."""

    def __init__(self, store_id: int) -> None:
        self.store_id, self.shop_id = store_id, None

    def can_see_shop(self, shop_id: int) -> bool:
        return True


def _snapshot(session, store_id):
    session.expire_all()
    profiles = {p.shop_id: (p.score, p.rating) for p in service.profiles_by_shop(session, store_id).values()}
    reasons = sorted(
        (r.shop_id, r.rule, r.points, r.record_kind, r.record_id) for r in session.exec(select(CreditReason))
    )
    return profiles, reasons


class TestEventsAgreeWithTheNightlyRecompute:
    @pytest.mark.parametrize("seed", [1, 2, 3])
    def test_random_events_then_a_full_recompute_changes_nothing(self, session, seed):
        world = credit_world(session)
        store_id, viewer, rng = world.store.id, _Store(world.store.id), random.Random(seed)
        today = business_day(utcnow(), world.store.timezone)
        shops = [world.shop, world.neighbour]
        for _ in range(25):
            shop = rng.choice(shops)
            event = rng.choice(["complaint", "inspection", "permit", "profile", "rate"])
            if event == "complaint":
                c = file_complaint(session, shop)
                if rng.random() < 0.8:
                    complaints.close(session, viewer, c.id, upheld=rng.random() < 0.7, reason="核实")
            elif event == "inspection":
                service.add_inspection(
                    session,
                    store_id,
                    shop.id,
                    inspected_on=today - timedelta(days=rng.randint(0, 400)),
                    passed=rng.random() < 0.6,
                )
            elif event == "permit":
                service.add_permit(
                    session,
                    store_id,
                    shop.id,
                    kind="food",
                    number=f"JY{rng.randint(1, 3)}",
                    expires_on=today + timedelta(days=rng.randint(-30, 30)),
                )
            elif event == "profile":
                service.update_profile(
                    session,
                    store_id,
                    shop.id,
                    licence_no="",
                    licence_name="",
                    contact_name="",
                    rent_late_months=rng.randint(0, 7),
                )
            else:
                closed = [c for c in complaints.list_for(session, viewer, status="resolved") if c.satisfaction is None]
                if closed:
                    complaints.rate(session, closed[0].tracking_no, rng.randint(1, 5))
        kept = _snapshot(session, store_id)
        service.recompute_all(session, store_id)
        assert _snapshot(session, store_id) == kept

    def test_a_renewed_permit_restores_the_points(self, session):
        world = credit_world(session)
        today = business_day(utcnow(), world.store.timezone)
        service.add_permit(
            session, world.store.id, world.shop.id, kind="food", number="JY9", expires_on=today - timedelta(days=1)
        )
        assert service.profile(session, world.store.id, world.shop.id).score == 85
        service.add_permit(
            session, world.store.id, world.shop.id, kind="food", number="JY9", expires_on=today + timedelta(days=365)
        )
        assert service.profile(session, world.store.id, world.shop.id).score == 100

    def test_an_unanswered_complaint_starts_to_cost_once_overdue(self, session):
        world = credit_world(session)
        c = file_complaint(session, world.shop)
        service.recompute_all(session, world.store.id)
        assert service.profile(session, world.store.id, world.shop.id).score == 100
        service.recompute_all(session, world.store.id, now=c.due_at + timedelta(minutes=1))
        assert service.profile(session, world.store.id, world.shop.id).score == 94

    def test_sales_on_too_few_days_cost_five(self, session):
        world = credit_world(session)
        today = business_day(utcnow(), world.store.timezone)
        for n in range(1, 10):
            sell(session, world.shop, day=today - timedelta(days=n), total_fen=1000)
        assert service.recompute_shop(session, world.store.id, world.shop.id).score == 95
        assert service.recompute_shop(session, world.store.id, world.neighbour.id).score == 100  # no till data


class TestComplaintsHandledInPeriod:
    def test_counts_complaints_closed_on_the_days_given_both_ends_included(self, session):
        world = credit_world(session)
        viewer = _Store(world.store.id)
        tz = world.store.timezone
        today = business_day(utcnow(), tz)
        start_of_today = day_bounds_utc(today, tz)[0]
        for when in (start_of_today, start_of_today - timedelta(seconds=1)):
            c = file_complaint(session, world.shop)
            complaints.close(session, viewer, c.id, upheld=False, reason="不成立", now=when)
        file_complaint(session, world.shop)  # still open: not handled
        count = service.complaints_handled_in_period
        assert count(session, world.store.id, today, today) == 1
        assert count(session, world.store.id, today - timedelta(days=1), today) == 2
        assert count(session, world.store.id, today - timedelta(days=1), today - timedelta(days=1)) == 1


class TestNightlyJob:
    def test_the_job_scores_every_open_shop_and_issues_missing_codes(self, session, monkeypatch):
        world = credit_world(session)
        from contextlib import contextmanager

        @contextmanager
        def same_session(*_args, **_kwargs):
            yield session

        monkeypatch.setattr(jobs, "unit_of_work", same_session)
        monkeypatch.setattr(jobs.premises_service, "list_stores", lambda _s: [world.store])
        extra = __import__("tests.factories.premises", fromlist=["create_shop"]).create_shop(
            session, world.store, world.floor
        )
        jobs.nightly_credit()
        from store.credit import codes

        assert extra.id in codes.current_codes(session, world.store.id)
        assert service.profile(session, world.store.id, extra.id).computed_at is not None
