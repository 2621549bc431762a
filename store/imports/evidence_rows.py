"""Import kind ``evidence``: entries of the assessment's evidence register (F1 网络通信设施, F3 数据中心,
M1 智能办公) from a file, as a manager records them over the API.

F1 rows are one zone of a coverage survey each; the rows of one ``surveyed_on`` make one survey entry.
F3 and M1 rows are one entry each. An entry equal to one already in the register is ``unchanged``, so
re-importing a file adds nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from store.assessment import service as assessment_service
from store.assessment.models import EvidenceIndicator
from store.assessment.schemas import PAYLOADS, EvidenceCreate
from store.errors import StoreError
from store.imports import cells
from store.imports.errors import RowError
from store.imports.kinds import Handler, Outcome, Parsed
from store.imports.premises_rows import validated
from store.imports.readers import Row

INDICATORS = {indicator.value.lower(): indicator.value for indicator in EvidenceIndicator}
DATA_CENTERS = {"self_hosted": "self_hosted", "cloud": "cloud", "other": "other", "自建": "self_hosted", "云": "cloud"}


def _f1(row: Row) -> tuple[Any, dict[str, Any]]:
    day = cells.day(row, "surveyed_on")
    zone = {
        "zone": cells.text(row, "zone_code", max_length=32),
        "wifi": cells.boolean(row, "wifi"),
        "wifi_stable": cells.boolean(row, "wifi_stable", required=False),
        "g5": cells.boolean(row, "g5"),
        "g5_stable": cells.boolean(row, "g5_stable", required=False),
        "other_signal": cells.boolean(row, "other_signal", required=False),
    }
    for name, lowest in (("wifi_dbm", -120), ("g5_dbm", -140)):
        if row.get(name):
            zone[name] = cells.integer(row, name, minimum=lowest, maximum=0)
    return day, zone


def _f3(row: Row) -> dict[str, Any]:
    return {
        "kind": cells.choice(row, "data_center", DATA_CENTERS, shown=["self_hosted", "cloud", "other"]),
        "provider": cells.text(row, "provider", required=False),
        "database": cells.text(row, "database", required=False),
        "backups_ok": cells.boolean(row, "backups_ok"),
        "last_backup_on": cells.day(row, "last_backup_on", required=False),
    }


def _m1(row: Row) -> dict[str, Any]:
    return {
        "paperless": cells.boolean(row, "paperless"),
        "office_system": cells.boolean(row, "office_system"),
        "system_name": cells.text(row, "system_name", required=False),
    }


class EvidenceRows(Handler):
    kind = "evidence"
    required = ("indicator",)
    optional = (
        "surveyed_on",
        "zone_code",
        "wifi",
        "wifi_stable",
        "g5",
        "g5_stable",
        "other_signal",
        "wifi_dbm",
        "g5_dbm",
        "data_center",
        "provider",
        "database",
        "backups_ok",
        "last_backup_on",
        "paperless",
        "office_system",
        "system_name",
        "note",
    )
    recorded_by = "import"

    def parse(self, row: Row) -> Parsed:
        indicator = cells.choice(row, "indicator", INDICATORS, shown=list(INDICATORS.values()))
        note = cells.text(row, "note", required=False, max_length=500)
        if indicator == "F1":
            day, zone = _f1(row)
            return Parsed(row, ("F1", day, zone["zone"]), ("F1", day, zone, note))
        payload = _f3(row) if indicator == "F3" else _m1(row)
        validated(PAYLOADS[EvidenceIndicator(indicator)], payload, {"kind": "data_center"})
        return Parsed(row, (indicator, row.number), (indicator, None, payload, note))

    def apply_all(self, rows: list[Parsed]) -> Iterator[tuple[Row, Outcome | RowError]]:
        """One entry per F3/M1 row and per F1 survey day, each in its own savepoint."""
        entries: dict[Any, list[Parsed]] = {}
        for parsed in rows:
            indicator, day, _, _ = parsed.item
            entries.setdefault((indicator, day) if indicator == "F1" else parsed.key, []).append(parsed)
        for group in entries.values():
            outcome = self.guarded(lambda group=group: self._record(group))  # type: ignore[misc]
            yield from ((parsed.row, outcome) for parsed in group)

    def _record(self, group: list[Parsed]) -> Outcome:
        indicator, day, payload, note = group[0].item
        if indicator == "F1":
            payload = {"surveyed_on": day, "zones": [parsed.item[2] for parsed in group]}
            note = next((parsed.item[3] for parsed in group if parsed.item[3]), "")
        schema = PAYLOADS[EvidenceIndicator(indicator)]
        wanted = schema.model_validate(payload).model_dump(mode="json")
        stored = assessment_service.list_evidence(self.session, self.store_id, indicator=EvidenceIndicator(indicator))
        if any(entry.payload == wanted and entry.note == note for entry in stored):
            return Outcome.unchanged
        data = EvidenceCreate(indicator=EvidenceIndicator(indicator), payload=wanted, note=note)
        try:
            assessment_service.record_evidence(self.session, self.store_id, data, recorded_by=self.recorded_by)
        except StoreError as exc:
            raise RowError("", exc.message) from None
        return Outcome.imported
