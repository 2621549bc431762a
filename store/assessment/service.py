"""The Annex 4 self-assessment: score every indicator over a period, and keep the evidence register."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import ValidationError
from sqlmodel import Session, col, select

from store.assessment.evaluators import EVALUATORS, EvalContext, Period
from store.assessment.evaluators.bonus import basis
from store.assessment.evaluators.catalog import evaluate_s6
from store.assessment.models import AssessmentEvidence, EvidenceIndicator
from store.assessment.report import AssessmentReport
from store.assessment.schemas import PAYLOADS, CoverageSurvey, EvidenceCreate
from store.clock import business_day, month_key, utcnow
from store.errors import InvalidInput
from store.kpi.errors import PeriodError
from store.kpi.periods import add_months, month_end, parse_month
from store.premises import service as premises_service
from store.premises.models import Store


def period_of(period_from: str | None, period_to: str | None, today: date) -> Period:
    """The assessed months; an empty, reversed, malformed or future-only period is refused."""
    if not (period_from or "").strip() or not (period_to or "").strip():
        raise PeriodError("empty", name="report period")
    first = parse_month(period_from, name="period start (--from)")  # type: ignore[arg-type]
    last = parse_month(period_to, name="period end (--to)")  # type: ignore[arg-type]
    if first > last:
        raise PeriodError("reversed", name="report period", start=period_from, end=period_to)
    if first > today:
        raise PeriodError("in_future", name="report period", start=period_from, end=period_to)
    return Period(first_month=first, last_month=last, start=first, end=min(month_end(last), today), today=today)


def baseline_of(
    baseline_from: str | None, baseline_to: str | None, upgrade_on: date | None
) -> tuple[date, date] | None:
    """The B1–B4 baseline months chosen (first days), or None for the default; both ends or neither, in
    order, and ending before the smart-upgrade month (a baseline compares the months before it)."""
    start, end = (baseline_from or "").strip(), (baseline_to or "").strip()
    if not start and not end:
        return None
    if not start or not end:
        raise PeriodError("both_baseline_months")
    first = parse_month(start, name="baseline start (--baseline-from)")
    last = parse_month(end, name="baseline end (--baseline-to)")
    if first > last:
        raise PeriodError("reversed", name="baseline", start=start, end=end)
    if upgrade_on is not None and last >= upgrade_on.replace(day=1):
        raise PeriodError("baseline_after_upgrade", start=start, end=end, upgrade=month_key(upgrade_on))
    return first, last


def assess(
    session: Session,
    store_id: int,
    *,
    period_from: str,
    period_to: str,
    baseline_from: str | None = None,
    baseline_to: str | None = None,
    now: datetime | None = None,
) -> AssessmentReport:
    """Score every Annex 4 indicator for ``store_id`` over the months ``period_from``..``period_to`` (YYYY-MM).

    ``baseline_from``/``baseline_to`` (YYYY-MM, both or neither) choose the months B1–B4 compare against;
    by default they are the months just before the smart-upgrade month. The report states which were used,
    and warns when the period is shorter than the 12 months a filing covers."""
    now = now or utcnow()
    store = premises_service.get_store(session, store_id)
    period = period_of(period_from, period_to, business_day(now, store.timezone))
    baseline = baseline_of(baseline_from, baseline_to, store.smart_upgrade_on)
    ctx = EvalContext(session=session, store=store, period=period, now=now, baseline=baseline)
    indicators = tuple(evaluate(ctx) for evaluate in EVALUATORS.values())
    bonus = basis(ctx)
    return AssessmentReport(
        store_code=store.code,
        store_name=store.name,
        timezone=store.timezone,
        period_from=month_key(period.first_month),
        period_to=month_key(period.last_month),
        baseline_from=bonus.before[0].month if bonus.before else None,
        baseline_to=bonus.before[-1].month if bonus.before else None,
        smart_upgrade_on=store.smart_upgrade_on,
        generated_at=now,
        indicators=indicators,
        monthly=bonus.monthly,
        baseline_chosen=bonus.chosen,
    )


SNAPSHOTTED = (evaluate_s6,)  # evaluators that keep a snapshot (store.assessment.snapshots)


def warm_snapshots(session: Session, store: Store, now: datetime) -> None:
    """The default period's snapshots of ``store`` (the last 12 full months, as the admin page opens)
    brought up to date: a no-op where they hold, a recomputation where the data moved."""
    today = business_day(now, store.timezone)
    this_month = today.replace(day=1)
    first, last = add_months(this_month, -12), add_months(this_month, -1)
    period = period_of(month_key(first), month_key(last), today)
    ctx = EvalContext(session=session, store=store, period=period, now=now)
    for evaluate in SNAPSHOTTED:
        evaluate(ctx)


def store_for(session: Session, code: str | None) -> Store:
    """The store of that code, or the deployment's only (first) store."""
    return premises_service.get_store_by_code(session, code) if code else premises_service.default_store(session)


# --- evidence register (F1, F3, M1) -----------------------------------------------------------------


def record_evidence(
    session: Session, store_id: int, data: EvidenceCreate, *, recorded_by: str, now: datetime | None = None
) -> AssessmentEvidence:
    """Add an entry to the register; its payload must have the indicator's shape (F1 zones must exist)."""
    try:
        payload = PAYLOADS[data.indicator].model_validate(data.payload)
    except ValidationError as exc:
        errors = [{"loc": ["payload", *e["loc"]], "msg": e["msg"]} for e in exc.errors()]
        detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors)
        raise InvalidInput(f"{data.indicator} evidence is not valid: {detail}", errors=errors) from None
    if isinstance(payload, CoverageSurvey):
        known = {z.code for z in premises_service.list_zones(session, store_id)}
        unknown = sorted({row.zone for row in payload.zones} - known)
        if unknown:
            raise InvalidInput(f"the survey names zones this store does not have: {', '.join(unknown)}")
    entry = AssessmentEvidence(
        store_id=store_id,
        indicator=data.indicator,
        payload=payload.model_dump(mode="json"),
        note=data.note,
        attachment_name=data.attachment_name,
        recorded_by=recorded_by,
        recorded_at=now or utcnow(),
    )
    session.add(entry)
    session.flush()
    return entry


def list_evidence(
    session: Session, store_id: int, *, indicator: EvidenceIndicator | None = None
) -> list[AssessmentEvidence]:
    """The register, newest first."""
    query = select(AssessmentEvidence).where(AssessmentEvidence.store_id == store_id)
    if indicator is not None:
        query = query.where(AssessmentEvidence.indicator == indicator)
    return list(
        session.exec(query.order_by(col(AssessmentEvidence.recorded_at).desc(), col(AssessmentEvidence.id).desc()))
    )


def latest_evidence(session: Session, store_id: int) -> dict[EvidenceIndicator, AssessmentEvidence]:
    """The newest entry per indicator: the one the report scores."""
    latest: dict[EvidenceIndicator, AssessmentEvidence] = {}
    for entry in list_evidence(session, store_id):
        latest.setdefault(EvidenceIndicator(entry.indicator), entry)
    return latest
