"""数字营销 and 精准推送 in the back office: campaigns with their results, coupons, segments with a preview, the
weekly push calendar and the delivery log (S1, S3). Phones are shown masked; nothing here writes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from admin.deps import StaffContext, require_role
from admin.i18n import N_
from admin.pages.formats import number, yuan
from admin.render import render
from store.auth.models import Role
from store.clock import business_day, utcnow
from store.db import SessionDep
from store.errors import StoreError
from store.marketing import push, rules, segments, service
from store.marketing.schemas import SegmentRules

router = APIRouter(prefix="/admin", include_in_schema=False)

Marketer = Annotated[StaffContext, Depends(require_role(Role.admin, Role.manager, Role.marketing))]
CALENDAR_WEEKS = 26
CHANNELS = {
    "miniprogram": N_("Mini-program"),
    "kiosk": N_("Kiosk"),
    "screen": N_("Screens"),
    "official_account": N_("Official account"),
    "sms": N_("SMS"),
    "app": N_("App"),
    "live": N_("Live streaming"),
    "push": N_("Push"),
    "online": N_("Online shop"),
    "admin": N_("Back office"),
}
STATUSES = {
    "queued": N_("Queued"),
    "sent": N_("Sent"),
    "cancelled": N_("Cancelled"),
    "skipped": N_("Skipped"),
}
REASONS = {
    "": "",
    "no_lawful_channel": N_("No lawful channel"),
    "frequency_cap": N_("Weekly cap reached"),
    "consent_withdrawn": N_("Consent withdrawn"),
    "subscription_used": N_("Subscription used up"),
}


def _local(tz: str) -> Any:
    zone = ZoneInfo(tz)

    def show(moment: datetime | None, spec: str = "%Y-%m-%d %H:%M") -> str:
        return "—" if moment is None else moment.astimezone(zone).strftime(spec)

    return show


def _last_day(tz: str) -> Any:
    """The last day a coupon is valid on: its exclusive end, one instant earlier, in store time."""
    zone = ZoneInfo(tz)
    return lambda until: (until - timedelta(microseconds=1)).astimezone(zone).strftime("%Y-%m-%d")


def _base(**extra: Any) -> dict[str, Any]:
    return {"channels": CHANNELS, "statuses": STATUSES, "reasons": REASONS, "yuan": yuan, "number": number, **extra}


@router.get("/marketing", response_class=HTMLResponse)
def campaigns(request: Request, session: SessionDep, staff: Marketer) -> HTMLResponse:
    """The store's campaigns, newest first, with what each brought."""
    rows, total = service.list_campaigns(session, staff.store_id, limit=100)
    found = [service.results(session, staff.store_id, c.id) for c in rows]  # type: ignore[arg-type]
    today = business_day(utcnow(), staff.store_timezone)
    return render(
        request,
        "marketing/campaigns.html",
        _base(results=found, total=total, today=today, tab="campaigns"),
        staff=staff,
    )


@router.get("/marketing/campaigns/{campaign_id}", response_class=HTMLResponse)
def campaign(request: Request, session: SessionDep, staff: Marketer, campaign_id: int) -> HTMLResponse:
    """One campaign: issued, claimed, redeemed, attributed revenue and cost, by channel; its coupons."""
    found = service.results(session, staff.store_id, campaign_id)
    coupons = service.list_coupons(session, staff.store_id, campaign_id=campaign_id)
    context = _base(
        found=found,
        coupons=coupons,
        local=_local(staff.store_timezone),
        last_day=_last_day(staff.store_timezone),
        tab="campaigns",
    )
    return render(request, "marketing/campaign.html", context, staff=staff)


@router.get("/marketing/coupons", response_class=HTMLResponse)
def coupons(request: Request, session: SessionDep, staff: Marketer) -> HTMLResponse:
    """Every coupon type: rule, validity, issued against the quantity."""
    rows = service.list_coupons(session, staff.store_id)
    names = {c.id: c.name for c in service.list_campaigns(session, staff.store_id, limit=500)[0]}
    context = _base(
        coupons=rows,
        names=names,
        local=_local(staff.store_timezone),
        last_day=_last_day(staff.store_timezone),
        tab="coupons",
    )
    return render(request, "marketing/coupons.html", context, staff=staff)


@dataclass
class _Form:
    tiers: str = ""
    min_spend: str = ""
    max_recency_days: str = ""
    min_frequency: str = ""
    birthday_month: str = ""
    rfm_labels: str = ""


def _rules(form: _Form) -> SegmentRules:
    def whole(text: str) -> int | None:
        return int(text) if text.strip() else None

    try:
        spend = whole(form.min_spend)
        return SegmentRules(
            tiers=[t.strip() for t in form.tiers.split(",") if t.strip()],
            min_spend_fen=spend * 100 if spend is not None else None,
            max_recency_days=whole(form.max_recency_days),
            min_frequency=whole(form.min_frequency),
            birthday_month=whole(form.birthday_month),
            rfm_labels=[t.strip() for t in form.rfm_labels.split(",") if t.strip()],
        )
    except (ValueError, ValidationError) as error:
        raise SegmentFormError(str(error).splitlines()[0]) from None


class SegmentFormError(ValueError):
    pass


@router.get("/marketing/segments", response_class=HTMLResponse)
def segment_list(
    request: Request,
    session: SessionDep,
    staff: Marketer,
    tiers: str = "",
    min_spend: str = "",
    max_recency_days: str = "",
    min_frequency: str = "",
    birthday_month: str = "",
    rfm_labels: str = "",
) -> HTMLResponse:
    """Saved segments with their size now, and a preview of new rules (size, and how many consented)."""
    form = _Form(tiers, min_spend, max_recency_days, min_frequency, birthday_month, rfm_labels)
    asked = any(vars(form).values())
    preview, error = None, ""
    if asked:
        try:
            preview = segments.preview(session, staff.store_id, _rules(form))
        except (SegmentFormError, StoreError) as problem:
            error = str(problem)
    saved = [
        (s, segments.preview(session, staff.store_id, segments.rules_of(s)))
        for s in segments.list_segments(session, staff.store_id)
    ]
    context = _base(
        saved=saved,
        form=form,
        preview=preview,
        error=error,
        labels=rules.RFM_LABELS,
        rfm_on=segments.rfm_computed_on(session, staff.store_id),
        tab="segments",
    )
    return render(request, "marketing/segments.html", context, staff=staff)


@router.get("/marketing/push", response_class=HTMLResponse)
def push_calendar(request: Request, session: SessionDep, staff: Marketer) -> HTMLResponse:
    """The weekly push over the last 26 weeks: sent, skipped (and why), cancelled; weeks without a push marked."""
    today = business_day(utcnow(), staff.store_timezone)
    weeks = push.weeks(session, staff.store_id, today - timedelta(weeks=CALENDAR_WEEKS - 1), today)
    plans = push.list_plans(session, staff.store_id)
    context = _base(weeks=list(reversed(weeks)), plans=plans, this_week=rules.week_monday(today), tab="push")
    return render(request, "marketing/push.html", context, staff=staff)


@router.get("/marketing/push/deliveries", response_class=HTMLResponse)
def deliveries(
    request: Request, session: SessionDep, staff: Marketer, week: str = "", status: str = ""
) -> HTMLResponse:
    """The delivery log: each member's message of a week, its channel and outcome (phones masked)."""
    try:
        week_on = date.fromisoformat(week) if week else None
    except ValueError:
        week_on = None
    status = status if status in STATUSES else ""
    rows = push.delivery_log(session, staff.store_id, week_on=week_on, status=status or None, limit=200)
    context = _base(
        rows=rows, week=week_on.isoformat() if week_on else "", status=status, local=_local(staff.store_timezone)
    )
    context["tab"] = "push"
    return render(request, "marketing/deliveries.html", context, staff=staff)
