"""Tables of the facilities domain: the device register, IoT readings and their rollups, alerts, commands,
usage events of interactive devices and the per-zone network coverage surveys (F1, F5, C3).

Device codes are the store's own asset codes (``AC-1F-03``); MQTT topics name devices by that code.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, Index, String, UniqueConstraint
from sqlmodel import JSON, Column, Field, SQLModel

from store.clock import utcnow
from store.dbtypes import AwareDateTime


class FacilityKind(StrEnum):
    """What a registered device is (ISSUE 17 §1); the groups below decide which indicator it serves."""

    network = "network"  # AP, switch, 5G indoor cell
    sensor = "sensor"  # people counter, generic sensor
    camera = "camera"
    kiosk = "kiosk"
    screen = "screen"  # signage
    fitting_mirror = "fitting_mirror"  # 虚拟试衣镜
    makeup_mirror = "makeup_mirror"  # 虚拟试妆镜
    fitting_room = "fitting_room"  # 智能试衣间
    smart_shelf = "smart_shelf"  # 智能货架
    led_touch_screen = "led_touch_screen"  # 智能LED触摸互动屏
    self_service = "self_service"  # charging, lockers, vending
    energy_meter = "energy_meter"  # 能耗管理
    air_quality = "air_quality"  # 空气监测
    electrical_monitor = "electrical_monitor"  # 电气设备运行管理
    ip_broadcast = "ip_broadcast"  # IP 智能广播
    power_control = "power_control"  # 智能控电


# F5 智能运维设施: smart power control, IP broadcast, energy / air / electrical monitoring.
OM_KINDS = (
    FacilityKind.power_control,
    FacilityKind.ip_broadcast,
    FacilityKind.energy_meter,
    FacilityKind.air_quality,
    FacilityKind.electrical_monitor,
)
# C3 互动体验: one point per kind in use, max 5.
INTERACTIVE_KINDS = (
    FacilityKind.fitting_mirror,
    FacilityKind.makeup_mirror,
    FacilityKind.fitting_room,
    FacilityKind.smart_shelf,
    FacilityKind.led_touch_screen,
)


class FacilityDevice(SQLModel, table=True):
    """One registered device; ``last_heartbeat_at`` moves with every message the device sends."""

    __tablename__ = "facility_device"
    __table_args__ = (
        UniqueConstraint("store_id", "code"),
        CheckConstraint("removed_on IS NULL OR removed_on >= installed_on", name="removed_after_installed"),
        CheckConstraint("stale_after_s > 0", name="stale_after_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id", index=True)
    code: str = Field(max_length=40)
    name: str = Field(default="", max_length=120)
    kind: FacilityKind = Field(sa_type=String(24))
    zone_id: int | None = Field(default=None, foreign_key="zone.id", index=True)
    vendor: str = Field(default="", max_length=80)
    installed_on: date
    removed_on: date | None = None
    stale_after_s: int = 900  # silent longer than this: stale (never shown as a live value)
    last_heartbeat_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)


class FacilityReading(SQLModel, table=True):
    """One raw value (kept 90 days); a repeated (device, metric, time) is a redelivery and is ignored."""

    __tablename__ = "facility_reading"
    __table_args__ = (
        UniqueConstraint("device_id", "metric", "measured_at"),
        Index("ix_facility_reading_store_time", "store_id", "measured_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    device_id: int = Field(foreign_key="facility_device.id")
    metric: str = Field(max_length=24)
    measured_at: datetime = Field(sa_type=AwareDateTime)
    value: float


class RollupGrain(StrEnum):
    quarter = "15m"  # kept 3 years
    day = "day"  # the store's business day; kept forever


class FacilityRollup(SQLModel, table=True):
    """Count, sum, min and max of one metric of one device over a bucket (15 minutes or a business day)."""

    __tablename__ = "facility_rollup"
    __table_args__ = (
        UniqueConstraint("device_id", "metric", "grain", "bucket_start"),
        Index("ix_facility_rollup_store_grain", "store_id", "grain", "bucket_start"),
    )

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    device_id: int = Field(foreign_key="facility_device.id")
    metric: str = Field(max_length=24)
    grain: RollupGrain = Field(sa_type=String(4))
    bucket_start: datetime = Field(sa_type=AwareDateTime)
    samples: int
    total: float
    minimum: float
    maximum: float


class FacilityMeter(SQLModel, table=True):
    """An energy meter's last accepted cumulative total: deltas are computed here, resets and dips counted."""

    __tablename__ = "facility_meter"

    device_id: int = Field(foreign_key="facility_device.id", primary_key=True)
    total_kwh: float
    read_at: datetime = Field(sa_type=AwareDateTime)
    resets: int = 0
    glitches: int = 0


class AlertState(StrEnum):
    pending = "pending"  # over the limit, on-delay running (persisted: a restart keeps the timer)
    active = "active"
    cleared = "cleared"


class FacilityAlert(SQLModel, table=True):
    """One alert of one device and rule; at most one pending or active row per (device, rule)."""

    __tablename__ = "facility_alert"
    __table_args__ = (Index("ix_facility_alert_open", "store_id", "state"),)

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    device_id: int = Field(foreign_key="facility_device.id", index=True)
    rule: str = Field(max_length=24)  # a metric's threshold rule ("co2_ppm") or "silent"
    state: AlertState = Field(sa_type=String(10))
    since_at: datetime = Field(sa_type=AwareDateTime)  # first over the limit
    raised_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    cleared_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    peak: float | None = None
    limit: float | None = None
    acknowledged_by: str | None = Field(default=None, max_length=64)
    acknowledged_at: datetime | None = Field(default=None, sa_type=AwareDateTime)


class FacilityCommand(SQLModel, table=True):
    """A command published to a device (never retained), with who sent it; the device confirms it with an
    ``ack`` message (``FacilityCommandAck``), and one left unconfirmed past the timeout raises an alert."""

    __tablename__ = "facility_command"

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id", index=True)
    device_id: int = Field(foreign_key="facility_device.id")
    action: str = Field(max_length=32)
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    topic: str = Field(max_length=200)
    sent_by: str = Field(max_length=64)
    sent_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
    published: bool = False


class FacilityCommandAck(SQLModel, table=True):
    """A device's answer to a command sent to it, stored as it arrives: a device may answer before the
    command's own transaction has committed, so the ack is matched by (device, command id) when read, and
    an ack naming another device's command confirms nothing. The first answer stands (redeliveries)."""

    __tablename__ = "facility_command_ack"

    device_id: int = Field(foreign_key="facility_device.id", primary_key=True)
    command_id: int = Field(primary_key=True, sa_type=BigInteger)  # no foreign key: it may arrive first
    store_id: int = Field(foreign_key="store.id", index=True)
    acked_at: datetime = Field(sa_type=AwareDateTime)
    ok: bool  # done (True) or refused / failed (False)
    error: str = Field(default="", max_length=200)


class FacilityUsage(SQLModel, table=True):
    """One usage event of an interactive device (a fitting-mirror session, a shelf interaction)."""

    __tablename__ = "facility_usage"
    __table_args__ = (
        UniqueConstraint("device_id", "started_at"),
        CheckConstraint("duration_s >= 0", name="duration_not_negative"),
        Index("ix_facility_usage_store_time", "store_id", "started_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    device_id: int = Field(foreign_key="facility_device.id")
    kind: str = Field(max_length=24)  # "session", "interaction"
    started_at: datetime = Field(sa_type=AwareDateTime)
    duration_s: int = 0


class FacilityDeviceDay(SQLModel, table=True):
    """Messages a device sent on one business day: 'reporting' for F5, C3 and the integration status."""

    __tablename__ = "facility_device_day"
    __table_args__ = (Index("ix_facility_device_day_store", "store_id", "business_on"),)

    device_id: int = Field(foreign_key="facility_device.id", primary_key=True)
    business_on: date = Field(primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    messages: int


class FacilityIngestCount(SQLModel, table=True):
    """MQTT messages per business day and outcome (stored, unknown_device, bad_json, invalid, future...)."""

    __tablename__ = "facility_ingest_count"

    business_on: date = Field(primary_key=True)
    outcome: str = Field(max_length=24, primary_key=True)
    messages: int


class FacilitySurvey(SQLModel, table=True):
    """One WiFi / 5G measurement of one zone (F1 网络通信设施); the newest per zone is the one that counts."""

    __tablename__ = "facility_survey"
    __table_args__ = (
        Index("ix_facility_survey_zone", "store_id", "zone_id", "surveyed_on"),
        CheckConstraint("wifi_mbps IS NULL OR wifi_mbps >= 0", name="wifi_mbps_not_negative"),
        CheckConstraint("g5_mbps IS NULL OR g5_mbps >= 0", name="g5_mbps_not_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    zone_id: int = Field(foreign_key="zone.id")
    surveyed_on: date
    wifi_dbm: int | None = None  # None: no WiFi signal found
    wifi_mbps: float | None = None
    g5_dbm: int | None = None  # 5G RSRP; None: no 5G
    g5_mbps: float | None = None
    other_signal: bool = False  # 4G or other mobile signal
    source: str = Field(default="admin", max_length=16)  # "admin" or "csv"
    recorded_by: str = Field(max_length=64)
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
