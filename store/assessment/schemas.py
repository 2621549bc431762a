"""Wire contract of the assessment API: the evidence register (F1, F3, M1) and the report query."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from store.assessment.models import EvidenceIndicator
from store.wire import Day, NotBool


class ReportFormat(StrEnum):
    json = "json"
    html = "html"
    pdf = "pdf"
    xlsx = "xlsx"


class ZoneSurveyIn(BaseModel):
    """One zone of the F1 coverage survey (网络通信设施); ``zone`` is the zone's code in the store."""

    zone: str = Field(min_length=1, max_length=32)
    wifi: bool
    wifi_stable: bool = False
    g5: bool
    g5_stable: bool = False
    other_signal: bool = False  # 4G or another mobile signal where 5G is missing
    wifi_dbm: Annotated[int, NotBool] | None = Field(default=None, ge=-120, le=0)
    g5_dbm: Annotated[int, NotBool] | None = Field(default=None, ge=-140, le=0)


class CoverageSurvey(BaseModel):
    """F1 网络通信设施: signals measured in every zone of the store on one day."""

    surveyed_on: Day
    zones: list[ZoneSurveyIn] = Field(min_length=1, max_length=2000)


class DataCenterRecord(BaseModel):
    """F3 数据中心: where the store's data lives (whether backups work, the system checks itself)."""

    kind: Literal["self_hosted", "cloud", "other"]
    provider: str = Field(default="", max_length=120)  # "阿里云 cn-shanghai", "own server room B1"
    database: str = Field(default="", max_length=120)


class OfficeRecord(BaseModel):
    """M1 智能办公: paperless office, and an office system that covers all business."""

    paperless: bool
    office_system: bool
    system_name: str = Field(default="", max_length=120)


PAYLOADS: dict[EvidenceIndicator, type[BaseModel]] = {
    EvidenceIndicator.F1: CoverageSurvey,
    EvidenceIndicator.F3: DataCenterRecord,
    EvidenceIndicator.M1: OfficeRecord,
}


class EvidenceCreate(BaseModel):
    """A new entry of the register; ``payload`` has the shape of the indicator's record above."""

    indicator: EvidenceIndicator
    payload: dict[str, Any]
    note: str = Field(default="", max_length=500)
    attachment_name: str | None = Field(default=None, max_length=255)


class EvidenceRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    indicator: EvidenceIndicator
    payload: dict[str, Any]
    note: str
    attachment_name: str | None
    recorded_by: str
    recorded_at: datetime
