"""Demo hook of members: about 200,000 members at scale 1.0, with tiers and consents as a mall has them.

Set-based: core ``executemany`` inserts in batches, ids assigned here (contiguous), no ORM objects. Runs
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

from sqlalchemy import func, insert, select

from store.config import get_settings
from store.members import rules
from store.members.models import Member, MemberConsent, TierRule

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
    key = hmac.new(get_settings().secret_key.encode(), b"smartstore.member-phone", hashlib.sha256).digest()
    end = datetime(ctx.end_on.year, ctx.end_on.month, ctx.end_on.day, 12, tzinfo=UTC)
    cuts = []
    share = 0.0
    for tier, part in TIER_SHARES:
        share += part
        cuts.append((int(count * share), tier))
    conn.execute(
        insert(TierRule.__table__),  # type: ignore[attr-defined]
        [
            {"store_id": store_id, "tier": t, "min_spend_fen": v, "updated_at": end}
            for t, v in rules.DEFAULT_THRESHOLDS.items()
        ],
    )
    members: list[dict[str, Any]] = []
    consents: list[dict[str, Any]] = []
    for i in range(count):
        member_id = first_id + i
        phone = f"{PREFIXES[i % len(PREFIXES)]}{(i * 7_919 + 13) % 10**8:08d}"
        tier = next((t for cut, t in cuts if i < cut), rules.BASIC)
        joined = end - timedelta(days=int(1_100 * rng.random() ** 0.7), minutes=rng.randrange(1_440))
        signed_in = end - timedelta(days=int(90 * rng.random() ** 2)) if rng.random() < 0.55 else None
        members.append(
            {
                "id": member_id,
                "store_id": store_id,
                "member_no": f"8{store_id % 100:02d}{i + 1:09d}",
                "phone_masked": f"{phone[:3]}****{phone[-4:]}",
                "phone_hash": hmac.new(key, phone.encode(), hashlib.sha256).hexdigest(),
                "tier": tier,
                "tier_since": (end - timedelta(days=rng.randrange(365))).date()
                if tier != rules.BASIC
                else joined.date(),
                "status": "active",
                "points_balance": 0,
                "display_name": "",
                "code_last_step": 0,
                "joined_at": joined,
                "created_at": joined,
                "last_sign_in_at": signed_in,
            }
        )
        for purpose, rate in CONSENT_RATES.items():
            if rng.random() < rate:
                consents.append(_consent(member_id, purpose, True, joined))
                if purpose == "marketing_push" and rng.random() < WITHDRAWN_MARKETING:
                    consents.append(_consent(member_id, purpose, False, joined + timedelta(days=rng.randrange(1, 200))))
        if len(members) >= BATCH:
            _flush(conn, members, consents)
    _flush(conn, members, consents)
    ctx.shared["members"] = {"first_id": first_id, "count": count}
    ctx.echo(f"demo: members    {count:,} members, tiers by spend rank, consents at mall rates")


def _consent(member_id: int, purpose: str, granted: bool, at: datetime) -> dict[str, Any]:
    return {
        "member_id": member_id,
        "purpose": purpose,
        "granted": granted,
        "text_version": "2025-06",
        "channel": "miniprogram",
        "recorded_at": at,
    }


def _flush(conn: Any, members: list[dict[str, Any]], consents: list[dict[str, Any]]) -> None:
    if members:
        conn.execute(insert(Member.__table__), members)  # type: ignore[attr-defined]
        members.clear()
    if consents:
        conn.execute(insert(MemberConsent.__table__), consents)  # type: ignore[attr-defined]
        consents.clear()
