"""Demo hook of members: about 200,000 members at scale 1.0, with tiers and consents as a mall has them.

Members go in with the driver's ``executemany`` in batches (ids assigned here, contiguous; no ORM objects nor
per-value type processing), consents with a few ``INSERT … SELECT`` over those rows. Runs
before sales (``registry.DOMAIN_ORDER``) and hands ``ctx.shared["members"] = {"first_id", "count"}`` to the
sales hook, whose orders name these members (the lowest numbers buy most, as in the sales profile), so the
tiers given here (highest for the lowest numbers) match the spending the orders show; the nightly tier
review (``store.members.jobs``) settles each member on the rule from then on.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, text

from store import driver_sql
from store.config import get_settings
from store.members import rules
from store.members.models import Member, TierRule

FULL_SCALE_MEMBERS = 200_000
BATCH = 20_000
# Share of members per tier, highest first (a department store's card base: few diamond, most basic).
TIER_SHARES = ((rules.DIAMOND, 0.006), (rules.GOLD, 0.035), (rules.SILVER, 0.13))
# Consent rates per purpose at sign-up, and the share who later withdrew marketing push.
CONSENT_RATES = {"marketing_push": 0.58, "profiling": 0.41, "brand_sharing": 0.16}
WITHDRAWN_MARKETING = 0.04
PREFIXES = ("135", "136", "137", "138", "139", "150", "151", "152", "158", "159", "186", "187", "188", "189")


def generate(ctx: Any) -> None:
    session, rng = ctx.session, ctx.rng("members")
    conn = session.connection()
    store_id = ctx.store_id
    count = max(200, round(FULL_SCALE_MEMBERS * ctx.options.scale))
    first_id = (session.execute(select(func.max(Member.id))).scalar() or 0) + 1
    keyed = hmac.new(get_settings().secret_key.encode(), b"smartstore.member-phone", hashlib.sha256).digest()
    base = hmac.new(keyed, digestmod=hashlib.sha256)
    end = datetime(ctx.end_on.year, ctx.end_on.month, ctx.end_on.day, 12, tzinfo=UTC)
    conn.execute(
        insert(TierRule.__table__),  # type: ignore[attr-defined]
        [
            {"store_id": store_id, "tier": t, "min_spend_fen": v, "updated_at": end}
            for t, v in rules.DEFAULT_THRESHOLDS.items()
        ],
    )
    cuts, share = [], 0.0
    for tier, part in TIER_SHARES:
        share += part
        cuts.append((int(count * share), tier))
    moment = _moment_text(conn.dialect.name)
    sql = _insert_sql(conn.dialect.paramstyle)
    rows: list[tuple[Any, ...]] = []
    for i in range(count):
        phone = f"{PREFIXES[i % len(PREFIXES)]}{(i * 7_919 + 13) % 10**8:08d}"
        digest = base.copy()
        digest.update(phone.encode())
        tier = next((t for cut, t in cuts if i < cut), rules.BASIC)
        joined = end - timedelta(days=int(1_100 * rng.random() ** 0.7), minutes=rng.randrange(1_440))
        signed_in = end - timedelta(days=int(90 * rng.random() ** 2)) if rng.random() < 0.55 else None
        since = (end - timedelta(days=rng.randrange(365))).date() if tier != rules.BASIC else joined.date()
        rows.append(
            (
                first_id + i,
                store_id,
                f"8{store_id % 100:02d}{i + 1:09d}",
                f"{phone[:3]}****{phone[-4:]}",
                digest.hexdigest(),
                tier,
                since.isoformat(),
                moment(joined),
                moment(signed_in) if signed_in else None,
                moment(joined),
            )
        )
        if len(rows) >= BATCH:
            conn.exec_driver_sql(sql, rows)  # no per-value type processing: half the hook's time otherwise
            rows.clear()
    if rows:
        conn.exec_driver_sql(sql, rows)
    _consents(conn, store_id, first_id)
    ctx.shared["members"] = {"first_id": first_id, "count": count}
    ctx.echo(f"demo: members    {count:,} members, tiers by spend rank, consents at mall rates")


def _moment_text(dialect: str) -> Any:
    """How a UTC time is written without SQLAlchemy's type: as AwareDateTime stores it on each backend
    (``isoformat`` of the naive UTC time: a third of the cost of ``strftime``)."""
    suffix = driver_sql.UTC_SUFFIX.get(dialect, "+00:00")
    return lambda at: at.replace(tzinfo=None).isoformat(" ", "microseconds") + suffix


def _insert_sql(paramstyle: str) -> str:
    columns = (
        "id, store_id, member_no, phone_masked, phone_hash, tier, tier_since, joined_at, last_sign_in_at, "
        "created_at, status, points_balance, display_name, code_last_step"
    )
    mark = "?" if paramstyle == "qmark" else "%s"
    values = ", ".join([mark] * 9)
    return f"INSERT INTO member ({columns}) VALUES ({values}, {mark}, 'active', 0, '', 0)"


def _consents(conn: Any, store_id: int, first_id: int) -> None:
    """Consents set-based from the member rows: a deterministic spread of ids at each purpose's rate; a
    share of the marketing grants withdrawn at the member's last sign-in (a later row: the one in force)."""
    spread = "((id * 2654435761) % 1000)"
    for n, (purpose, rate) in enumerate(CONSENT_RATES.items()):
        conn.execute(
            text(
                "INSERT INTO member_consent (member_id, purpose, granted, text_version, channel, recorded_at) "
                f"SELECT id, :purpose, TRUE, '2025-06', 'miniprogram', joined_at FROM member "
                f"WHERE store_id = :store AND id >= :first AND ({spread} + {n * 337}) % 1000 < :permille"
            ),
            {"purpose": purpose, "store": store_id, "first": first_id, "permille": int(rate * 1000)},
        )
    conn.execute(
        text(
            "INSERT INTO member_consent (member_id, purpose, granted, text_version, channel, recorded_at) "
            "SELECT id, 'marketing_push', FALSE, '2025-06', 'miniprogram', COALESCE(last_sign_in_at, joined_at) "
            f"FROM member WHERE store_id = :store AND id >= :first AND {spread} % 1000 < :granted "
            f"AND (CAST(id AS BIGINT) * 40503) % 1000 < :withdrawn"
        ),
        {
            "store": store_id,
            "first": first_id,
            "granted": int(CONSENT_RATES["marketing_push"] * 1000),
            "withdrawn": int(WITHDRAWN_MARKETING * 1000),
        },
    )
