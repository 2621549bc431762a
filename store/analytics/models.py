"""Tables of the analytics domain: stored forecasts (with their backtest) and consumer group profiles.

Pages read what the nightly job stored; nothing is fitted while a page waits (S10 大数据应用服务).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from store.clock import utcnow
from store.dbtypes import AwareDateTime


class ForecastSeries(SQLModel, table=True):
    """The latest forecast of one daily series: the whole store or one floor, revenue (fen) or footfall.

    ``points`` holds ``[day, mean, lower, upper]`` per forecast day; the MAPE figures come from a rolling-origin
    backtest of the same model and of the seasonal-naive baseline (same weekday a week before) on the history."""

    __tablename__ = "analytics_forecast"
    __table_args__ = (UniqueConstraint("store_id", "scope", "metric"),)

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    scope: str = Field(sa_type=String(20))  # "store" or "floor:<id>"
    floor_id: int | None = Field(default=None, foreign_key="floor.id")
    metric: str = Field(sa_type=String(20))  # "revenue" (fen) or "footfall" (people in)
    model: str = Field(sa_type=String(80))
    history_from: date
    history_to: date
    made_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
    fit_ms: int = 0
    level: int = 80  # prediction interval, per cent
    origins: int = 0  # backtest origins (0: history too short to backtest)
    model_mape: float | None = None  # per cent, over the backtest's days
    naive_mape: float | None = None
    points: list[Any] = Field(default_factory=list, sa_type=JSON)


class ProfileGroup(SQLModel, table=True):
    """One consumer group of the latest clustering, with its generated description and its averages."""

    __tablename__ = "analytics_profile_group"
    __table_args__ = (UniqueConstraint("store_id", "group_no"),)

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    group_no: int
    members: int
    name_zh: str = Field(max_length=80)
    name_en: str = Field(max_length=120)
    description_zh: str = Field(max_length=300)
    description_en: str = Field(max_length=400)
    traits: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)  # the group's averages and top categories
    made_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)


class MemberProfile(SQLModel, table=True):
    """Which group a member fell in at the latest clustering (members who consented to profiling only)."""

    __tablename__ = "analytics_member_profile"
    __table_args__ = (
        UniqueConstraint("member_id"),
        Index("ix_analytics_member_profile_store_group", "store_id", "group_no"),
    )

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="store.id")
    member_id: int = Field(foreign_key="member.id")
    group_no: int
