"""Demo hook of the kpi domain: roll up the demo's sales and footfall (they were bulk-inserted)."""

from __future__ import annotations

from store.demo import DemoContext
from store.kpi import service as kpi_service


def generate(ctx: DemoContext) -> None:
    """Recompute every rollup of the demo store from the raw rows the sales and footfall hooks wrote."""
    if ctx.store_id is None:
        return
    kpi_service.rebuild(ctx.session, ctx.store_id)
