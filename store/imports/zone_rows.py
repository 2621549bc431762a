"""Import kind ``zones``: the store's zones (entrances, atriums, selling floors…), so footfall files and
the F1 coverage survey can name them; today only the HTTP API could create them."""

from __future__ import annotations

from sqlmodel import select

from store.imports import cells
from store.imports.errors import RowError
from store.imports.kinds import Handler, Outcome, Parsed
from store.imports.premises_rows import floor_id_for, validated
from store.imports.readers import Row
from store.premises import service as premises_service
from store.premises.models import Zone, ZoneKind
from store.premises.schemas import ZoneCreate

ZONE_KINDS: dict[str, str] = {
    **{kind.value: kind.value for kind in ZoneKind},
    "出入口": "entrance",
    "入口": "entrance",
    "中庭": "atrium",
    "营业区": "selling",
    "卖场": "selling",
    "餐饮": "dining",
    "停车场": "parking",
    "服务": "service",
}


class ZoneRows(Handler):
    kind = "zones"
    required = ("zone_code", "name", "floor_code", "kind")

    def parse(self, row: Row) -> Parsed:
        data = {
            "code": cells.text(row, "zone_code", max_length=32),
            "name": cells.text(row, "name", max_length=80),
            "floor_code": cells.text(row, "floor_code", max_length=16),
            "kind": cells.choice(row, "kind", ZONE_KINDS, shown=[kind.value for kind in ZoneKind]),
        }
        zone: ZoneCreate = validated(ZoneCreate, data, {"code": "zone_code"})
        floor_id = floor_id_for(self, zone.floor_code)
        return Parsed(row, zone.code, (zone, floor_id))

    def apply(self, parsed: Parsed) -> Outcome:
        data, floor_id = parsed.item
        query = select(Zone).where(Zone.store_id == self.store_id, Zone.code == data.code)
        zone = self.session.exec(query).first()
        if zone is None:
            premises_service.create_zone(self.session, self.store_id, data)
            return Outcome.imported
        differs = [
            name
            for name, stored, wanted in (
                ("name", zone.name, data.name),
                ("floor_code", zone.floor_id, floor_id),
                ("kind", zone.kind, data.kind),
            )
            if stored != wanted
        ]
        if differs:
            # Zones are changed in the admin pages: an import never moves or renames one behind them.
            raise RowError("zone_code", f"zone {data.code!r} exists with a different {', '.join(differs)}")
        return Outcome.unchanged
