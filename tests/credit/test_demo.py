"""The credit demo hook: every open shop profiled and scored, a year of complaints, scans that earn S9."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, time

from sqlmodel import select

from store.assessment.evaluators import EVALUATORS
from store.assessment.evaluators.context import EvalContext, Period
from store.credit import demo as credit_demo
from store.credit import service
from store.credit.models import CreditComplaint
from store.premises import service as premises_service
from tests.factories.sales import run_demo


def test_the_demo_store_has_credit_records_that_earn_s9(session):
    ctx = run_demo(session, with_footfall=False)
    credit_demo.generate(ctx)
    store = premises_service.get_store(session, ctx.store_id)
    open_shops = premises_service.list_shops(session, store.id, open_on=ctx.end_on)  # type: ignore[arg-type]
    profiles = service.profiles_by_shop(session, store.id)  # type: ignore[arg-type]
    assert all(profiles[s.id].computed_at is not None for s in open_shops)  # type: ignore[index]
    assert len({profiles[s.id].rating for s in open_shops}) >= 2  # type: ignore[index]

    found = list(session.exec(select(CreditComplaint)))
    statuses = Counter(c.status for c in found)
    assert len(found) == credit_demo.COMPLAINTS_PER_YEAR
    assert statuses["resolved"] > statuses["rejected"] > 0
    assert (max(c.filed_at for c in found) - min(c.filed_at for c in found)).days > 300

    first = ctx.end_on.replace(day=1)
    now = datetime.combine(ctx.end_on, time(12), tzinfo=UTC)
    result = EVALUATORS["S9"](EvalContext(session, store, Period(first, first, first, ctx.end_on, ctx.end_on), now))
    assert (result.points, result.missing) == (5, "")
