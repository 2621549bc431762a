"""A file of many bad rows gives a short report: the first 1,000 rows listed, every bad row counted by reason."""

from __future__ import annotations

from store.imports.service import MAX_LISTED

ORDERS = "order_no,ordered_at,shop_code,channel,source,total_fen\n"


class TestManyBadRows:
    def test_the_report_lists_the_first_thousand_and_counts_all_by_reason(self, import_text):
        rows = [f"B{n},2025-05-01 10:00,NOPE{n},offline,own_till,1" for n in range(1500)]
        rows += [f"C{n},2025-05-01 10:00,CO01,offline,own_till,x{n}" for n in range(300)]

        report = import_text("orders", ORDERS + "\n".join(rows) + "\n", dry_run=True)

        assert (report.skipped, len(report.bad_rows)) == (1800, MAX_LISTED)
        assert [bad.row for bad in report.bad_rows[:2]] == [2, 3]
        assert report.bad_rows[-1].row == MAX_LISTED + 1
        assert dict(report.reasons) == {
            "shop_code: unknown shop … (import shops first)": 1500,
            "total_fen: … is not a whole number": 300,
        }
        lines = report.lines()
        assert len(lines) == 1 + MAX_LISTED + 1 + 2
        assert lines[MAX_LISTED + 1] == "… 800 more bad rows not listed; all bad rows by reason:"

    def test_the_json_report_carries_the_same_counts(self, import_text):
        rows = [f"B{n},2025-05-01 10:00,NOPE,offline,own_till,1" for n in range(1200)]

        report = import_text("orders", ORDERS + "\n".join(rows) + "\n", skip_bad=True, dry_run=True).as_dict()

        assert (report["skipped"], report["errors_listed"], len(report["errors"])) == (1200, 1000, 1000)  # type: ignore[arg-type]
        assert report["reasons"] == [{"reason": "shop_code: unknown shop … (import shops first)", "rows": 1200}]
