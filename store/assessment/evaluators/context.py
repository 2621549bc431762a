"""What every evaluator gets: the store, the assessed period, and helpers to build a result row."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from store.assessment.report import INDICATORS_BY_ID, Figure, IndicatorResult
from store.assessment.rules import Score
from store.clock import month_key
from store.premises.models import Store


@dataclass(frozen=True)
class Period:
    """The assessed months; ``end`` stops at today when the last month has not finished yet."""

    first_month: date
    last_month: date
    start: date
    end: date
    today: date

    @property
    def label(self) -> str:
        """'2026-01..2026-10' — the period as the report states it."""
        return f"{month_key(self.first_month)}..{month_key(self.last_month)}"

    @property
    def days_label(self) -> str:
        """The exact days measured, marked when the period runs to today."""
        text = f"{self.start}..{self.end}"
        return text + "（截至今日 / to date）" if self.end == self.today else text


@dataclass
class EvalContext:
    session: Session
    store: Store
    period: Period
    now: datetime
    baseline: tuple[date, date] | None = None  # B1–B4 baseline months chosen (first days); None: the default
    cache: dict[str, Any] = field(default_factory=dict)  # facts several evaluators share (B1–B4)

    @property
    def store_id(self) -> int:
        return self.store.id  # type: ignore[return-value]


def figure(name: str, zh: str, en: str, value: int | float | str | None, unit: str, period: str, source: str) -> Figure:
    return Figure(name=name, label_zh=zh, label_en=en, value=value, unit=unit, period=period, source=source)


def result(
    indicator: str, score: Score, figures: list[Figure], *, status: str = "measured", reading: str = ""
) -> IndicatorResult:
    """A result row of ``indicator``; ``reading`` says how an open wording of Annex 4 was read."""
    spec = INDICATORS_BY_ID[indicator]
    points, rule, missing = score
    if reading:
        rule = f"{rule}；{reading}"
    return IndicatorResult(
        id=spec.id,
        group=spec.group,
        name_zh=spec.name_zh,
        name_en=spec.name_en,
        points=points,
        maximum=spec.maximum,
        status=status,
        rule=rule,
        figures=tuple(figures),
        missing=missing,
    )
