"""``smartstore import members``: row errors with row numbers, all or nothing, re-import changes nothing,
tiers, and the opening point balance as one ledger entry with the old system's expiry."""

from __future__ import annotations

from datetime import date

from sqlmodel import func, select

from store.members.models import Member
from store.points.models import PointsEntry, PointsLot
from tests.imports.conftest import errors_of

HEADER = "member_no,phone,tier,joined_on,points,points_expire_on\n"
GOOD = (
    HEADER
    + "C001,13800000001,金卡,2023-04-01,1200,2027-12-31\n"
    + "C002,139-0000-0002,silver,,,\n"
    + "C003,+8613700000003,,2024/1/5,0,\n"
)


def members(session) -> list[Member]:
    return list(session.exec(select(Member).order_by(Member.member_no)))


class TestMembersFile:
    def test_members_arrive_with_tiers_masked_phones_and_their_opening_balance(self, session, mall, import_text):
        report = import_text("members", GOOD)
        assert report.imported == 3, errors_of(report)
        rows = members(session)
        assert [(m.member_no, m.tier, m.phone_masked) for m in rows] == [
            ("C001", "gold", "138****0001"),
            ("C002", "silver", "139****0002"),
            ("C003", "basic", "137****0003"),
        ]
        assert rows[0].joined_at.date() == date(2023, 4, 1) and rows[0].points_balance == 1200
        entry = session.exec(select(PointsEntry).where(PointsEntry.member_id == rows[0].id)).one()
        assert (entry.kind, entry.points) == ("adjust", 1200) and "C001" in entry.reason
        lot = session.exec(select(PointsLot).where(PointsLot.member_id == rows[0].id)).one()
        assert lot.expires_on == date(2027, 12, 31)

    def test_reimporting_the_file_changes_nothing(self, session, mall, import_text):
        import_text("members", GOOD)
        again = import_text("members", GOOD)
        assert (again.imported, again.unchanged) == (0, 3)
        assert session.exec(select(func.count()).select_from(PointsEntry)).one() == 1
        assert members(session)[0].points_balance == 1200

    def test_bad_rows_are_named_by_row_number_and_nothing_is_imported(self, session, mall, import_text):
        text = (
            HEADER
            + "C001,13800000001,金卡,2023-04-01,1200,2027-12-31\n"
            + "C002,12345,,,,\n"
            + "C003,13700000003,platinum,,,\n"
            + "C004,13700000004,,,-5,\n"
            + "C005,13700000005,,,100,2020-01-01\n"
            + "C006,13800000001,,,,\n"
        )
        report = import_text("members", text)
        assert errors_of(report) == [
            "row 3: phone: a mainland mobile number has 11 digits and starts with 13–19",
            "row 4: tier: 'platinum' is not one of basic, silver, gold, diamond",
            "row 5: points: must not be negative",
            "row 6: points_expire_on: the points expired on 2020-01-01: leave them out",
            "row 7: phone: this phone belongs to member 'C001' already",
        ]
        assert members(session) == [] and session.exec(select(func.count()).select_from(PointsEntry)).one() == 0

    def test_a_member_number_that_exists_with_another_phone_is_refused(self, session, mall, import_text):
        import_text("members", GOOD)
        report = import_text("members", HEADER + "C002,13900000099,silver,,,\n")
        assert errors_of(report) == ["row 2: member_no: member 'C002' exists with a different phone"]

    def test_orders_name_imported_members_by_their_number(self, session, mall, import_text):
        import_text("members", GOOD)
        orders = "order_no,ordered_at,shop_code,channel,source,member_no,total_fen\n"
        report = import_text("orders", orders + "A1,2025-07-01 10:30,CO01,线上,online_mall,C002,1000\n")
        assert report.imported == 1, errors_of(report)
        bad = import_text("orders", orders + "A2,2025-07-01 10:30,CO01,线上,online_mall,C999,1000\n")
        assert errors_of(bad) == ["row 2: member_no: unknown member 'C999' (import members first)"]

    def test_an_order_naming_a_member_id_of_no_member_is_a_row_error(self, session, mall, import_text):
        orders = "order_no,ordered_at,shop_code,channel,source,member_id,total_fen\n"
        report = import_text("orders", orders + "A1,2025-07-01 10:30,CO01,线上,online_mall,4242,1000\n")
        assert errors_of(report) == ["row 2: member_id: no member 4242 in this store (import members first)"]
