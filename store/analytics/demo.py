"""Demo hook of analytics: one cheap fit so the forecast and profile pages have something to show at once.

The store series get a one-origin backtest; floors are fitted without one (the nightly job backtests every
series with three origins). Consumer groups are clustered over the demo's profiled members.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from store.analytics import profiles, service


def generate(ctx: Any) -> None:
    if ctx.store_id is None:
        return
    today = ctx.end_on + timedelta(days=1)
    fitted = service.refit(ctx.session, ctx.store_id, today=today, origins=1, floor_origins=0)
    grouped = profiles.cluster(ctx.session, ctx.store_id, today)
    ctx.echo(
        f"demo: analytics {len(fitted)} forecasts, {len(grouped.groups)} consumer groups of {grouped.members:,} members"
    )
