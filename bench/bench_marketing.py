"""Marketing figures: segment evaluation over 200,000 members, the weekly push prepared for a 100,000-member
segment, and coupon redemption by 50 concurrent tills (zero double redemptions).

    .venv/bin/python bench/bench_marketing.py [--db-url URL] [--members 200000] [--segment 100000]
                                              [--coupons 4000] [--tills 50] [--quick]

Without ``--db-url`` a fresh SQLite file ``var/bench/marketing.db`` is used; a PostgreSQL URL must name an
existing database, which is emptied (its schema dropped) and migrated. ``--quick`` runs a tenth of everything.
Printed (wall seconds, and the CPU time of this process beside them: the database server's own CPU on
PostgreSQL is not in it; on SQLite the engine runs in this process):

* segments: ``segments.preview`` (size and consenting, one query each) for four rule sets over all members,
  seconds each;
* push: ``push.prepare_week`` for a segment of ``--segment`` members who all consented (channel grants: app,
  subscription, official account, SMS, none), seconds, and ``push.dispatch_due`` for the week, seconds;
* redemption: ``--coupons`` claimed coupons, each sent by two of ``--tills`` threads at once (each thread its
  own connection and transaction, as tills posting at the same moment): redemptions per second, refusals,
  and double redemptions (must be 0).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _fresh(url: str | None) -> str:
    if url is None:
        path = ROOT / "var" / "bench" / "marketing.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    os.environ["SMARTSTORE_DATABASE_URL"] = url
    from sqlalchemy import text

    from store import config, db, migrate

    config.get_settings.cache_clear()
    db.dispose_engines()
    engine = db.get_engine()
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    migrate.upgrade(engine)
    return url


def _world(members: int, segment: int) -> tuple[int, int]:
    """A store, a shop, ``members`` members (the first ``segment`` of them silver, all with consents and RFM
    scores), bulk-loaded."""
    from sqlalchemy import insert, text

    from store.db import unit_of_work
    from store.marketing.models import ChannelGrant, RfmScore
    from store.members.models import Member, MemberConsent
    from store.premises.models import Floor, Shop, Store

    with unit_of_work() as session:
        store = Store(code="MKT", name="营销压测", name_en="Bench", timezone="Asia/Shanghai")
        session.add(store)
        session.flush()
        floor = Floor(store_id=store.id, code="1F", name="1层", name_en="1F", level=1)  # type: ignore[arg-type]
        session.add(floor)
        session.flush()
        shop = Shop(
            store_id=store.id,  # type: ignore[arg-type]
            floor_id=floor.id,  # type: ignore[arg-type]
            code="S1",
            name="店",
            name_en="Shop",
            category="sports",
            selling_area_m2=100,
            opened_on=date(2020, 1, 1),
        )
        session.add(shop)
        session.flush()
        conn = session.connection()
        now = datetime.now(UTC)
        rows = [
            {
                "id": i + 1,
                "store_id": store.id,
                "member_no": f"B{i:09d}",
                "phone_masked": f"138****{i % 10000:04d}",
                "tier": "silver" if i < segment else ("gold" if i % 7 == 0 else "basic"),
                "status": "active",
                "points_balance": 0,
                "joined_at": now,
                "created_at": now,
                "display_name": "",
                "code_last_step": 0,
                "birthday": date(1990, 1 + i % 12, 1 + i % 28),
            }
            for i in range(members)
        ]
        for i in range(0, members, 20_000):
            conn.execute(insert(Member.__table__), rows[i : i + 20_000])  # type: ignore[attr-defined]
        sql = (
            "INSERT INTO member_consent (member_id, purpose, granted, text_version, channel, recorded_at) "
            "SELECT id, :purpose, :granted, 'b', 'miniprogram', joined_at FROM member WHERE store_id = :store"
        )
        conn.execute(text(sql), {"purpose": "marketing_push", "granted": True, "store": store.id})
        conn.execute(text(sql + " AND id % 3 = 0"), {"purpose": "profiling", "granted": True, "store": store.id})
        conn.execute(
            text(sql + " AND id > :segment AND id % 5 = 0"),
            {"purpose": "marketing_push", "granted": False, "store": store.id, "segment": segment},
        )
        del MemberConsent
        scores = [
            {
                "member_id": i + 1,
                "store_id": store.id,
                "recency_days": i % 400,
                "frequency": 1 + i % 30,
                "monetary_fen": (i * 7919) % 2_000_000,
                "r": 1 + i % 5,
                "f": 1 + (i // 5) % 5,
                "m": 1 + (i // 25) % 5,
                "label": ("champions", "loyal", "at_risk", "lost")[i % 4],
                "top_category": ("sports", "cosmetics", "kids")[i % 3],
                "computed_on": now.date(),
            }
            for i in range(members)
        ]
        for i in range(0, members, 20_000):
            conn.execute(insert(RfmScore.__table__), scores[i : i + 20_000])  # type: ignore[attr-defined]
        channels = ("app", "miniprogram", "official_account", "sms", None)
        grants = [
            {
                "store_id": store.id,
                "member_id": i + 1,
                "channel": channels[i % 5],
                "remaining": 3,
                "opted_out": False,
                "updated_at": now,
            }
            for i in range(segment)
            if channels[i % 5]
        ]
        for i in range(0, len(grants), 20_000):
            conn.execute(insert(ChannelGrant.__table__), grants[i : i + 20_000])  # type: ignore[attr-defined]
        return store.id, shop.id  # type: ignore[return-value]


def bench_segments(store_id: int) -> None:
    from store.db import unit_of_work
    from store.marketing import segments
    from store.marketing.schemas import SegmentRules

    cases = {
        "tier silver": SegmentRules(tiers=["silver"]),
        "spend >= ¥5,000, 10+ visits": SegmentRules(min_spend_fen=500_000, min_frequency=10),
        "lapsed 180+ days, birthday in March": SegmentRules(min_recency_days=180, birthday_month=3),
        "champions or loyal, sports": SegmentRules(rfm_labels=["champions", "loyal"], categories=["sports"]),
    }
    with unit_of_work() as session:
        for name, data in cases.items():
            started, cpu = time.perf_counter(), time.process_time()
            found = segments.preview(session, store_id, data)
            took, cpu = time.perf_counter() - started, time.process_time() - cpu
            print(
                f"segment  {name:<40} {found.size:>8,} members {found.consenting:>8,} consenting  {took:6.2f} s "
                f"(CPU {cpu * 1000:,.0f} ms in this process)"
            )


def bench_push(store_id: int) -> None:
    from store.db import WRITE_INTENT, get_engine, unit_of_work
    from store.marketing import push, rules, segments, service
    from store.marketing.schemas import CampaignCreate, PushPlanCreate, SegmentCreate, SegmentRules

    monday = rules.week_monday(date.today())
    with unit_of_work(get_engine().execution_options(**{WRITE_INTENT: True})) as session:
        campaign = service.create_campaign(
            session, store_id, CampaignCreate(name="周报", starts_on=monday, ends_on=monday + timedelta(days=30))
        )
        segment = segments.create(session, store_id, SegmentCreate(name="银卡", rules=SegmentRules(tiers=["silver"])))
        plan = push.create_plan(
            session,
            store_id,
            PushPlanCreate(
                campaign_id=campaign.id,  # type: ignore[arg-type]
                segment_id=segment.id,  # type: ignore[arg-type]
                title="周报",
                body="本周会员日",
                personal_body="为喜欢{category}的您精选",
            ),
        )
        at = rules.scheduled_at(monday, 0, 10, "Asia/Shanghai")
        started, cpu = time.perf_counter(), time.process_time()
        run = push.prepare_week(session, store_id, plan.id, monday, now=at)  # type: ignore[arg-type]
        prepared, prepared_cpu = time.perf_counter() - started, time.process_time() - cpu
        started, cpu = time.perf_counter(), time.process_time()
        sent = push.dispatch_due(session, store_id, now=at + timedelta(hours=1))
        dispatched, dispatched_cpu = time.perf_counter() - started, time.process_time() - cpu
        again = time.perf_counter()
        rerun = push.prepare_week(session, store_id, plan.id, monday, now=at)  # type: ignore[arg-type]
        rerun_s = time.perf_counter() - again
    print(
        f"push     prepare {run.segment_size:,} members: {prepared:6.2f} s (CPU {prepared_cpu * 1000:,.0f} ms; "
        f"{run.queued:,} queued, {run.skipped:,} no lawful channel); dispatch {sent:,} sent: {dispatched:6.2f} s "
        f"(CPU {dispatched_cpu * 1000:,.0f} ms); "
        f"re-run prepared again: {not rerun.already_prepared} ({rerun_s:.2f} s)"
    )


def bench_redemption(store_id: int, shop_id: int, coupons: int, tills: int) -> None:
    from sqlalchemy import func, select
    from sqlalchemy.exc import OperationalError

    from store.db import WRITE_INTENT, get_engine, unit_of_work
    from store.errors import StoreError
    from store.marketing import service
    from store.marketing.models import CouponIssue, Redemption
    from store.marketing.schemas import CampaignCreate, CouponCreate, RedemptionCreate

    now = datetime.now(UTC)
    with unit_of_work() as session:
        campaign = service.create_campaign(
            session, store_id, CampaignCreate(name="券", starts_on=now.date(), ends_on=now.date() + timedelta(days=9))
        )
        coupon = service.create_coupon(
            session,
            store_id,
            CouponCreate(
                campaign_id=campaign.id,  # type: ignore[arg-type]
                name="满100减20",
                kind="amount",  # type: ignore[arg-type]
                amount_off_fen=2_000,
                threshold_fen=10_000,
                total_quantity=coupons,
                valid_from=now - timedelta(days=1),
                valid_until=now + timedelta(days=9),
            ),
        )
        codes = [service.claim(session, store_id, i + 1, coupon.id).code for i in range(coupons)]  # type: ignore[arg-type]
    engine = _pool_for(get_engine(), tills).execution_options(**{WRITE_INTENT: True})

    busy = []

    def till(code: str) -> str:
        data = RedemptionCreate(code=code, shop_id=shop_id, basket_fen=15_000)
        for _attempt in range(10):  # a till answered 503 (database busy) retries, as the POS agent does
            try:
                with unit_of_work(engine) as session:
                    service.redeem(session, store_id, data)
                return "ok"
            except StoreError as error:
                return error.type
            except OperationalError:
                busy.append(code)
        return "busy"

    attempts = [code for code in codes for _ in range(2)]  # every coupon sent by two tills at once
    started, cpu = time.perf_counter(), time.process_time()
    with ThreadPoolExecutor(max_workers=tills) as pool:
        outcomes = list(pool.map(till, attempts))
    took, cpu = time.perf_counter() - started, time.process_time() - cpu
    with unit_of_work() as session:
        rows = session.execute(select(func.count()).select_from(Redemption)).scalar_one()
        doubled = session.execute(
            select(func.count()).select_from(
                select(Redemption.issue_id).group_by(Redemption.issue_id).having(func.count() > 1).subquery()
            )
        ).scalar_one()
        redeemed = session.execute(select(func.count()).where(CouponIssue.status == "redeemed")).scalar_one()
    ok = outcomes.count("ok")
    print(
        f"redeem   {len(attempts):,} attempts by {tills} tills in {took:.2f} s (CPU {cpu * 1000:,.0f} ms, all "
        f"threads): {ok / took:,.0f} redemptions/s, "
        f"{ok:,} ok, {len(attempts) - ok:,} refused ({sorted(set(outcomes) - {'ok'})}), "
        f"{rows:,} redemption rows for {redeemed:,} coupons, double redemptions: {doubled}; "
        f"{len(busy):,} retries after 'database busy'"
    )


def _pool_for(engine, tills: int):  # type: ignore[no-untyped-def]
    """The engine with one pooled connection per till (the app's pool is sized for a server's threads, and 50
    tills queueing for 15 connections on a loaded machine time out in the pool, not in the database)."""
    from sqlalchemy.pool import QueuePool

    pool = engine.pool
    engine.pool = QueuePool(
        pool._creator,
        pool_size=tills,
        max_overflow=0,
        timeout=600,
        recycle=pool._recycle,
        reset_on_return=pool._reset_on_return,
        _dispatch=pool.dispatch,
        dialect=pool._dialect,
    )
    return engine


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db-url")
    parser.add_argument("--members", type=int, default=200_000)
    parser.add_argument("--segment", type=int, default=100_000)
    parser.add_argument("--coupons", type=int, default=4_000)
    parser.add_argument("--tills", type=int, default=50)
    parser.add_argument("--quick", action="store_true", help="a tenth of everything")
    args = parser.parse_args()
    if args.quick:
        args.members, args.segment, args.coupons = args.members // 10, args.segment // 10, args.coupons // 10
    url = _fresh(args.db_url)
    started = time.perf_counter()
    store_id, shop_id = _world(args.members, args.segment)
    print(f"setup    {args.members:,} members on {url.split(':')[0]} in {time.perf_counter() - started:.1f} s")
    bench_segments(store_id)
    bench_push(store_id)
    bench_redemption(store_id, shop_id, args.coupons, args.tills)


if __name__ == "__main__":
    main()
