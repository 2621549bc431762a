"""Tables of the assessment domain: the evidence register a manager fills in (F1, F3, M1)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Index, String
from sqlmodel import JSON, Column, Field, SQLModel

from store.clock import utcnow
from store.dbtypes import AwareDateTime


class EvidenceIndicator(StrEnum):
    """Indicators earned from recorded evidence rather than live data."""

    F1 = "F1"  # 网络通信设施: per-zone WiFi / 5G coverage survey
    F3 = "F3"  # 数据中心: where the data lives and whether backups run
    M1 = "M1"  # 智能办公: paperless office and an office system for all business


class AssessmentEvidence(SQLModel, table=True):
    """One entry of the register; the newest entry per indicator is the one the report uses."""

    __tablename__ = "assessment_evidence"
    __table_args__ = (Index("ix_assessment_evidence_store_indicator", "store_id", "indicator", "recorded_at"),)

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    indicator: EvidenceIndicator = Field(sa_type=String(8))
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    note: str = Field(default="", max_length=500)
    attachment_name: str | None = Field(default=None, max_length=255)  # e.g. the survey report's file name
    recorded_by: str = Field(max_length=120)
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
