"""Demo hook of wayfinding: the map drawn from the premises (shops trading on the last demo day), a kiosk at
each entrance zone placed on its anchor, and the last 30 days of kiosk use and heartbeats (C1).

Deterministic from ``ctx.rng("wayfinding")``; events are written with one set-based insert.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import insert

from store.clock import utcnow
from store.wayfinding import service as wayfinding_service
from store.wayfinding.models import KioskEvent, KioskFunction

DAYS = 30
USES = (
    (KioskFunction.home, 60),
    (KioskFunction.floor_guide, 25),
    (KioskFunction.shop_guide, 18),
    (KioskFunction.search, 22),
    (KioskFunction.route, 12),
    (KioskFunction.promotions, 8),
)


def generate(ctx: Any) -> None:
    session, store_id, rng = ctx.session, ctx.store_id, ctx.rng("wayfinding")
    wayfinding_service.generate_from_premises(session, store_id, on=ctx.end_on)
    loaded = wayfinding_service.load(session, store_id)
    now = utcnow()
    kiosks = []
    for anchor in loaded.data.by_type.get("anchor", []):
        entrance = anchor["properties"].get("entrance")
        if not entrance:
            continue
        kiosk = wayfinding_service.save_kiosk(
            session,
            store_id,
            code=f"K-{entrance}"[:32],
            name=f"导购屏 {loaded.data.name(anchor)}",
            anchor_id=anchor["id"],
            at_main_entrance=True,
        )
        kiosk.last_beat_at = now - timedelta(seconds=rng.randint(5, 50))
        kiosks.append(kiosk)
    session.flush()
    rows: list[dict[str, Any]] = []
    for day in range(DAYS):
        on = now.date() - timedelta(days=day)
        for kiosk in kiosks:
            start = datetime.combine(on, time(2, 0), tzinfo=now.tzinfo)
            for hour in range(0, 12, 1):
                at = start + timedelta(hours=hour)
                if at < now:
                    rows.append({"store_id": store_id, "kiosk_id": kiosk.id, "function": "heartbeat", "at": at})
            for function, mean in USES:
                for _ in range(max(0, int(rng.gauss(mean / 3, mean / 10)))):
                    at = start + timedelta(seconds=rng.randint(0, 12 * 3600))
                    if at < now:
                        rows.append({"store_id": store_id, "kiosk_id": kiosk.id, "function": function.value, "at": at})
    if rows:
        session.execute(insert(KioskEvent.__table__), rows)  # type: ignore[attr-defined]
