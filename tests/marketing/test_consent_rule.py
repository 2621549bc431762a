"""Marketing reads consent by the members domain's rule only (``members_service.consents_now``): the segment
preview, the week's preparation and the dispatcher agree with ``members_service.consenting_ids``; a withdrawal
blocks at once, and no message goes to a member without a grant in force."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from store.clock import utcnow
from store.marketing import push, segments
from store.marketing.errors import NoConsentingMembers
from store.marketing.models import Delivery, Outbox
from store.marketing.schemas import ChannelGrantIn, PushPlanCreate, SegmentCreate, SegmentRules
from store.members import service as members_service
from tests.factories.marketing import create_campaign
from tests.factories.members import create_member
from tests.factories.premises import create_shop, create_store

WEEK = date(2026, 3, 2)  # a Monday
EARLY = datetime(2026, 3, 1, 20, tzinfo=UTC)  # Monday 04:00 in Shanghai, before the plan's 10:00 slot
TUESDAY_NOON = datetime(2026, 3, 3, 4, tzinfo=UTC)


@pytest.fixture
def store(session):
    store = create_store(session)
    create_shop(session, store)
    return store


@pytest.fixture
def crowd(session, store):
    """Gold members in every consent state, each reachable by app."""

    def member(*decisions: bool, purpose: str = "marketing_push"):
        found = create_member(session, store, tier="gold")
        for granted in decisions:
            members_service.record_consent(session, found, purpose, granted, text_version="t1")
        push.set_grant(session, store.id, found.id, ChannelGrantIn(channel="app"))
        return found

    crowd = {
        "yes": member(True),
        "never": member(),
        "withdrawn": member(True, False),
        "again": member(False, True),
        "other_purpose": member(True, purpose="brand_sharing"),
        "closed": member(True),
        "erased": member(True),
    }
    crowd["closed"].status = "closed"
    crowd["erased"].erased_at = utcnow()
    session.add_all([crowd["closed"], crowd["erased"]])
    session.flush()
    return crowd


def _plan(session, store):
    campaign = create_campaign(session, store, starts_on=WEEK - timedelta(days=30), days=120)
    segment = segments.create(session, store.id, SegmentCreate(name="gold", rules=SegmentRules(tiers=["gold"])))
    data = PushPlanCreate(campaign_id=campaign.id, segment_id=segment.id, weekday=0, send_hour=10, title="t", body="b")
    return push.create_plan(session, store.id, data)


def _deliveries(session, plan):
    return {d.member_id: d for d in session.exec(select(Delivery).where(Delivery.plan_id == plan.id))}


def _outbox(session) -> list[int]:
    return [row.delivery_id for row in session.exec(select(Outbox))]


class TestOneRule:
    def test_preview_preparation_and_the_members_rule_agree(self, session, store, crowd):
        allowed = members_service.consenting_ids(session, store.id, "marketing_push")
        assert allowed == {crowd["yes"].id, crowd["again"].id}
        preview = segments.preview(session, store.id, SegmentRules(tiers=["gold"]), today=WEEK)
        assert preview.consenting == len(allowed)
        plan = _plan(session, store)
        run = push.prepare_week(session, store.id, plan.id, WEEK, now=TUESDAY_NOON)
        assert run.segment_size == 2 and set(_deliveries(session, plan)) == allowed
        assert all(members_service.may_contact(session, crowd[name]) == (crowd[name].id in allowed) for name in crowd)

    def test_no_message_without_consent(self, session, store, crowd):
        plan = _plan(session, store)
        push.prepare_week(session, store.id, plan.id, WEEK, now=TUESDAY_NOON)
        assert push.dispatch_due(session, store.id, now=TUESDAY_NOON) == 2
        sent = {d.member_id for d in _deliveries(session, plan).values() if d.status == "sent"}
        assert sent == {crowd["yes"].id, crowd["again"].id}
        assert len(_outbox(session)) == 2

    def test_a_segment_whose_grants_were_all_withdrawn_gets_no_plan(self, session, store, crowd):
        for name in ("yes", "again"):
            members_service.record_consent(session, crowd[name], "marketing_push", False, text_version="t2")
        assert segments.preview(session, store.id, SegmentRules(tiers=["gold"]), today=WEEK).consenting == 0
        with pytest.raises(NoConsentingMembers):
            _plan(session, store)


class TestWithdrawalBlocksAtOnce:
    def test_a_withdrawal_between_preparation_and_send_stops_that_send(self, session, store, crowd):
        plan = _plan(session, store)
        push.prepare_week(session, store.id, plan.id, WEEK, now=EARLY)
        members_service.record_consent(session, crowd["yes"], "marketing_push", False, text_version="t2")
        assert push.dispatch_due(session, store.id, now=TUESDAY_NOON) == 1
        rows = _deliveries(session, plan)
        assert (rows[crowd["yes"].id].status, rows[crowd["yes"].id].reason) == ("cancelled", "consent_withdrawn")
        assert rows[crowd["again"].id].status == "sent"
        assert rows[crowd["yes"].id].id not in _outbox(session)

    def test_closing_the_membership_after_preparation_stops_the_send(self, session, store, crowd):
        plan = _plan(session, store)
        push.prepare_week(session, store.id, plan.id, WEEK, now=EARLY)
        crowd["again"].status = "closed"
        session.add(crowd["again"])
        session.flush()
        assert push.dispatch_due(session, store.id, now=TUESDAY_NOON) == 1
        assert _deliveries(session, plan)[crowd["again"].id].status == "cancelled"

    def test_a_withdrawal_before_preparation_leaves_the_member_out(self, session, store, crowd):
        members_service.record_consent(session, crowd["again"], "marketing_push", False, text_version="t2")
        plan = _plan(session, store)
        push.prepare_week(session, store.id, plan.id, WEEK, now=TUESDAY_NOON)
        assert set(_deliveries(session, plan)) == {crowd["yes"].id}

    def test_personal_text_follows_the_profiling_withdrawal(self, session, store, crowd):
        from store.marketing.models import RfmScore

        member = crowd["yes"]
        members_service.record_consent(session, member, "profiling", True, text_version="t1")
        members_service.record_consent(session, member, "profiling", False, text_version="t2")
        session.add(RfmScore(member_id=member.id, store_id=store.id, top_category="sports", computed_on=WEEK))
        campaign = create_campaign(session, store, starts_on=WEEK - timedelta(days=30), days=120)
        segment = segments.create(session, store.id, SegmentCreate(name="p", rules=SegmentRules(tiers=["gold"])))
        data = PushPlanCreate(
            campaign_id=campaign.id, segment_id=segment.id, title="t", body="generic", personal_body="为{category}"
        )
        plan = push.create_plan(session, store.id, data)
        push.prepare_week(session, store.id, plan.id, WEEK, now=TUESDAY_NOON)
        row = _deliveries(session, plan)[member.id]
        assert (row.body, row.personalised) == ("generic", False)
