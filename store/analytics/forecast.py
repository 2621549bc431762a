"""Daily forecasts with a kept library (statsmodels ETS), Chinese holiday regressors and a backtest.

The model, on log(1 + y): holiday effects first, by least squares on regressors for the official days off
(store.workdays: 国务院办公厅 notices), the weekend days worked (调休上班), the week before 春节 and the two
shopping festivals (618, 双11), fitted beside weekday dummies, a trend and a yearly wave so they do not
take those effects; then statsmodels' ETSModel (additive error, damped additive trend, additive weekly
season) on the series with the holiday effects taken out; the forecast puts them back for the days ahead.
Prediction intervals are the ETS model's, shifted by the same effects and mapped back through the log.
The baseline is seasonal-naive: the same weekday a week before. MAPE is reported only for whole-store and
floor days (per-item MAPE misleads, research C(b) 6). SARIMAX with the same regressors was tried first: six
times the CPU for no better backtest on the demo (bench/bench_analytics.py).

CPU-heavy: never called inside an ``async`` route; the nightly job and the demo hook call it.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from store import workdays

MODEL_NAME = "ETS(A,Ad,A)7 on log + holiday regression (statsmodels)"
SEASON = 7
HORIZON = 56  # eight weeks
LEVEL = 80  # per cent
# Shopping festivals by (month, first day, last day): not days off, but days that trade like them.
FESTIVALS = {"618": (6, 12, 18), "double_11": (11, 8, 11)}
GOLDEN_WEEKS = ("劳动", "国庆")  # the long days off of May and October
SPRING = "春节"
SPRING_FIRST_DAYS = 4  # the first days off of 春节, when many shoppers are away or at home
REGRESSORS = (
    "golden_week",
    "short_holiday",
    "spring_festival_first_days",
    "spring_festival_later_days",
    "before_spring_festival",
    "make_up_workday",
    *FESTIVALS,
)


@dataclass(frozen=True)
class Forecast:
    days: list[date]
    mean: list[float]
    lower: list[float]
    upper: list[float]


@dataclass(frozen=True)
class Backtest:
    origins: int
    model_mape: float | None  # per cent
    naive_mape: float | None
    fit_ms: int  # wall time of the backtest's fits


def _spring_festival_firsts() -> list[date]:
    """The first day off of each 春节 in the official calendar."""
    firsts: dict[int, date] = {}
    for day, name in workdays.HOLIDAYS.items():
        if SPRING in name and (day.year not in firsts or day < firsts[day.year]):
            firsts[day.year] = day
    return list(firsts.values())


def day_kind(day: date, firsts: Sequence[date] = ()) -> str | None:
    """Which of ``REGRESSORS`` a day is (one at most), or None for an ordinary day."""
    name = workdays.holiday_name(day)
    if name and SPRING in name:
        first = max((f for f in firsts if f <= day), default=day)
        return "spring_festival_first_days" if (day - first).days < SPRING_FIRST_DAYS else "spring_festival_later_days"
    if name:
        return "golden_week" if any(g in name for g in GOLDEN_WEEKS) else "short_holiday"
    if day in workdays.MAKE_UP_DAYS:
        return "make_up_workday"
    if any(0 < (f - day).days <= 7 for f in firsts):
        return "before_spring_festival"
    for key, (month, first_day, last_day) in FESTIVALS.items():
        if day.month == month and first_day <= day.day <= last_day:
            return key
    return None


def regressors(days: Sequence[date]) -> np.ndarray:
    """One row per day: the columns of ``REGRESSORS`` as 0/1."""
    firsts = _spring_festival_firsts()
    kinds = [day_kind(day, firsts) for day in days]
    return np.asarray([[1.0 if kind == key else 0.0 for key in REGRESSORS] for kind in kinds], dtype=float)


def _usable(matrix: np.ndarray) -> list[int]:
    """Regressor columns that vary in the history (an effect never seen cannot be estimated)."""
    return [i for i in range(matrix.shape[1]) if matrix[:, i].max() > matrix[:, i].min()]


def _design(days: Sequence[date], holidays: np.ndarray) -> np.ndarray:
    """Holiday columns first, then what must not be mistaken for them: weekday dummies, trend, yearly wave."""
    t = np.arange(len(days), dtype=float) / 365.0
    weekday = np.array([[1.0 if d.weekday() == k else 0.0 for k in range(1, 7)] for d in days])
    doy = np.array([d.timetuple().tm_yday for d in days], dtype=float) * 2 * np.pi / 365.25
    return np.column_stack([holidays, weekday, np.ones(len(days)), t, np.sin(doy), np.cos(doy)])


def fit_predict(days: Sequence[date], values: Sequence[float], horizon: int = HORIZON, level: int = LEVEL) -> Forecast:
    """Fit on ``values`` (one per day of ``days``, consecutive) and forecast the next ``horizon`` days."""
    import pandas as pd  # heavy imports: only where a model is fitted
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel
    from threadpoolctl import threadpool_limits

    y = np.log1p(np.maximum(np.asarray(values, dtype=float), 0.0))
    future = [days[-1] + timedelta(days=i + 1) for i in range(horizon)]
    past_x, future_x = regressors(days), regressors(future)
    keep = _usable(past_x)
    past_h, future_h = past_x[:, keep], future_x[:, keep]
    beta = np.linalg.lstsq(_design(days, past_h), y, rcond=None)[0][: len(keep)]
    adjusted = pd.Series(y - past_h @ beta, index=pd.date_range(days[0], periods=len(y), freq="D"))
    model = ETSModel(
        adjusted,
        error="add",
        trend="add",
        damped_trend=True,
        seasonal="add",
        seasonal_periods=SEASON,
        initialization_method="heuristic",  # initial states from the first weeks: 6x less CPU than estimating them
    )
    # One BLAS thread: the fit is a small optimisation, and threads only fight over the cores (10x slower on
    # a loaded machine).
    with warnings.catch_warnings(), threadpool_limits(1):
        warnings.simplefilter("ignore")  # convergence chatter on short or flat histories
        result = model.fit(disp=False, maxiter=200)
        frame = result.get_prediction(start=len(y), end=len(y) + horizon - 1).summary_frame(alpha=1 - level / 100)
    effect = future_h @ beta
    mean = np.expm1(frame["mean"].to_numpy() + effect)
    lower = np.expm1(frame["pi_lower"].to_numpy() + effect)
    upper = np.expm1(frame["pi_upper"].to_numpy() + effect)
    return Forecast(
        future,
        [max(0.0, float(v)) for v in mean],
        [max(0.0, float(v)) for v in lower],
        [max(0.0, float(v)) for v in upper],
    )


def seasonal_naive(values: Sequence[float], horizon: int = HORIZON) -> list[float]:
    """The baseline: each day is the same weekday of the last week seen."""
    last = list(values[-SEASON:])
    return [float(last[i % SEASON]) for i in range(horizon)]


def mape(actual: Sequence[float], predicted: Sequence[float]) -> float | None:
    """Mean absolute percentage error, per cent, over the days that had trade (a closed day has no error)."""
    pairs = [(a, p) for a, p in zip(actual, predicted, strict=True) if a > 0]
    if not pairs:
        return None
    return 100.0 * sum(abs(a - p) / a for a, p in pairs) / len(pairs)


def origins_for(length: int, horizon: int, wanted: int, min_history: int = 8 * SEASON) -> list[int]:
    """Rolling origins: history lengths ``length - k * horizon`` (k = 1..wanted) that leave enough to fit."""
    return [length - k * horizon for k in range(wanted, 0, -1) if length - k * horizon >= min_history]


def backtest(days: Sequence[date], values: Sequence[float], *, horizon: int = HORIZON, wanted: int = 3) -> Backtest:
    """Rolling-origin backtest: fit on the history up to each origin, forecast the next ``horizon`` days and
    score both the model and the seasonal-naive baseline on the same days."""
    started = time.perf_counter()
    actual_all: list[float] = []
    model_all: list[float] = []
    naive_all: list[float] = []
    cuts = origins_for(len(values), horizon, wanted)
    for cut in cuts:
        history, actual = list(values[:cut]), list(values[cut : cut + horizon])
        found = fit_predict(days[:cut], history, horizon=len(actual))
        actual_all += actual
        model_all += found.mean
        naive_all += seasonal_naive(history, len(actual))
    elapsed = round((time.perf_counter() - started) * 1000)
    if not cuts:
        return Backtest(0, None, None, elapsed)
    return Backtest(len(cuts), mape(actual_all, model_all), mape(actual_all, naive_all), elapsed)
