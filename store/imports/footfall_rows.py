"""Import kind ``footfall``: people counted per entrance by the old counting system (B1 客流量).

A row is an interval (``interval_start`` + ``interval_minutes``, up to an hour) or a whole business day
(``business_on``: what an old people counter exports as its daily total). An entrance the store does not
have is a bad row; with ``create_entrances`` it is created (on ``floor_code``) and the report says so.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from sqlmodel import Session, col, select

from store.clock import business_day, day_bounds_utc
from store.footfall import bulk as footfall_bulk
from store.footfall.models import FootfallCount
from store.imports import cells
from store.imports.errors import RowError
from store.imports.history_rows import HistoryHandler
from store.imports.kinds import Outcome, Parsed
from store.imports.premises_rows import floor_id_for, validated
from store.imports.readers import Row
from store.premises import service as premises_service
from store.premises.models import Store, Zone, ZoneKind
from store.premises.schemas import ZoneCreate


class FootfallRows(HistoryHandler):
    kind = "footfall"
    required = ("entrance_code", "interval_start|business_on", "count_in", "count_out")
    optional = ("interval_minutes", "floor_code")

    def __init__(self, session: Session, store: Store | None) -> None:
        super().__init__(session, store)
        self.create_entrances = False
        self._zones: dict[str, Zone | None] = {}
        self.new_entrances: dict[str, str] = {}  # entrance code → floor code, for entrances the file creates

    def parse(self, row: Row) -> Parsed:
        code = cells.text(row, "entrance_code", max_length=32)
        start, minutes, day = self._interval(row)
        count_in = cells.integer(row, "count_in", minimum=0, maximum=2**31 - 1)
        count_out = cells.integer(row, "count_out", minimum=0, maximum=2**31 - 1)
        if start + timedelta(minutes=minutes) > self.now:
            raise RowError(
                "business_on" if row.get("business_on") else "interval_start", "the interval ends in the future"
            )
        zone = self._zone(code)
        if zone is not None and zone.kind != ZoneKind.entrance:
            raise RowError("entrance_code", f"zone {code!r} is a {zone.kind} zone, not an entrance")
        if zone is None:
            self._new_entrance(row, code)
        item = {
            "zone_code": code,
            "zone_id": zone.id if zone is not None else None,
            "interval_start": start,
            "interval_minutes": minutes,
            "business_on": day,
            "count_in": count_in,
            "count_out": count_out,
        }
        return Parsed(row, (code, start), item)

    def _interval(self, row: Row) -> tuple[Any, int, Any]:
        """(start, minutes, business day): an interval of up to an hour, or a whole business day."""
        timezone = self.timezone
        if row.get("interval_start"):
            start = cells.moment(row, "interval_start", timezone)
            minutes = cells.integer(row, "interval_minutes", minimum=1, maximum=60)
            return start, minutes, business_day(start, timezone)
        day = cells.day(row, "business_on")
        if row.get("interval_minutes"):
            raise RowError("interval_minutes", "leave it empty on a whole-day row (business_on)")
        start, end = day_bounds_utc(day, timezone)  # type: ignore[arg-type]
        return start, int((end - start).total_seconds() // 60), day

    def _zone(self, code: str) -> Zone | None:
        if code not in self._zones:
            query = select(Zone).where(Zone.store_id == self.store_id, Zone.code == code)
            self._zones[code] = self.session.exec(query).first()
        return self._zones[code]

    def _new_entrance(self, row: Row, code: str) -> None:
        if not self.create_entrances:
            raise RowError("entrance_code", f"unknown entrance {code!r} (import zones first, or create it on import)")
        # A new entrance needs its floor once, on its first row in the file.
        floor_code = cells.text(row, "floor_code", required=False, max_length=16) or self.new_entrances.get(code, "")
        if not floor_code:
            raise RowError("entrance_code", f"unknown entrance {code!r} (give floor_code to create it)")
        floor_id_for(self, floor_code)
        data = {"code": code, "name": code, "floor_code": floor_code, "kind": ZoneKind.entrance}
        validated(ZoneCreate, data, {"code": "entrance_code"})
        self.new_entrances.setdefault(code, floor_code)

    def notes(self) -> list[str]:
        return [f"entrance {code} created on floor {floor}" for code, floor in sorted(self.new_entrances.items())]

    def open(self) -> None:
        footfall_bulk.open_stage(self.session)

    def close(self) -> None:
        footfall_bulk.close_stage(self.session)

    def check(self, chunk: list[Parsed]) -> Iterator[tuple[Row, Outcome | RowError]]:
        stored = self._stored(chunk)
        new = []
        for parsed in chunk:
            item = parsed.item
            counts = (item["interval_minutes"], item["count_in"], item["count_out"])
            if stored.get((item["zone_id"], item["interval_start"])) == counts:
                yield parsed.row, Outcome.unchanged
            else:
                new.append(item)
                yield parsed.row, Outcome.imported
        footfall_bulk.stage_rows(self.session, new)

    def _stored(self, chunk: list[Parsed]) -> dict[tuple[int, Any], tuple[int, ...]]:
        zone_ids = {parsed.item["zone_id"] for parsed in chunk} - {None}
        if not zone_ids:
            return {}
        starts = [parsed.item["interval_start"] for parsed in chunk]
        query = select(  # type: ignore[call-overload]
            FootfallCount.zone_id,
            FootfallCount.interval_start,
            FootfallCount.interval_minutes,
            FootfallCount.count_in,
            FootfallCount.count_out,
        ).where(
            FootfallCount.store_id == self.store_id,
            col(FootfallCount.zone_id).in_(zone_ids),
            col(FootfallCount.interval_start).between(min(starts), max(starts)),
        )
        return {(row[0], row[1]): tuple(row[2:]) for row in self.session.exec(query)}

    def write(self) -> None:
        for code, floor_code in sorted(self.new_entrances.items()):
            data = ZoneCreate(code=code, name=code, floor_code=floor_code, kind=ZoneKind.entrance)
            zone = premises_service.create_zone(self.session, self.store_id, data)
            footfall_bulk.set_staged_zone(self.session, code, zone.id)  # type: ignore[arg-type]
        footfall_bulk.upsert_staged_counts(self.session, self.store_id)
