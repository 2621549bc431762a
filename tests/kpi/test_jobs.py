"""The nightly jobs of sales and footfall heal rollups that drifted from the raw rows."""

from __future__ import annotations

from contextlib import contextmanager

from store.clock import business_day, utcnow
from store.footfall import jobs as footfall_jobs
from store.sales import jobs as sales_jobs
from tests.factories import kpi


class TestNightlyRebuild:
    def test_a_sale_and_a_count_written_without_their_rollups_are_counted_after_the_night(
        self, session, mall, monkeypatch
    ):
        @contextmanager
        def same_session(engine=None):
            yield session

        monkeypatch.setattr(sales_jobs, "unit_of_work", same_session)
        monkeypatch.setattr(footfall_jobs, "unit_of_work", same_session)
        today = business_day(utcnow(), mall.store.timezone)
        kpi.sell(session, mall.beauty, day=today, total_fen=7_700, apply=False)
        kpi.count_in(session, mall.door, day=today, people=42, apply=False)
        assert kpi.rollups(session, mall.store.id) == {"sales": [], "footfall": []}

        sales_jobs.rebuild_recent_rollups()
        footfall_jobs.rebuild_recent_rollups()

        rollups = kpi.rollups(session, mall.store.id)
        assert [r[4] for r in rollups["sales"]] == [7_700]
        assert [r[1] for r in rollups["footfall"]] == [42]
