"""The rentals demo hook: stations, assets, 30 days of rentals with two out (one overdue), device usage through
the facilities' ingest; C4 then counts all five kinds. Cheap (a few hundred rows)."""

from __future__ import annotations

import random
import time
from datetime import timedelta
from types import SimpleNamespace

from store.clock import utcnow
from store.rentals import demo, service
from tests.factories.members import create_member
from tests.factories.premises import create_store


def test_the_demo_hook_earns_every_c4_kind_quickly(session):
    store = create_store(session)
    members = [create_member(session, store) for _ in range(5)]
    end = utcnow().date() - timedelta(days=1)
    ctx = SimpleNamespace(
        session=session,
        store_id=store.id,
        end_on=end,
        shared={"members": {"first_id": members[0].id, "count": 5}},
        rng=lambda name: random.Random(f"42:{name}"),
        echo=lambda _text: None,
    )
    started = time.perf_counter()
    demo.generate(ctx)
    took = time.perf_counter() - started
    now = utcnow()
    uses = service.usage_by_kind(session, store.id, now - timedelta(days=31), now)
    assert set(uses) == {"charging", "wheelchair", "stroller", "vending", "rental"}
    assert (
        len(service.overdue(session, store.id, now)) == 1
        and len(service.list_rentals(session, store.id, open_only=True)) == 2
    )
    print(f"rentals demo hook {took:.2f} s")
