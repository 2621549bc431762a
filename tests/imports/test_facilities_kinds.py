"""`devices` (the facilities register from an asset list) and `surveys` (a survey app's CSV, F1) files."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from store.facilities.models import FacilityDevice, FacilityKind, FacilitySurvey
from store.imports.errors import UnusableFile
from tests.imports.conftest import errors_of

ZONES = "zone_code,name,floor_code,kind\nE1,正门,1F,entrance\n"
DEVICES = "device_code,kind,zone_code,vendor,installed_on,removed_on\n"
SURVEYS = "zone_code,surveyed_on,wifi_dbm,wifi_mbps,5g_dbm,5g_mbps,other_signal\n"


class TestDevicesFile:
    def test_devices_are_registered_and_reimporting_changes_nothing(self, session, mall, import_text):
        import_text("zones", ZONES)
        text = DEVICES + "AQ-1,空气监测,E1,海康,2025-06-01,\nMIR-1,fitting_mirror,,魔镜,2025-07-01,\n"
        assert import_text("devices", text).imported == 2
        assert import_text("devices", text).unchanged == 2
        rows = session.exec(select(FacilityDevice).order_by(col(FacilityDevice.code))).all()
        assert [(d.code, d.kind, d.vendor) for d in rows] == [
            ("AQ-1", FacilityKind.air_quality, "海康"),
            ("MIR-1", FacilityKind.fitting_mirror, "魔镜"),
        ]

    def test_a_later_list_marks_a_device_removed_but_never_changes_its_kind(self, session, mall, import_text):
        import_text("devices", DEVICES + "AQ-1,air_quality,,海康,2025-06-01,\n")
        assert import_text("devices", DEVICES + "AQ-1,air_quality,,海康,2025-06-01,2025-09-30\n").imported == 1
        retyped = import_text("devices", DEVICES + "AQ-1,camera,,海康,2025-06-01,\n")
        assert errors_of(retyped) == ["row 2: kind: device 'AQ-1' is registered as air_quality, not camera"]

    def test_bad_rows_name_their_column_and_nothing_is_written(self, session, mall, import_text):
        report = import_text(
            "devices",
            DEVICES + "A/1,air_quality,,,2025-06-01,\nB1,toaster,,,2025-06-01,\nC1,camera,Z9,,2025-06-01,\n"
            "D1,camera,,,2025-06-01,2025-05-01\n",
        )
        assert errors_of(report) == [
            "row 2: device_code: must not contain '/', '+' or '#' (it names the device's MQTT topic)",
            "row 3: kind: 'toaster' is not one of " + ", ".join(k.value for k in FacilityKind),
            "row 4: zone_code: unknown zone 'Z9' (import zones first)",
            "row 5: removed_on: 2025-05-01 is before installed_on 2025-06-01",
        ]
        assert session.exec(select(FacilityDevice)).all() == []


class TestSurveysFile:
    def test_a_survey_app_csv_is_stored_once(self, session, mall, import_text):
        import_text("zones", ZONES)
        text = SURVEYS + "E1,2025-09-01,-58,120,-88,420,yes\nE1,2025-09-02,-61,,,,no\n"
        assert import_text("surveys", text).imported == 2
        assert import_text("surveys", text).unchanged == 2
        rows = session.exec(select(FacilitySurvey).order_by(col(FacilitySurvey.surveyed_on))).all()
        assert [(r.wifi_dbm, r.g5_dbm, r.g5_mbps, r.source) for r in rows] == [
            (-58, -88, 420.0, "csv"),
            (-61, None, None, "csv"),
        ]

    def test_wrong_columns_are_refused_with_the_expected_ones(self, session, mall, import_text):
        with pytest.raises(UnusableFile, match=r"missing column\(s\) zone_code, surveyed_on, wifi_dbm"):
            import_text("surveys", "zone,date,rssi\nE1,2025-09-01,-60\n")
        assert session.exec(select(FacilitySurvey)).all() == []

    def test_out_of_range_figures_are_bad_rows(self, session, mall, import_text):
        import_text("zones", ZONES)
        report = import_text("surveys", SURVEYS + "E1,2025-09-01,12,120,-88,420,yes\nE1,2099-01-01,-60,1,,,no\n")
        assert errors_of(report) == [
            "row 2: wifi_dbm: 12 must lie between -140 and 0",
            "row 3: surveyed_on: 2099-01-01 is in the future",
        ]
