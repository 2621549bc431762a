"""Import kinds ``devices`` (the facilities register from a store's asset list) and ``surveys`` (WiFi / 5G
measurements per zone from a survey app's CSV, for F1 网络通信设施).

A device's code is its asset code and the key of the register: re-importing the same list changes
nothing, and a later list may move a device, rename it or mark it removed (``removed_on``), never change
its kind. A survey row is one measurement; the same measurement imported twice is stored once.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from sqlmodel import col, select

from store.clock import business_day, utcnow
from store.facilities import service as facilities_service
from store.facilities.models import FacilityDevice, FacilityKind, FacilitySurvey
from store.imports import cells
from store.imports.errors import RowError
from store.imports.kinds import Handler, Outcome, Parsed
from store.imports.readers import Row
from store.premises.models import Zone

DEVICE_KINDS: dict[str, str] = {
    **{kind.value: kind.value for kind in FacilityKind},
    "网络设备": "network",
    "传感器": "sensor",
    "摄像头": "camera",
    "导购屏": "kiosk",
    "显示屏": "screen",
    "虚拟试衣镜": "fitting_mirror",
    "虚拟试妆镜": "makeup_mirror",
    "智能试衣间": "fitting_room",
    "智能货架": "smart_shelf",
    "led触摸屏": "led_touch_screen",
    "LED触摸屏": "led_touch_screen",
    "自助设备": "self_service",
    "电表": "energy_meter",
    "能耗监测": "energy_meter",
    "空气监测": "air_quality",
    "电气监测": "electrical_monitor",
    "ip广播": "ip_broadcast",
    "IP广播": "ip_broadcast",
    "智能控电": "power_control",
}


def _zone_id(handler: Handler, row: Row, column: str, *, required: bool) -> int | None:
    code = cells.text(row, column, required=required, max_length=32)
    if not code:
        return None
    cache: dict[str, int | None] = handler.__dict__.setdefault("_zone_ids", {})
    if code not in cache:
        query = select(Zone.id).where(col(Zone.store_id) == handler.store_id, col(Zone.code) == code)
        cache[code] = handler.session.exec(query).first()
    if cache[code] is None:
        raise RowError(column, f"unknown zone {code!r} (import zones first)")
    return cache[code]


class DeviceRows(Handler):
    kind = "devices"
    required = ("device_code", "kind", "installed_on")
    optional = ("zone_code", "vendor", "name", "removed_on")

    def parse(self, row: Row) -> Parsed:
        code = cells.text(row, "device_code", max_length=40)
        if any(ch in code for ch in "/+#"):
            raise RowError("device_code", "must not contain '/', '+' or '#' (it names the device's MQTT topic)")
        installed, removed = cells.day(row, "installed_on"), cells.day(row, "removed_on", required=False)
        assert installed is not None
        if removed is not None and removed < installed:
            raise RowError("removed_on", f"{removed} is before installed_on {installed}")
        item = {
            "code": code,
            "kind": FacilityKind(cells.choice(row, "kind", DEVICE_KINDS, shown=[k.value for k in FacilityKind])),
            "zone_id": _zone_id(self, row, "zone_code", required=False),
            "vendor": cells.text(row, "vendor", required=False, max_length=80),
            "name": cells.text(row, "name", required=False, max_length=120),
            "installed_on": installed,
            "removed_on": removed,
        }
        return Parsed(row, code, item)

    def apply(self, parsed: Parsed) -> Outcome:
        data = parsed.item
        query = select(FacilityDevice).where(
            col(FacilityDevice.store_id) == self.store_id, col(FacilityDevice.code) == data["code"]
        )
        device = self.session.exec(query).first()
        if device is None:
            facilities_service.create_device(self.session, self.store_id, **data)
            return Outcome.imported
        if device.kind != data["kind"]:
            raise RowError("kind", f"device {device.code!r} is registered as {device.kind}, not {data['kind']}")
        changed = False
        for name in ("zone_id", "vendor", "name", "installed_on", "removed_on"):
            if getattr(device, name) != data[name]:
                setattr(device, name, data[name])
                changed = True
        if not changed:
            return Outcome.unchanged
        self.session.add(device)
        self.session.flush()
        return Outcome.imported


def _number(row: Row, column: str, low: float, high: float) -> float | None:
    raw = row.get(column).replace(",", "")
    if not raw:
        return None  # no signal found there
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise RowError(column, f"{raw!r} is not a number") from None
    if not value.is_finite() or not low <= value <= high:
        raise RowError(column, f"{raw} must lie between {low:g} and {high:g}")
    return float(value)


class SurveyRows(Handler):
    kind = "surveys"
    required = ("zone_code", "surveyed_on", "wifi_dbm", "wifi_mbps", "5g_dbm|g5_dbm", "5g_mbps|g5_mbps")
    optional = ("other_signal",)

    def parse(self, row: Row) -> Parsed:
        zone_id = _zone_id(self, row, "zone_code", required=True)
        on = cells.day(row, "surveyed_on")
        assert on is not None
        if on > business_day(utcnow(), self.store.timezone):
            raise RowError("surveyed_on", f"{on} is in the future")
        g5_dbm = "5g_dbm" if "5g_dbm" in row.values else "g5_dbm"
        g5_mbps = "5g_mbps" if "5g_mbps" in row.values else "g5_mbps"
        wifi_dbm, g5 = _number(row, "wifi_dbm", -140, 0), _number(row, g5_dbm, -140, 0)
        item = {
            "zone_id": zone_id,
            "surveyed_on": on,
            "wifi_dbm": None if wifi_dbm is None else round(wifi_dbm),
            "wifi_mbps": _number(row, "wifi_mbps", 0, 100_000),
            "g5_dbm": None if g5 is None else round(g5),
            "g5_mbps": _number(row, g5_mbps, 0, 100_000),
            "other_signal": cells.boolean(row, "other_signal", required=False),
        }
        return Parsed(row, tuple(item.values()), item)

    def apply(self, parsed: Parsed) -> Outcome:
        data = parsed.item
        query = select(FacilitySurvey.id).where(
            col(FacilitySurvey.store_id) == self.store_id,
            *(getattr(FacilitySurvey, name) == value for name, value in data.items()),
        )
        if self.session.exec(query).first() is not None:
            return Outcome.unchanged
        facilities_service.add_survey(
            self.session, self.store_id, recorded_by="import", source="csv", today=utcnow().date(), **data
        )
        return Outcome.imported
