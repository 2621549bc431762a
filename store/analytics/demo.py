"""Demo hook of analytics: one cheap fit so the forecast page has something to show at once.

The two whole-store series get a one-origin backtest and each floor is fitted without one (a few seconds in
all); the nightly job (``smartstore worker``) backtests every series with three origins and clusters the
consumer groups, which take longer over 200,000 members than a demo hook may (bench/bench_analytics.py).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from store.analytics import service


def generate(ctx: Any) -> None:
    if ctx.store_id is None:
        return
    today = ctx.end_on + timedelta(days=1)
    fitted = service.refit(ctx.session, ctx.store_id, today=today, origins=1, floor_origins=0)
    ctx.echo(f"demo: analytics {len(fitted)} daily forecasts of 8 weeks (store and floors)")
