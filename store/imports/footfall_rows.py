"""Import kind ``footfall``: people counted per entrance and interval by the old counting system (B1 客流量)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from functools import partial

from sqlmodel import Session, col, select

from store.clock import business_day, utcnow
from store.footfall import rollups as footfall_rollups
from store.footfall import service as footfall_service
from store.footfall.models import FootfallCount
from store.footfall.schemas import FootfallBatch, IntervalIn
from store.imports import cells
from store.imports.errors import RowError
from store.imports.history_rows import HistoryHandler
from store.imports.kinds import Outcome, Parsed
from store.imports.premises_rows import floor_id_for
from store.imports.readers import Row
from store.premises import service as premises_service
from store.premises.models import Store, Zone, ZoneKind
from store.premises.schemas import ZoneCreate

# record_counts takes at most 5000 intervals per batch.
CHUNK = 2000


class FootfallRows(HistoryHandler):
    kind = "footfall"
    required = ("entrance_code", "interval_start", "interval_minutes", "count_in", "count_out")
    optional = ("floor_code",)
    rollups = footfall_rollups

    def __init__(self, session: Session, store: Store | None) -> None:
        super().__init__(session, store)
        self._new_entrances: dict[str, str] = {}  # entrance code → floor code, for entrances the file creates

    def parse(self, row: Row) -> Parsed:
        code = cells.text(row, "entrance_code", max_length=32)
        floor_code = cells.text(row, "floor_code", required=False, max_length=16)
        start = cells.moment(row, "interval_start", self.store.timezone)
        minutes = cells.integer(row, "interval_minutes", minimum=1, maximum=60)
        count_in = cells.integer(row, "count_in", minimum=0)
        count_out = cells.integer(row, "count_out", minimum=0)
        if start + timedelta(minutes=minutes) > utcnow():
            raise RowError("interval_start", "the interval ends in the future")
        zone = self._zone(code)
        if zone is not None and zone.kind != ZoneKind.entrance:
            raise RowError("entrance_code", f"zone {code!r} is a {zone.kind} zone, not an entrance")
        if zone is None:
            # A new entrance needs its floor once, on its first row in the file.
            floor_code = floor_code or self._new_entrances.get(code, "")
            if not floor_code:
                raise RowError("entrance_code", f"unknown entrance {code!r} (give floor_code to create it)")
            floor_id_for(self, floor_code)
            self._new_entrances.setdefault(code, floor_code)
        return Parsed(row, (code, start), (code, start, minutes, count_in, count_out))

    def _zone(self, code: str) -> Zone | None:
        return self.session.exec(select(Zone).where(Zone.store_id == self.store_id, Zone.code == code)).first()

    def business_on(self, parsed: Parsed) -> date:
        return business_day(parsed.item[1], self.store.timezone)

    def apply_rows(self, rows: list[Parsed]) -> Iterator[tuple[Row, Outcome | RowError]]:
        """Create the new entrances, skip intervals already counted alike, write the rest in batches."""
        zone_ids, refused = self._entrances({parsed.item[0] for parsed in rows})
        new: list[Parsed] = []
        stored = self._stored(rows, zone_ids)
        for parsed in rows:
            code, start, *counts = parsed.item
            if code in refused:
                yield parsed.row, refused[code]
            elif stored.get((zone_ids[code], start)) == tuple(counts):
                yield parsed.row, Outcome.unchanged
            else:
                new.append(parsed)
        yield from self.write_in_chunks(new, lambda chunk: self._record(chunk, zone_ids), size=CHUNK)

    def _entrances(self, codes: set[str]) -> tuple[dict[str, int], dict[str, RowError]]:
        zone_ids: dict[str, int] = {}
        refused: dict[str, RowError] = {}
        for code in sorted(codes):
            zone = self._zone(code)
            if zone is not None:
                zone_ids[code] = zone.id  # type: ignore[assignment]
                continue
            # An old counting system's entrance: created with its first interval.
            data = ZoneCreate(code=code, name=code, floor_code=self._new_entrances[code], kind=ZoneKind.entrance)
            created = self.guarded(partial(self._create_entrance, data, zone_ids))
            if isinstance(created, RowError):
                refused[code] = created
        return zone_ids, refused

    def _create_entrance(self, data: ZoneCreate, zone_ids: dict[str, int]) -> Outcome:
        zone = premises_service.create_zone(self.session, self.store_id, data)
        zone_ids[zone.code] = zone.id  # type: ignore[assignment]
        return Outcome.imported

    def _stored(self, rows: list[Parsed], zone_ids: dict[str, int]) -> dict[tuple[int, datetime], tuple[int, ...]]:
        if not rows or not zone_ids:
            return {}
        starts = [parsed.item[1] for parsed in rows]
        query = select(FootfallCount).where(
            FootfallCount.store_id == self.store_id,
            col(FootfallCount.zone_id).in_(list(zone_ids.values())),
            col(FootfallCount.interval_start).between(min(starts), max(starts)),
        )
        return {
            (row.zone_id, row.interval_start): (row.interval_minutes, row.count_in, row.count_out)
            for row in self.session.exec(query)
        }

    def _record(self, chunk: list[Parsed], zone_ids: dict[str, int]) -> None:
        intervals = [
            IntervalIn(
                zone_id=zone_ids[code],
                interval_start=start,
                interval_minutes=minutes,  # type: ignore[arg-type]
                count_in=count_in,
                count_out=count_out,
            )
            for code, start, minutes, count_in, count_out in (parsed.item for parsed in chunk)
        ]
        footfall_service.record_counts(self.session, self.store_id, FootfallBatch(intervals=intervals))
