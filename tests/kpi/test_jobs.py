"""The nightly KPI job heals rollups that drifted from the raw rows."""

from __future__ import annotations

from contextlib import contextmanager

from store.clock import business_day, utcnow
from store.kpi import jobs
from tests.factories import kpi


class TestNightlyRebuild:
    def test_a_sale_written_without_its_rollup_is_counted_after_the_night(self, session, mall, monkeypatch):
        @contextmanager
        def same_session(engine=None):
            yield session

        monkeypatch.setattr(jobs, "unit_of_work", same_session)
        today = business_day(utcnow(), mall.store.timezone)
        kpi.sell(session, mall.beauty, day=today, total_fen=7_700, apply=False)
        assert kpi.rollups(session, mall.store.id)["sales"] == []

        jobs.rebuild_recent_rollups()

        assert [r[4] for r in kpi.rollups(session, mall.store.id)["sales"]] == [7_700]
