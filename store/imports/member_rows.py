"""Import kind ``members``: a store's members from its old CRM, with their tier and opening point balance.

The phone is read, hashed with the server's key and masked; the full number is not kept. The opening
balance becomes one ``adjust`` entry of the points ledger (``store.points.service.open_balance``) carrying
the old system's expiry date. Re-importing the same file finds every member as it is and changes nothing;
a member number that exists with another phone, tier or join date is refused (changed in the admin pages,
never behind them by a file).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import select

from store.imports import cells
from store.imports.errors import RowError
from store.imports.kinds import Handler, Outcome, Parsed
from store.imports.readers import Row
from store.members import phones, rules
from store.members.errors import InvalidPhone
from store.members.models import Member
from store.points import service as points_service

TIERS: dict[str, str] = {
    **{tier: tier for tier in rules.TIERS},
    **{zh: tier for tier, (zh, _en) in rules.TIER_NAMES.items()},
    "普通卡": rules.BASIC,
    "普通会员": rules.BASIC,
}
POINTS_MAX = 100_000_000


class MemberRows(Handler):
    kind = "members"
    required = ("member_no", "phone")
    optional = ("tier", "joined_on", "display_name", "points", "points_expire_on")

    def parse(self, row: Row) -> Parsed:
        member_no = cells.text(row, "member_no", max_length=32)
        try:
            phone = phones.normalise(row.get("phone"))
        except InvalidPhone as exc:
            raise RowError("phone", exc.message) from None  # the number itself is not repeated
        tier = cells.choice(row, "tier", TIERS, required=False, default=rules.BASIC, shown=list(rules.TIERS))
        joined_on = cells.day(row, "joined_on", required=False)
        today = datetime.now(UTC).date()
        if joined_on is not None and joined_on > today:
            raise RowError("joined_on", f"{joined_on} is in the future")
        points = cells.integer(row, "points", minimum=0, maximum=POINTS_MAX, required=False)
        expires_on = cells.day(row, "points_expire_on", required=False)
        if points and expires_on is not None and expires_on <= today:
            raise RowError("points_expire_on", f"the points expired on {expires_on}: leave them out")
        item = {
            "member_no": member_no,
            "phone_hash": phones.phone_hash(phone),
            "phone_masked": phones.mask(phone),
            "tier": tier,
            "joined_on": joined_on,
            "display_name": cells.text(row, "display_name", required=False, max_length=40),
            "points": points,
            "expires_on": expires_on,
        }
        return Parsed(row, member_no, item)

    def apply(self, parsed: Parsed) -> Outcome:
        item = parsed.item
        query = select(Member).where(Member.store_id == self.store_id, Member.member_no == item["member_no"])
        member = self.session.exec(query).first()
        if member is not None:
            differs = [
                name
                for name, stored, wanted in (
                    ("phone", member.phone_hash, item["phone_hash"]),
                    ("tier", member.tier, item["tier"]),
                    ("joined_on", member.joined_at.date(), item["joined_on"] or member.joined_at.date()),
                )
                if stored != wanted
            ]
            if differs:
                raise RowError(
                    "member_no", f"member {item['member_no']!r} exists with a different {', '.join(differs)}"
                )
            return Outcome.unchanged
        taken = select(Member.member_no).where(
            Member.store_id == self.store_id, Member.phone_hash == item["phone_hash"]
        )
        if (other := self.session.exec(taken).first()) is not None:
            raise RowError("phone", f"this phone belongs to member {other!r} already")
        joined = _noon(item["joined_on"]) if item["joined_on"] else datetime.now(UTC)
        member = Member(
            store_id=self.store_id,
            member_no=item["member_no"],
            phone_hash=item["phone_hash"],
            phone_masked=item["phone_masked"],
            tier=item["tier"],
            tier_since=joined.date(),
            display_name=item["display_name"],
            joined_at=joined,
        )
        self.session.add(member)
        self.session.flush()
        points_service.open_balance(
            self.session,
            member_id=member.id,  # type: ignore[arg-type]
            points=item["points"],
            expires_on=item["expires_on"],
            source=f"import members: {item['member_no']}",
        )
        return Outcome.imported


def _noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 4, tzinfo=UTC)  # 12:00 in China, the same calendar day
