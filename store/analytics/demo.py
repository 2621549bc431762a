"""Demo hook of analytics: one cheap fit so the forecast page has something to show at once, and the consumer
groups clustered as the worker's first night would (S10, ``/admin/analytics/profiles``).

The two whole-store series get a one-origin backtest and each floor is fitted without one (a few seconds in
all); the nightly job (``smartstore worker``) backtests every series with three origins. The consumer groups
are the nightly job's own clustering (``profiles.cluster``: KMeans over the 44,000 members who consented to
profiling, about 5 s CPU at scale 1.0 with scikit-learn's import, bench/bench_analytics.py).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import text

from store.analytics import profiles, service


def generate(ctx: Any) -> None:
    if ctx.store_id is None:
        return
    today = ctx.end_on + timedelta(days=1)
    fitted = service.refit(ctx.session, ctx.store_id, today=today, origins=1, floor_origins=0)
    if ctx.session.get_bind().dialect.name == "postgresql":
        # Rows loaded in this very transaction have no statistics yet: without them the planner joins the
        # 780,000 orders to the consenting members row by row (minutes instead of a second).
        for table in ("sales_order", "member", "member_consent", "shop"):
            ctx.session.execute(text(f"ANALYZE {table}"))
    grouped = profiles.cluster(ctx.session, ctx.store_id, today)
    ctx.echo(
        f"demo: analytics {len(fitted)} daily forecasts of 8 weeks (store and floors), "
        f"{len(grouped.groups)} consumer groups of {grouped.members:,} members"
    )
