"""Issue 16 (3), S3 精准推送: the weekly push reaches consenting members once a week on a lawful channel,
personalised only for those who allow it; withdrawal cancels queued sends; a re-run sends nothing twice."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import col, func, select

from store.marketing import push, segments
from store.marketing.errors import NoConsentingMembers
from store.marketing.models import Delivery, Outbox, PushRun, RfmScore
from store.marketing.schemas import ChannelGrantIn, PushPlanCreate, SegmentCreate, SegmentRules
from store.members import service as members_service
from tests.factories.marketing import consenting_member, create_campaign
from tests.factories.premises import create_shop, create_store

WEEK = date(2026, 3, 2)  # a Monday
TUESDAY_NOON = datetime(2026, 3, 3, 4, tzinfo=UTC)  # 12:00 in Shanghai, after the plan's 10:00 slot


@pytest.fixture
def store(session):
    store = create_store(session)
    create_shop(session, store)
    return store


def _plan(session, store, *, tiers=("gold",), personal="", hour=10):
    campaign = create_campaign(session, store, starts_on=WEEK - timedelta(days=30), days=120)
    segment = segments.create(session, store.id, SegmentCreate(name=f"s{hour}", rules=SegmentRules(tiers=list(tiers))))
    data = PushPlanCreate(
        campaign_id=campaign.id,
        segment_id=segment.id,
        weekday=0,
        send_hour=hour,
        title="本周好物",
        body="本周会员日，全场满减",
        personal_body=personal,
    )
    return push.create_plan(session, store.id, data)


def _grant(session, store, member, channel, **kw):
    push.set_grant(session, store.id, member.id, ChannelGrantIn(channel=channel, **kw))


def _deliveries(session, plan):
    return {d.member_id: d for d in session.exec(select(Delivery).where(Delivery.plan_id == plan.id))}


class TestWeeklyPush:
    def test_consenting_members_get_one_message_and_a_rerun_sends_nothing_twice(self, session, store):
        yes = consenting_member(session, store, tier="gold")
        no = consenting_member(session, store, tier="gold", push=False)
        _grant(session, store, yes, "app")
        _grant(session, store, no, "app")
        plan = _plan(session, store)
        run = push.prepare_week(session, store.id, plan.id, WEEK, now=TUESDAY_NOON)
        sent = push.dispatch_due(session, store.id, now=TUESDAY_NOON)
        again = push.prepare_week(session, store.id, plan.id, WEEK + timedelta(days=3), now=TUESDAY_NOON)
        assert (run.segment_size, sent, again.already_prepared, again.sent) == (1, 1, True, 1)
        assert push.dispatch_due(session, store.id, now=TUESDAY_NOON) == 0
        assert set(_deliveries(session, plan)) == {yes.id}
        assert session.exec(select(func.count()).select_from(Outbox)).one() == 1

    def test_no_lawful_channel_is_logged(self, session, store):
        member = consenting_member(session, store, tier="gold")
        plan = _plan(session, store)
        push.prepare_week(session, store.id, plan.id, WEEK, now=TUESDAY_NOON)
        row = _deliveries(session, plan)[member.id]
        assert (row.status, row.reason) == ("skipped", "no_lawful_channel")
        assert push.weeks(session, store.id, WEEK, WEEK)[0].no_channel == 1

    def test_withdrawn_consent_cancels_the_queued_send(self, session, store):
        member = consenting_member(session, store, tier="gold")
        _grant(session, store, member, "app")
        plan = _plan(session, store)
        early = datetime(2026, 3, 1, 20, tzinfo=UTC)  # Monday 04:00 in Shanghai: before the 10:00 slot
        push.prepare_week(session, store.id, plan.id, WEEK, now=early)
        members_service.record_consent(session, member, "marketing_push", False, text_version="t1")
        assert push.dispatch_due(session, store.id, now=TUESDAY_NOON) == 0
        row = _deliveries(session, plan)[member.id]
        assert (row.status, row.reason) == ("cancelled", "consent_withdrawn")

    def test_personalisation_off_still_gets_the_generic_text(self, session, store):
        allows = consenting_member(session, store, tier="gold", profiling=True)
        refuses = consenting_member(session, store, tier="gold")
        for member in (allows, refuses):
            _grant(session, store, member, "app")
            session.add(RfmScore(member_id=member.id, store_id=store.id, top_category="sports", computed_on=WEEK))
        plan = _plan(session, store, personal="为喜欢{category}的您精选")
        push.prepare_week(session, store.id, plan.id, WEEK, now=TUESDAY_NOON)
        rows = _deliveries(session, plan)
        assert (rows[allows.id].body, rows[allows.id].personalised) == ("为喜欢sports的您精选", True)
        assert (rows[refuses.id].body, rows[refuses.id].personalised) == ("本周会员日，全场满减", False)

    def test_sms_waits_for_eight_and_carries_the_opt_out_line(self, session, store):
        member = consenting_member(session, store, tier="gold")
        _grant(session, store, member, "sms")
        plan = _plan(session, store, hour=22)  # quiet hours: moved to 08:00 the next day
        push.prepare_week(session, store.id, plan.id, WEEK, now=datetime(2026, 3, 1, 16, tzinfo=UTC))
        row = _deliveries(session, plan)[member.id]
        assert row.body.endswith("拒收请回复R")
        assert row.scheduled_at.astimezone(UTC) == datetime(2026, 3, 3, 0, tzinfo=UTC)  # Tue 08:00 Shanghai

    def test_one_subscription_message_per_acceptance(self, session, store):
        member = consenting_member(session, store, tier="gold")
        _grant(session, store, member, "miniprogram", remaining=1)
        plan = _plan(session, store)
        push.prepare_week(session, store.id, plan.id, WEEK, now=TUESDAY_NOON)
        push.dispatch_due(session, store.id, now=TUESDAY_NOON)
        next_week = TUESDAY_NOON + timedelta(days=7)
        push.prepare_week(session, store.id, plan.id, WEEK + timedelta(days=7), now=next_week)
        weeks = session.exec(select(Delivery.status, Delivery.reason).order_by(col(Delivery.week_on))).all()
        assert weeks == [("sent", ""), ("skipped", "no_lawful_channel")]

    def test_a_segment_without_consenting_members_is_refused_and_nothing_written(self, session, store):
        consenting_member(session, store, tier="gold", push=False)
        campaign = create_campaign(session, store)
        segment = segments.create(session, store.id, SegmentCreate(name="g", rules=SegmentRules(tiers=["gold"])))
        data = PushPlanCreate(campaign_id=campaign.id, segment_id=segment.id, title="t", body="b")
        with pytest.raises(NoConsentingMembers):
            push.create_plan(session, store.id, data)
        assert session.exec(select(func.count()).select_from(PushRun)).one() == 0


class TestSegments:
    def test_preview_counts_members_and_the_consenting(self, session, store):
        consenting_member(session, store, tier="gold")
        consenting_member(session, store, tier="gold", push=False)
        consenting_member(session, store, tier="basic")
        assert segments.preview(session, store.id, SegmentRules(tiers=["gold"])).model_dump() == {
            "size": 2,
            "consenting": 1,
        }


class TestS3Evaluator:
    def test_weeks_without_a_push_are_listed(self, session, store):
        from store.assessment.evaluators.context import EvalContext, Period
        from store.assessment.evaluators.marketing import evaluate_s3

        member = consenting_member(session, store, tier="gold")
        _grant(session, store, member, "app")
        plan = _plan(session, store)
        push.prepare_week(session, store.id, plan.id, WEEK, now=TUESDAY_NOON)
        push.dispatch_due(session, store.id, now=TUESDAY_NOON)
        period = Period(date(2026, 3, 1), date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 15), date(2026, 4, 1))
        row = evaluate_s3(EvalContext(session, store, period, TUESDAY_NOON))
        assert row.points == 0 and "2026-03-09" in row.rule and "2026-03-02 " not in row.missing


class TestWeeklyJob:
    def test_the_job_prepares_running_campaigns_once_and_sends(self, session, store):
        member = consenting_member(session, store, tier="gold")
        _grant(session, store, member, "app")
        plan = _plan(session, store)
        first = push.run_week(session, store.id, now=TUESDAY_NOON)
        second = push.run_week(session, store.id, now=TUESDAY_NOON + timedelta(minutes=15))
        assert [r.already_prepared for r in first + second] == [False, True]
        assert _deliveries(session, plan)[member.id].status == "sent"
        assert session.exec(select(func.count()).select_from(Outbox)).one() == 1


class TestPushApi:
    def test_a_plan_for_a_segment_without_consent_is_a_problem_and_writes_nothing(self, session, client, store):
        from store.auth.models import Role
        from store.marketing.models import PushPlan
        from tests.factories.auth import staff_headers

        consenting_member(session, store, tier="gold", push=False)
        campaign = create_campaign(session, store)
        segment = segments.create(session, store.id, SegmentCreate(name="g", rules=SegmentRules(tiers=["gold"])))
        body = {"campaign_id": campaign.id, "segment_id": segment.id, "title": "t", "body": "b"}
        answer = client.post(
            "/api/v1/marketing/push/plans", json=body, headers=staff_headers(session, store, Role.marketing)
        )
        assert answer.status_code == 400 and answer.json()["type"].endswith("push-no-consenting-members")
        assert session.exec(select(func.count()).select_from(PushPlan)).one() == 0
