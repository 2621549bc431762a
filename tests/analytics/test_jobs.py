"""The nightly job refits every store's forecasts and reclusters its groups; S10 and M2 read what it stored."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, timedelta

from store.analytics import jobs, service
from store.assessment.evaluators import EVALUATORS
from store.assessment.evaluators.context import EvalContext, Period
from store.clock import utcnow
from store.premises.models import Store


def test_nightly_job_stores_forecasts_and_groups_and_s10_scores_them(session, demo, monkeypatch):
    @contextmanager
    def same_session(engine=None):
        yield session

    monkeypatch.setattr(jobs, "unit_of_work", same_session)
    today = demo.end_on + timedelta(days=1)
    monkeypatch.setattr(jobs, "business_day", lambda _now, _tz: today)
    monkeypatch.setattr(service, "refit", _cheap(service.refit))
    jobs.nightly_analytics()
    assert service.get_forecast(session, demo.store_id, "store", "revenue") is not None

    store = session.get(Store, demo.store_id)
    first = date(demo.end_on.year, demo.end_on.month, 1)
    period = Period(first, first, first, demo.end_on, today)
    now = utcnow()  # freshness is judged at the time the report is made
    row = EVALUATORS["S10"](EvalContext(session=session, store=store, period=period, now=now))
    assert row.status == "measured" and row.points == 5, row.missing
    assert "回测预测" in row.rule and "consenting members" in row.rule
    m2 = EVALUATORS["M2"](EvalContext(session=session, store=store, period=period, now=now))
    areas = {f.name: f.value for f in m2.figures}
    assert areas["footfall"] > 0 and areas["member_spending"] > 0 and areas["goods_services"] > 0
    assert m2.points == 4


def _cheap(refit):
    def run(session, store_id, **kwargs):
        return refit(session, store_id, today=kwargs["today"], floors=False, origins=1)

    return run
