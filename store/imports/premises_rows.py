"""Import kinds that describe the store itself: store, floors, shops, staff headcount."""

from __future__ import annotations

from typing import Any, cast

from pydantic import BaseModel, ValidationError
from sqlmodel import col, select

from store.imports import cells
from store.imports.errors import RowError
from store.imports.kinds import Handler, Outcome, Parsed
from store.imports.readers import Row
from store.premises import service as premises_service
from store.premises.categories import CATEGORIES
from store.premises.errors import FloorNotFound, ShopNotFound, StoreNotFound
from store.premises.models import Floor, Shop, StaffHeadcount, Store
from store.premises.schemas import FloorCreate, FloorUpdate, ShopCreate, ShopUpdate, StoreCreate, StoreUpdate

# Category spellings a tenant list may use: the code, the Chinese label or the English name.
CATEGORY_SPELLINGS: dict[str, str] = {
    spelling: code for code, (zh, en) in CATEGORIES.items() for spelling in (code, zh, en.lower())
}


def validated(schema: type[BaseModel], data: dict[str, Any], columns: dict[str, str] | None = None) -> Any:
    """``schema(**data)``, turning pydantic's first complaint into a RowError on the file's column."""
    try:
        return schema(**data)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else ""
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] == "string_pattern_mismatch":
            message = "must start with a letter or digit and hold only letters, digits, '_', '.' and '-'"
        message = message.replace("Input should be", "must be").replace("String should", "must")
        raise RowError((columns or {}).get(field, field), message) from None


def _present(row: Row, names: tuple[str, ...]) -> list[str]:
    """Optional columns the file has: only those are changed on an existing record."""
    return [name for name in names if name in row.values]


class StoreRows(Handler):
    kind = "store"
    required = ("code", "name")
    optional = ("name_en", "timezone", "smart_upgrade_on", "address")
    needs_store = False

    def __init__(self, session: Any, store: Store | None) -> None:
        super().__init__(session, store)
        self.last_store_id: int | None = None

    def batch_store_id(self) -> int | None:
        return self.last_store_id

    def parse(self, row: Row) -> Parsed:
        data: dict[str, Any] = {"code": cells.text(row, "code", max_length=32), "name": cells.text(row, "name")}
        if self.restrict_store_code is not None and data["code"] != self.restrict_store_code:
            raise RowError("code", f"you may import only your own store ({self.restrict_store_code})")
        for column in _present(row, self.optional):
            if column == "smart_upgrade_on":
                data[column] = cells.day(row, column, required=False)
            elif column == "timezone":
                data[column] = cells.text(row, column, required=False, max_length=64) or "Asia/Shanghai"
            else:
                data[column] = cells.text(row, column, required=False, max_length=255)
        validated(StoreCreate, data)
        return Parsed(row, data["code"], data)

    def apply(self, parsed: Parsed) -> Outcome:
        data = parsed.item
        try:
            store = premises_service.get_store_by_code(self.session, data["code"])
        except StoreNotFound:
            store = premises_service.create_store(self.session, StoreCreate(**data))
            self.last_store_id = store.id
            return Outcome.imported
        self.last_store_id = store.id
        changes = {key: value for key, value in data.items() if key != "code" and getattr(store, key) != value}
        if not changes:
            return Outcome.unchanged
        premises_service.update_store(self.session, store.id, StoreUpdate(**changes))  # type: ignore[arg-type]
        return Outcome.imported


class FloorRows(Handler):
    kind = "floors"
    required = ("floor_code", "name", "level")
    optional = ("name_en",)

    def parse(self, row: Row) -> Parsed:
        data = {
            "code": cells.text(row, "floor_code", max_length=16),
            "name": cells.text(row, "name", max_length=80),
            "name_en": cells.text(row, "name_en", required=False, max_length=80),
            "level": cells.integer(row, "level", minimum=-10, maximum=200),
        }
        floor = validated(FloorCreate, data, {"code": "floor_code"})
        return Parsed(row, floor.code, floor)

    def apply(self, parsed: Parsed) -> Outcome:
        data: FloorCreate = parsed.item
        try:
            floor = premises_service.get_floor_by_code(self.session, self.store_id, data.code)
        except FloorNotFound:
            premises_service.create_floor(self.session, self.store_id, data)
            return Outcome.imported
        changes = {k: v for k, v in data.model_dump(exclude={"code"}).items() if getattr(floor, k) != v}
        if not changes:
            return Outcome.unchanged
        premises_service.update_floor(self.session, self.store_id, cast(int, floor.id), FloorUpdate(**changes))
        return Outcome.imported


class ShopRows(Handler):
    """Shops, and their selling area from a day on: the area is a dated record (坪效 uses the area open each
    day), so a changed area needs ``area_from`` and re-importing an old list never rewrites history. A shop
    may take several rows, one per ``area_from``, to give its area history."""

    kind = "shops"
    required = ("shop_code", "name", "category", "floor_code", "selling_area_m2", "opened_on")
    optional = ("name_en", "tenant", "closed_on", "area_from")
    _columns = {"code": "shop_code"}

    def parse(self, row: Row) -> Parsed:
        data: dict[str, Any] = {
            "code": cells.text(row, "shop_code", max_length=32),
            "name": cells.text(row, "name"),
            "category": cells.choice(row, "category", CATEGORY_SPELLINGS, shown=list(CATEGORIES)),
            "floor_code": cells.text(row, "floor_code", max_length=16),
            "selling_area_m2": cells.positive_decimal(row, "selling_area_m2"),
            "opened_on": cells.day(row, "opened_on"),
        }
        for column in _present(row, self.optional):
            data[column] = (
                cells.day(row, column, required=False)
                if column in ("closed_on", "area_from")
                else cells.text(row, column, required=False)
            )
        if data.get("closed_on") and data["closed_on"] < data["opened_on"]:
            raise RowError("closed_on", f"{data['closed_on']} is before opened_on {data['opened_on']}")
        try:
            floor = premises_service.get_floor_by_code(self.session, self.store_id, data["floor_code"])
        except FloorNotFound:
            raise RowError("floor_code", f"unknown floor {data['floor_code']!r} (import floors first)") from None
        validated(ShopCreate, data, self._columns)
        return Parsed(row, (data["code"], data.get("area_from")), (data, floor.id))

    def apply(self, parsed: Parsed) -> Outcome:
        data, floor_id = parsed.item
        try:
            shop = premises_service.get_shop_by_code(self.session, self.store_id, data["code"])
        except ShopNotFound:
            premises_service.create_shop(self.session, self.store_id, ShopCreate(**data))
            return Outcome.imported
        area, area_from = data["selling_area_m2"], data.get("area_from")
        fields = {key: value for key, value in data.items() if key not in ("selling_area_m2", "area_from")}
        current = {key: getattr(shop, key) for key in fields if key not in ("code", "floor_code")}
        changes = {key: value for key, value in fields.items() if key in current and current[key] != value}
        if shop.floor_id != floor_id:
            changes["floor_code"] = data["floor_code"]
        area_changed = self._area_changes(shop, area, area_from)
        if changes:
            premises_service.update_shop(self.session, self.store_id, shop.id, ShopUpdate(**changes))  # type: ignore[arg-type]
        if area_changed:
            shop_id = cast(int, shop.id)
            premises_service.set_area(
                self.session, self.store_id, shop_id, effective_on=area_from, selling_area_m2=area
            )
        return Outcome.imported if changes or area_changed else Outcome.unchanged

    def _area_changes(self, shop: Shop, area: float, area_from: Any) -> bool:
        """Whether the row records a new area. Without ``area_from`` an area the shop has on record (now or
        before, as in an old list) changes nothing, and any other is refused: the file cannot say from which
        day it holds, and re-importing a list must never rewrite the shop's history."""
        records = premises_service.area_records(self.session, self.store_id, shop_id=shop.id).get(shop.id or 0, [])
        if area_from is None:
            if area == shop.selling_area_m2 or any(r.selling_area_m2 == area for r in records):
                return False
            since = records[-1].effective_on if records else shop.opened_on
            raise RowError(
                "selling_area_m2",
                f"shop {shop.code} has {shop.selling_area_m2:g} m² on record since {since}; to record a new area "
                "give area_from (its first day): the days before keep their area",
            )
        same_day = next((r for r in records if r.effective_on == area_from), None)
        if same_day is not None:
            return same_day.selling_area_m2 != area
        return premises_service.area_in_effect(records, area_from) != area


class StaffRows(Handler):
    kind = "staff"
    required = ("shop_code", "effective_on", "headcount")

    def parse(self, row: Row) -> Parsed:
        code = cells.text(row, "shop_code", required=False, max_length=32)
        effective_on = cells.day(row, "effective_on")
        headcount = cells.integer(row, "headcount", minimum=0, maximum=100_000)
        shop_id = shop_id_for(self, code) if code else None  # empty: the store's own staff
        return Parsed(row, (code, effective_on), (shop_id, effective_on, headcount))

    def apply(self, parsed: Parsed) -> Outcome:
        shop_id, effective_on, headcount = parsed.item
        query = select(StaffHeadcount).where(
            StaffHeadcount.store_id == self.store_id,
            StaffHeadcount.effective_on == effective_on,
            col(StaffHeadcount.shop_id).is_(None) if shop_id is None else StaffHeadcount.shop_id == shop_id,
        )
        existing = self.session.exec(query).first()
        if existing is not None and existing.headcount == headcount:
            return Outcome.unchanged
        premises_service.set_headcount(
            self.session, self.store_id, shop_id=shop_id, effective_on=effective_on, headcount=headcount
        )
        return Outcome.imported


def shop_id_for(handler: Handler, code: str, column: str = "shop_code") -> int:
    """The id of the shop with ``code`` in the handler's store (cached per file)."""
    cache: dict[str, int] = handler.__dict__.setdefault("_shop_ids", {})
    if code not in cache:
        shop = handler.session.exec(select(Shop).where(Shop.store_id == handler.store_id, Shop.code == code)).first()
        if shop is None:
            raise RowError(column, f"unknown shop {code!r} (import shops first)")
        cache[code] = shop.id  # type: ignore[assignment]
    return cache[code]


def floor_id_for(handler: Handler, code: str, column: str = "floor_code") -> int:
    floor = handler.session.exec(select(Floor).where(Floor.store_id == handler.store_id, Floor.code == code)).first()
    if floor is None:
        raise RowError(column, f"unknown floor {code!r} (import floors first)")
    return floor.id  # type: ignore[return-value]
