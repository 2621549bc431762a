"""Tables of the assessment domain: the evidence register a manager fills in (F1, F3, M1), and the snapshots
of costly figures kept per data version (S6)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Index, String, UniqueConstraint
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


class AssessmentSnapshot(SQLModel, table=True):
    """An evaluator's costly figures over one window, kept with the version of the data they were read from.

    A snapshot is used only while the data's version is still ``data_version`` and the span asked ends at
    or after ``end_at`` and before ``valid_until`` (None: no later moment changes them), so the report always
    shows what the live data says; anything else recomputes and replaces it (S6 parity over 60,000 SKUs)."""

    __tablename__ = "assessment_snapshot"
    __table_args__ = (UniqueConstraint("store_id", "indicator", "span"),)

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    indicator: str = Field(max_length=8)
    span: str = Field(max_length=80)  # "<start>|<end>" or "<start>|now" for a span running to the moment asked
    data_version: str = Field(max_length=200)
    end_at: datetime = Field(sa_type=AwareDateTime)
    valid_until: datetime | None = Field(default=None, sa_type=AwareDateTime)
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    computed_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
