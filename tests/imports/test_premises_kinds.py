"""Importing the store itself from files: store, floors, shops and staff headcount."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from store.imports import service as imports_service
from store.premises import service as premises_service
from store.premises.models import Floor, StaffHeadcount, Store
from tests.imports.conftest import errors_of

SHOPS_HEADER = "shop_code,name,category,floor_code,selling_area_m2,opened_on,closed_on\n"
AREA_HEADER = "shop_code,name,category,floor_code,selling_area_m2,opened_on,closed_on,area_from\n"


def _areas(session, mall):
    """The cosmetics shop's area records as (from, m²)."""
    records = premises_service.area_records(session, mall.store.id, shop_id=mall.cosmetics.id)
    return [(r.effective_on, r.selling_area_m2) for r in records.get(mall.cosmetics.id, [])]


class TestStoreFile:
    def test_creates_a_store_with_its_timezone_and_upgrade_date_in_an_empty_store_list(self, session: Session):
        text = "code,name,name_en,timezone,smart_upgrade_on,address\nNEW9,新店,New,Asia/Urumqi,2025/7/1,路1号\n"
        report = imports_service.run_import(session, "store", text.encode(), "store.csv")
        store = premises_service.get_store_by_code(session, "NEW9")
        assert (report.imported, store.timezone, store.smart_upgrade_on) == (1, "Asia/Urumqi", date(2025, 7, 1))

    def test_changes_an_existing_store_by_code_and_leaves_absent_columns_alone(self, session, mall, import_text):
        report = import_text("store", "code,name,smart_upgrade_on\nIMP1,改名百货,2025-08-01\n")
        assert (report.imported, mall.store.name, mall.store.smart_upgrade_on) == (1, "改名百货", date(2025, 8, 1))
        assert mall.store.name_en.startswith("Test Store")

    def test_an_unknown_timezone_is_a_bad_row(self, import_text):
        report = import_text("store", "code,name,timezone\nIMP1,x,Mars/Olympus\n")
        assert errors_of(report) == [
            "row 2: timezone: unknown IANA timezone 'Mars/Olympus' (for example Asia/Shanghai)"
        ]


class TestFloorsFile:
    def test_creates_floors_and_reimporting_them_is_unchanged(self, session, mall, import_text):
        text = "floor_code,name,name_en,level\nB1,地下一层,Basement,-1\n2F,二层,Floor 2,2\n"
        first, second = import_text("floors", text), import_text("floors", text)
        assert (first.imported, second.imported, second.unchanged) == (2, 0, 2)
        codes = session.exec(select(Floor.code).where(Floor.store_id == mall.store.id).order_by(Floor.level))
        assert list(codes) == ["B1", "1F", "2F"]

    def test_a_renamed_floor_is_updated_in_place(self, session, mall, import_text):
        import_text("floors", "floor_code,name,name_en,level\n2F,二层,Floor 2,2\n")
        report = import_text("floors", "floor_code,name,name_en,level\n2F,二层女装,Floor 2 Women,2\n")
        assert (report.imported, report.unchanged) == (1, 0)
        floor = session.exec(select(Floor).where(Floor.store_id == mall.store.id, Floor.code == "2F")).one()
        assert (floor.name, floor.name_en) == ("二层女装", "Floor 2 Women")

    def test_a_level_that_is_not_a_number_is_a_bad_row(self, import_text):
        report = import_text("floors", "floor_code,name,level\n3F,三层,three\n")
        assert errors_of(report) == ["row 2: level: 'three' is not a whole number"]


class TestShopsFile:
    def test_creates_shops_with_areas_dates_and_a_category_given_by_its_chinese_label(self, session, mall, import_text):
        text = SHOPS_HEADER + (
            "RS01,外婆家,餐饮,1F,300.5,2025-05-01,\nWW09,例外,womenswear,1F,100,2019-01-01,2025-06-15\n"
        )
        report = import_text("shops", text)
        restaurant = premises_service.get_shop_by_code(session, mall.store.id, "RS01")
        closed = premises_service.get_shop_by_code(session, mall.store.id, "WW09")
        assert report.imported == 2
        assert (restaurant.category, restaurant.selling_area_m2, restaurant.closed_on) == ("restaurant", 300.5, None)
        assert closed.closed_on == date(2025, 6, 15)

    def test_a_changed_area_without_its_first_day_is_refused_and_history_kept(self, session, mall, import_text):
        text = SHOPS_HEADER + "CO01,{name},cosmetics,1F,{area},2020-01-01,\n"
        import_text("shops", text.format(name=mall.cosmetics.name, area=120))
        report = import_text("shops", text.format(name=mall.cosmetics.name, area=150))
        assert errors_of(report) == [
            "row 2: selling_area_m2: shop CO01 has 120 m² on record since 2020-01-01; to record a new area give "
            "area_from (its first day): the days before keep their area"
        ]
        assert _areas(session, mall) == [(date(2020, 1, 1), 120.0)]

    def test_an_area_from_a_day_keeps_the_days_before_and_reimporting_changes_nothing(self, session, mall, import_text):
        text = (
            AREA_HEADER
            + "CO01,{name},cosmetics,1F,120,2020-01-01,,\nCO01,{name},cosmetics,1F,90,2020-01-01,,2025-07-01\n"
        )
        first = import_text("shops", text.format(name=mall.cosmetics.name))
        again = import_text("shops", text.format(name=mall.cosmetics.name))
        assert _areas(session, mall) == [(date(2020, 1, 1), 120.0), (date(2025, 7, 1), 90.0)]
        assert (mall.cosmetics.selling_area_m2, first.imported, again.imported, again.unchanged) == (90.0, 1, 0, 2)

    def test_reimporting_the_old_shop_list_does_not_rewrite_the_area_history(self, session, mall, import_text):
        old_list = SHOPS_HEADER + f"CO01,{mall.cosmetics.name},cosmetics,1F,120,2020-01-01,\n"
        import_text("shops", old_list)
        import_text("shops", AREA_HEADER + f"CO01,{mall.cosmetics.name},cosmetics,1F,90,2020-01-01,,2025-07-01\n")
        report = import_text("shops", old_list)
        assert (report.imported, report.unchanged, errors_of(report)) == (0, 1, [])
        assert _areas(session, mall) == [(date(2020, 1, 1), 120.0), (date(2025, 7, 1), 90.0)]

    def test_a_new_shop_with_an_area_from_a_later_day_has_no_area_before_it(self, session, mall, import_text):
        import_text("shops", AREA_HEADER + "NEW1,新店,cosmetics,1F,50,2024-01-01,,2025-03-01\n")
        shop = premises_service.get_shop_by_code(session, mall.store.id, "NEW1")
        records = premises_service.area_records(session, mall.store.id, shop_id=shop.id)[shop.id]
        assert [(r.effective_on, r.selling_area_m2) for r in records] == [(date(2025, 3, 1), 50.0)]

    def test_every_bad_row_is_reported_with_its_row_number_and_reason(self, import_text):
        text = SHOPS_HEADER + (
            "OK01,好店,cosmetics,1F,50,2025-01-01,\n"
            "BAD1,坏店,cosmetics,1F,0,2025-01-01,\n"
            "BAD2,坏店,nonsense,1F,10,2025-01-01,\n"
            "BAD3,坏店,女装,9F,10,2025-01-01,\n"
            "BAD4,坏店,女装,1F,10,2025-13-01,\n"
            "BAD5,坏店,女装,1F,10,2025-01-01,2024-01-01\n"
            "OK01,重复,cosmetics,1F,50,2025-01-01,\n"
            "bad code!,坏店,cosmetics,1F,5,2025-01-01,\n"
            ",无编号,cosmetics,1F,5,2025-01-01,\n"
        )
        errors = errors_of(import_text("shops", text))
        assert errors[0] == "row 3: selling_area_m2: must be greater than 0"
        assert errors[1].startswith("row 4: category: 'nonsense' is not one of supermarket,")
        assert errors[2:] == [
            "row 5: floor_code: unknown floor '9F' (import floors first)",
            "row 6: opened_on: '2025-13-01' is not a date (use YYYY-MM-DD)",
            "row 7: closed_on: 2024-01-01 is before opened_on 2025-01-01",
            "row 8: same record as row 2",
            "row 9: shop_code: must start with a letter or digit and hold only letters, digits, '_', '.' and '-'",
            "row 10: shop_code: is required",
        ]


class TestStaffFile:
    def test_an_empty_shop_code_is_the_stores_own_staff(self, session, mall, import_text):
        report = import_text("staff", "shop_code,effective_on,headcount\n,2025-04-01,40\nCO01,2025-04-01,6\n")
        assert report.imported == 2
        assert premises_service.headcount_on(session, mall.store.id, date(2025, 5, 1)) == 46

    def test_reimporting_the_same_headcount_is_unchanged_and_a_new_figure_replaces_it(self, session, mall, import_text):
        import_text("staff", "shop_code,effective_on,headcount\n,2025-04-01,40\n")
        same = import_text("staff", "shop_code,effective_on,headcount\n,2025-04-01,40\n")
        changed = import_text("staff", "shop_code,effective_on,headcount\n,2025-04-01,38\n")
        rows = session.exec(select(StaffHeadcount).where(StaffHeadcount.store_id == mall.store.id)).all()
        assert (same.unchanged, changed.imported, [r.headcount for r in rows]) == (1, 1, [38])

    def test_a_negative_headcount_or_unknown_shop_is_a_bad_row(self, import_text):
        report = import_text("staff", "shop_code,effective_on,headcount\n,2025-04-01,-3\nXX,2025-04-01,3\n")
        assert errors_of(report) == [
            "row 2: headcount: must not be negative",
            "row 3: shop_code: unknown shop 'XX' (import shops first)",
        ]


class TestApiManagerImportsOwnStoreOnly:
    def test_a_store_file_may_only_touch_the_managers_store(self, session, mall, import_text):
        report = import_text("store", "code,name\nOTHER,别家\n", restrict_store_code="IMP1")
        assert errors_of(report) == ["row 2: code: you may import only your own store (IMP1)"]
        assert session.exec(select(Store).where(Store.code == "OTHER")).first() is None


class TestFileFormats:
    def test_an_excel_workbook_with_date_and_number_cells_imports_shops(self, session, mall):
        from tests.imports.test_readers import xlsx

        content = xlsx(
            [
                ["shop_code", "name", "category", "floor_code", "selling_area_m2", "opened_on", "closed_on"],
                ["XL01", "表格店", "珠宝", "1F", 80.5, date(2024, 3, 1), None],
            ]
        )
        report = imports_service.run_import(session, "shops", content, "shops.xlsx", store_id=mall.store.id)
        shop = premises_service.get_shop_by_code(session, mall.store.id, "XL01")
        assert (report.imported, shop.category, shop.selling_area_m2, shop.opened_on) == (
            1,
            "jewellery",
            80.5,
            date(2024, 3, 1),
        )

    def test_a_csv_with_a_byte_order_mark_imports_like_one_without(self, mall, import_text):
        report = import_text("floors", "\ufefffloor_code,name,level\n5F,五层,5\n", encoding="utf-8")
        assert (report.imported, report.skipped) == (1, 0)

    def test_a_gb18030_csv_from_chinese_excel_imports_its_chinese_names(self, session, mall, import_text):
        import_text("floors", "floor_code,name,level\n6F,六层,6\n", encoding="gb18030")
        assert premises_service.get_floor_by_code(session, mall.store.id, "6F").name == "六层"
