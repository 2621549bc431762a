"""数字营销 and 精准推送 in the back office: campaigns with their results, coupons, segments with a preview, the
weekly push calendar and the delivery log (S1, S3). Phones are shown masked.

Campaigns, coupons and segments are created and edited on forms here (the same services as the API): each
refusal is said beside its field (a campaign ending before it starts, a coupon's validity ending before it starts,
an unknown shop code...) and nothing is written; the segment form shows the segment's size before it is saved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from admin import i18n
from admin.deps import CheckedForm, StaffContext, require_role
from admin.forms import FieldErrors, validate
from admin.i18n import N_
from admin.pages.formats import number, yuan
from admin.render import render
from store.analytics import profiles as analytics_profiles
from store.auth.models import Role
from store.catalog import service as catalog_service
from store.clock import business_day, utcnow
from store.db import SessionDep
from store.errors import StoreError
from store.marketing import push, rules, segments, service
from store.marketing.models import Campaign, Coupon, Segment
from store.marketing.schemas import CampaignChannel, CampaignCreate, CouponCreate, SegmentCreate, SegmentRules
from store.premises import service as premises_service

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


# --- forms: campaigns, coupons, segments ------------------------------------------------------------------

FORM_TEXTS = {
    "yuan": N_("Enter an amount in yuan, e.g. 30 or 30.50."),
    "whole": N_("Enter a whole number."),
    "shops": N_("Unknown shop codes: %(codes)s"),
    "campaign_dates": N_("The campaign ends before it starts."),
    "coupon_dates": N_("The last valid day is before the first."),
    "amount_off": N_("An amount-off coupon needs the amount it takes off."),
    "percent_off": N_("A percent-off coupon takes 1–90 % off."),
    "at_least_one": N_("Must be 1 or more."),
    "coupon_shops": N_("A coupon's shops must be among its campaign's shops."),
    "below_issued": N_("Already issued: %(n)s. The quantity cannot be lower."),
    "moved": N_("Issued coupons stay with their campaign."),
    "promotion": N_("Choose a promotion from the list."),
    "campaign": N_("Choose a campaign from the list."),
    "segment_name": N_("A segment with this name exists already."),
    "rfm": N_("Unknown RFM groups: %(labels)s"),
    "month": N_("A month from 1 to 12."),
    "groups": N_("Unknown consumer groups: %(groups)s"),
}
CAMPAIGN_FIELDS = ("name", "starts_on", "ends_on", "shops", "content_title", "content_body", "cost", "promotion_id")
COUPON_FIELDS = (
    "campaign_id",
    "name",
    "kind",
    "amount_off",
    "percent_off",
    "cap",
    "threshold",
    "per_member_limit",
    "total_quantity",
    "shops",
    "categories",
    "valid_from",
    "valid_until",
)
KINDS = {"amount": N_("Amount off (满减)"), "percent": N_("Percent off (折扣)")}


def _say(key: str, locale: str, **values: Any) -> str:
    return i18n.gettext(FORM_TEXTS[key], locale) % values if values else i18n.gettext(FORM_TEXTS[key], locale)


def _fen(text: str) -> int | None:
    """'30' or '30.50' yuan as fen; '' as 0; None when it is not an amount."""
    if not text:
        return 0
    try:
        amount = Decimal(text.replace(",", "").replace("¥", ""))
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")) or amount > 10**10:
        return None
    return int(amount * 100)


def _whole(text: str, default: int | None = None) -> int | None | str:
    """A whole number, ``default`` when empty, or ``"bad"``."""
    if not text:
        return default
    return int(text) if text.isdigit() and len(text) <= 9 else "bad"


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.replace("，", ",").replace("、", ",").split(",") if part.strip()]


def _shop_ids(session: Session, store_id: int, text: str) -> tuple[list[int], list[str]]:
    """Shop codes (comma separated) as ids, and the codes the store does not have."""
    by_code = {shop.code.upper(): shop.id for shop in premises_service.list_shops(session, store_id)}
    codes = _split(text)
    return [by_code[c.upper()] for c in codes if c.upper() in by_code], [c for c in codes if c.upper() not in by_code]  # type: ignore[misc]


def _shop_codes(session: Session, store_id: int, ids: list[int]) -> str:
    by_id = {shop.id: shop.code for shop in premises_service.list_shops(session, store_id)}
    return ", ".join(by_id[i] for i in ids if i in by_id)


def _save(session: Session, action: Any) -> tuple[Any, StoreError | None]:
    """Run a service write in a savepoint: a refused write leaves nothing behind."""
    try:
        with session.begin_nested():
            return action(), None
    except StoreError as exc:
        return None, exc


def _renamed(errors: FieldErrors, names: dict[str, str]) -> FieldErrors:
    return {names.get(field, field): message for field, message in errors.items()}


def _day_start(day: date, tz: str) -> datetime:
    return datetime.combine(day, time(), tzinfo=ZoneInfo(tz))


def _campaign_input(
    session: Session, staff: StaffContext, form: dict[str, str], locale: str
) -> tuple[CampaignCreate | None, dict[str, Any], FieldErrors]:
    values: dict[str, Any] = {field: form.get(field, "") for field in CAMPAIGN_FIELDS}
    values["channels"] = [c.value for c in CampaignChannel if form.get(f"channel_{c.value}")]
    errors: FieldErrors = {}
    shop_ids, unknown = _shop_ids(session, staff.store_id, values["shops"])
    if unknown:
        errors["shops"] = _say("shops", locale, codes=", ".join(unknown))
    cost = _fen(values["cost"])
    if cost is None:
        errors["cost"] = _say("yuan", locale)
    promotion = _whole(values["promotion_id"])
    raw = {
        "name": values["name"],
        "starts_on": values["starts_on"],
        "ends_on": values["ends_on"],
        "shop_ids": shop_ids,
        "channels": values["channels"],
        "content_title": values["content_title"],
        "content_body": values["content_body"],
        "cost_fen": cost or 0,
        "promotion_id": promotion if isinstance(promotion, int) else None,
    }
    if promotion == "bad":
        errors["promotion_id"] = _say("promotion", locale)
    data, invalid = validate(CampaignCreate, raw, locale)
    errors = _renamed(invalid, {"shop_ids": "shops", "cost_fen": "cost"}) | errors
    try:
        if date.fromisoformat(values["ends_on"]) < date.fromisoformat(values["starts_on"]):
            errors.setdefault("ends_on", _say("campaign_dates", locale))
    except ValueError:
        pass  # a date that does not parse has its own message
    return (None if errors else data), values, errors


def _campaign_refusal(exc: StoreError, locale: str) -> FieldErrors:
    if exc.type == "campaign-dates-invalid":
        return {"ends_on": _say("campaign_dates", locale)}
    if exc.type == "promotion-unknown":
        return {"promotion_id": _say("promotion", locale)}
    if exc.type == "shop-not-found":
        return {"shops": _say("shops", locale, codes="?")}
    return {"__all__": i18n.gettext(exc.title, locale) + ": " + exc.message}


def _campaign_form(
    request: Request,
    session: Session,
    staff: StaffContext,
    *,
    campaign: Campaign | None,
    values: dict[str, Any],
    errors: FieldErrors | None = None,
    status_code: int = 200,
) -> Response:
    promotions = [(str(p.id), p.name) for p in catalog_service.list_promotions(session, staff.store_id)]
    context = _base(
        campaign={"id": campaign.id} if campaign else None,  # not the row: a page keeps no ORM object alive
        values=values,
        errors=errors or {},
        channel_choices=[c.value for c in CampaignChannel],
        promotions=promotions,
        tab="campaigns",
    )
    return render(request, "marketing/campaign_form.html", context, staff=staff, status_code=status_code)


@router.get("/marketing/campaigns/new", response_class=HTMLResponse)
def new_campaign(request: Request, session: SessionDep, staff: Marketer) -> Response:
    """The form for a new campaign."""
    today = business_day(utcnow(), staff.store_timezone)
    values = {"starts_on": today.isoformat(), "ends_on": (today + timedelta(days=30)).isoformat(), "channels": []}
    return _campaign_form(request, session, staff, campaign=None, values=values)


@router.post("/marketing/campaigns/new")
def create_campaign(request: Request, session: SessionDep, form: CheckedForm, staff: Marketer) -> Response:
    """Create a campaign; errors are shown beside their fields and nothing is written."""
    locale = i18n.negotiate(request)
    data, values, errors = _campaign_input(session, staff, form, locale)
    if data is not None:
        row, failure = _save(session, lambda: service.create_campaign(session, staff.store_id, data))
        if failure is None:
            return RedirectResponse(f"/admin/marketing/campaigns/{row.id}?saved=1", status_code=303)
        errors = _campaign_refusal(failure, locale)
    return _campaign_form(request, session, staff, campaign=None, values=values, errors=errors, status_code=400)


@router.get("/marketing/campaigns/{campaign_id}/edit", response_class=HTMLResponse)
def edit_campaign(request: Request, session: SessionDep, staff: Marketer, campaign_id: int) -> Response:
    """The form to change a campaign."""
    row = service.get_campaign(session, staff.store_id, campaign_id)
    values = {
        "name": row.name,
        "starts_on": row.starts_on.isoformat(),
        "ends_on": row.ends_on.isoformat(),
        "shops": _shop_codes(session, staff.store_id, row.shop_ids),
        "channels": row.channels,
        "content_title": row.content_title,
        "content_body": row.content_body,
        "cost": f"{row.cost_fen / 100:.2f}",
        "promotion_id": str(row.promotion_id or ""),
    }
    return _campaign_form(request, session, staff, campaign=row, values=values)


@router.post("/marketing/campaigns/{campaign_id}/edit")
def update_campaign(
    request: Request, session: SessionDep, form: CheckedForm, staff: Marketer, campaign_id: int
) -> Response:
    """Save a campaign's changes; errors are shown beside their fields and nothing is written."""
    locale = i18n.negotiate(request)
    row = service.get_campaign(session, staff.store_id, campaign_id)
    data, values, errors = _campaign_input(session, staff, form, locale)
    if data is not None:
        _row, failure = _save(session, lambda: service.update_campaign(session, staff.store_id, campaign_id, data))
        if failure is None:
            return RedirectResponse(f"/admin/marketing/campaigns/{campaign_id}?saved=1", status_code=303)
        errors = _campaign_refusal(failure, locale)
    return _campaign_form(request, session, staff, campaign=row, values=values, errors=errors, status_code=400)


def _coupon_input(
    session: Session, staff: StaffContext, form: dict[str, str], locale: str
) -> tuple[CouponCreate | None, dict[str, Any], FieldErrors]:
    values: dict[str, Any] = {field: form.get(field, "") for field in COUPON_FIELDS}
    errors: FieldErrors = {}
    fen = {name: _fen(values[name]) for name in ("amount_off", "cap", "threshold")}
    for name, amount in fen.items():
        if amount is None:
            errors[name] = _say("yuan", locale)
    numbers = {
        "percent_off": _whole(values["percent_off"], 0),
        "per_member_limit": _whole(values["per_member_limit"], 1),
        "total_quantity": _whole(values["total_quantity"]),
        "campaign_id": _whole(values["campaign_id"]),
    }
    for name, value in numbers.items():
        if value == "bad":
            errors[name] = _say("campaign" if name == "campaign_id" else "whole", locale)
    shop_ids, unknown = _shop_ids(session, staff.store_id, values["shops"])
    if unknown:
        errors["shops"] = _say("shops", locale, codes=", ".join(unknown))
    days: dict[str, date | None] = {}
    for name in ("valid_from", "valid_until"):
        try:
            days[name] = date.fromisoformat(values[name]) if values[name] else None
        except ValueError:
            days[name] = None
            errors[name] = i18n.gettext("Enter a date as YYYY-MM-DD.", locale)
        if not values[name]:
            errors.setdefault(name, i18n.gettext("Required.", locale))
    start, last = days["valid_from"], days["valid_until"]
    if start and last and last < start:
        errors["valid_until"] = _say("coupon_dates", locale)
    if values["kind"] == "amount" and fen["amount_off"] == 0:
        errors.setdefault("amount_off", _say("amount_off", locale))
    if (
        values["kind"] == "percent"
        and isinstance(numbers["percent_off"], int)
        and not 1 <= numbers["percent_off"] <= 90
    ):
        errors.setdefault("percent_off", _say("percent_off", locale))
    for name in ("per_member_limit", "total_quantity"):
        if numbers[name] == 0:
            errors.setdefault(name, _say("at_least_one", locale))
    raw = {
        "campaign_id": numbers["campaign_id"] if isinstance(numbers["campaign_id"], int) else None,
        "name": values["name"],
        "kind": values["kind"],
        "amount_off_fen": fen["amount_off"] or 0,
        "percent_off": numbers["percent_off"] if isinstance(numbers["percent_off"], int) else 0,
        "cap_fen": fen["cap"] or 0,
        "threshold_fen": fen["threshold"] or 0,
        "per_member_limit": numbers["per_member_limit"] if isinstance(numbers["per_member_limit"], int) else 1,
        "total_quantity": numbers["total_quantity"] if isinstance(numbers["total_quantity"], int) else None,
        "shop_ids": shop_ids,
        "categories": _split(values["categories"]),
        "valid_from": _day_start(start, staff.store_timezone) if start else None,
        "valid_until": _day_start(last + timedelta(days=1), staff.store_timezone) if last else None,
    }
    data, invalid = validate(CouponCreate, raw, locale)
    names = {"amount_off_fen": "amount_off", "cap_fen": "cap", "threshold_fen": "threshold", "shop_ids": "shops"}
    invalid = _renamed(invalid, names)
    if "campaign_id" in invalid:
        invalid["campaign_id"] = _say("campaign", locale)
    return (None if errors or invalid else data), values, {**invalid, **errors}


def _coupon_refusal(exc: StoreError, locale: str) -> FieldErrors:
    text = exc.message
    if exc.type == "campaign-not-found":
        return {"campaign_id": _say("campaign", locale)}
    if exc.type == "shop-not-found" or "campaign's shops" in text:
        return {"shops": _say("coupon_shops", locale)}
    if "already issued" in text:
        return {"total_quantity": _say("below_issued", locale, n=text.split()[0])}
    if "stay with their campaign" in text:
        return {"campaign_id": _say("moved", locale)}
    return {"__all__": i18n.gettext(exc.title, locale) + ": " + text}


def _coupon_form(
    request: Request,
    session: Session,
    staff: StaffContext,
    *,
    coupon: Coupon | None,
    values: dict[str, Any],
    errors: FieldErrors | None = None,
    status_code: int = 200,
) -> Response:
    campaigns = [(str(c.id), c.name) for c in service.list_campaigns(session, staff.store_id, limit=500)[0]]
    context = _base(
        coupon={"id": coupon.id} if coupon else None,  # not the row: a page keeps no ORM object alive
        values=values,
        errors=errors or {},
        campaigns=campaigns,
        kinds=[(k, i18n.gettext(v, i18n.negotiate(request))) for k, v in KINDS.items()],
        tab="coupons",
    )
    return render(request, "marketing/coupon_form.html", context, staff=staff, status_code=status_code)


@router.get("/marketing/coupons/new", response_class=HTMLResponse)
def new_coupon(request: Request, session: SessionDep, staff: Marketer, campaign: int | None = None) -> Response:
    """The form for a new coupon (of ``?campaign=``)."""
    today = business_day(utcnow(), staff.store_timezone)
    values = {
        "campaign_id": str(campaign or ""),
        "kind": "amount",
        "per_member_limit": "1",
        "valid_from": today.isoformat(),
        "valid_until": (today + timedelta(days=30)).isoformat(),
    }
    return _coupon_form(request, session, staff, coupon=None, values=values)


@router.post("/marketing/coupons/new")
def create_coupon(request: Request, session: SessionDep, form: CheckedForm, staff: Marketer) -> Response:
    """Create a coupon; errors are shown beside their fields and nothing is written."""
    locale = i18n.negotiate(request)
    data, values, errors = _coupon_input(session, staff, form, locale)
    if data is not None:
        row, failure = _save(session, lambda: service.create_coupon(session, staff.store_id, data))
        if failure is None:
            return RedirectResponse(f"/admin/marketing/campaigns/{row.campaign_id}?saved=1", status_code=303)
        errors = _coupon_refusal(failure, locale)
    return _coupon_form(request, session, staff, coupon=None, values=values, errors=errors, status_code=400)


@router.get("/marketing/coupons/{coupon_id}/edit", response_class=HTMLResponse)
def edit_coupon(request: Request, session: SessionDep, staff: Marketer, coupon_id: int) -> Response:
    """The form to change a coupon."""
    row = service.get_coupon(session, staff.store_id, coupon_id)
    zone = ZoneInfo(staff.store_timezone)
    values = {
        "campaign_id": str(row.campaign_id),
        "name": row.name,
        "kind": row.kind,
        "amount_off": f"{row.amount_off_fen / 100:.2f}" if row.amount_off_fen else "",
        "percent_off": str(row.percent_off or ""),
        "cap": f"{row.cap_fen / 100:.2f}" if row.cap_fen else "",
        "threshold": f"{row.threshold_fen / 100:.2f}" if row.threshold_fen else "",
        "per_member_limit": str(row.per_member_limit),
        "total_quantity": str(row.total_quantity),
        "shops": _shop_codes(session, staff.store_id, row.shop_ids),
        "categories": ", ".join(row.categories),
        "valid_from": row.valid_from.astimezone(zone).date().isoformat(),
        "valid_until": _last_day(staff.store_timezone)(row.valid_until),
    }
    return _coupon_form(request, session, staff, coupon=row, values=values)


@router.post("/marketing/coupons/{coupon_id}/edit")
def update_coupon(
    request: Request, session: SessionDep, form: CheckedForm, staff: Marketer, coupon_id: int
) -> Response:
    """Save a coupon's changes; errors are shown beside their fields and nothing is written."""
    locale = i18n.negotiate(request)
    row = service.get_coupon(session, staff.store_id, coupon_id)
    data, values, errors = _coupon_input(session, staff, form, locale)
    if data is not None:
        _row, failure = _save(session, lambda: service.update_coupon(session, staff.store_id, coupon_id, data))
        if failure is None:
            return RedirectResponse(f"/admin/marketing/campaigns/{data.campaign_id}?saved=1", status_code=303)
        errors = _coupon_refusal(failure, locale)
    return _coupon_form(request, session, staff, coupon=row, values=values, errors=errors, status_code=400)


SEGMENT_FIELDS = (
    "name",
    "tiers",
    "min_spend",
    "max_recency_days",
    "min_frequency",
    "birthday_month",
    "rfm_labels",
    "profile_groups",
)


def _segment_input(
    form: dict[str, str], locale: str, kept: dict[str, Any], known_groups: set[int]
) -> tuple[SegmentCreate | None, SegmentRules | None, dict[str, Any], FieldErrors]:
    """The segment's name and rules from the form; rules the form does not show (``kept``) stay as they were."""
    values: dict[str, Any] = {field: form.get(field, "") for field in SEGMENT_FIELDS}
    errors: FieldErrors = {}
    spend = _fen(values["min_spend"]) if values["min_spend"] else None
    if values["min_spend"] and spend is None:
        errors["min_spend"] = _say("yuan", locale)
    numbers = {name: _whole(values[name]) for name in ("max_recency_days", "min_frequency", "birthday_month")}
    for name, value in numbers.items():
        if value == "bad":
            errors[name] = _say("whole", locale)
    if isinstance(numbers["birthday_month"], int) and not 1 <= numbers["birthday_month"] <= 12:
        errors["birthday_month"] = _say("month", locale)
    labels = _split(values["rfm_labels"])
    unknown = [label for label in labels if label not in rules.RFM_LABELS]
    if unknown:
        errors["rfm_labels"] = _say("rfm", locale, labels=", ".join(unknown))
    typed = _split(values["profile_groups"])
    groups = [int(g) for g in typed if g.isascii() and g.isdigit()]
    if len(groups) != len(typed):
        errors["profile_groups"] = _say("whole", locale)
    elif set(groups) - known_groups:
        missing = ", ".join(str(g) for g in sorted(set(groups) - known_groups))
        errors["profile_groups"] = _say("groups", locale, groups=missing)
    shown = {
        "tiers": _split(values["tiers"]),
        "min_spend_fen": spend,
        "max_recency_days": numbers["max_recency_days"],
        "min_frequency": numbers["min_frequency"],
        "birthday_month": numbers["birthday_month"],
        "rfm_labels": labels,
        "profile_groups": groups,
    }
    if errors:
        return None, None, values, errors
    found, invalid = validate(SegmentRules, kept | {k: v for k, v in shown.items() if v not in (None, [])}, locale)
    if invalid:
        return None, None, values, _renamed(invalid, {"min_spend_fen": "min_spend"})
    segment, invalid = validate(SegmentCreate, {"name": values["name"], "rules": found.model_dump()}, locale)
    return segment, found, values, invalid


def _segment_form(
    request: Request,
    session: Session,
    staff: StaffContext,
    *,
    segment: Segment | None,
    values: dict[str, Any],
    errors: FieldErrors | None = None,
    found: SegmentRules | None = None,
    groups: list[tuple[int, str]] | None = None,
    status_code: int = 200,
) -> Response:
    """The segment form; ``groups``: the consumer groups when the caller has read them already."""
    size = None
    if found is not None and not errors:
        try:
            size = segments.preview(session, staff.store_id, found)
        except StoreError as exc:
            errors = {"__all__": i18n.gettext(exc.title, i18n.negotiate(request)) + ": " + exc.message}
    context = _base(
        segment={"id": segment.id} if segment else None,  # not the row: a page keeps no ORM object alive
        values=values,
        errors=errors or {},
        preview=size,
        labels=rules.RFM_LABELS,
        groups=groups if groups is not None else _groups(session, staff.store_id, i18n.negotiate(request)),
        tab="segments",
    )
    return render(request, "marketing/segment_form.html", context, staff=staff, status_code=status_code)


def _groups(session: Session, store_id: int, locale: str) -> list[tuple[int, str]]:
    """The analytics module's consumer groups of the latest clustering: (number, name in the page's language)."""
    chinese = locale.startswith("zh")
    return [
        (g.group_no, g.name_zh if chinese else g.name_en) for g in analytics_profiles.list_groups(session, store_id)
    ]


_SHOWN_RULES = (
    "tiers",
    "min_spend_fen",
    "max_recency_days",
    "min_frequency",
    "birthday_month",
    "rfm_labels",
    "profile_groups",
)


def _segment_post(
    request: Request, session: Session, staff: StaffContext, form: dict[str, str], segment: Segment | None
) -> Response:
    locale = i18n.negotiate(request)
    kept = {k: v for k, v in (segment.rules if segment else {}).items() if k not in _SHOWN_RULES}
    groups = _groups(session, staff.store_id, locale)  # read once: checks the typed numbers and fills the hint
    data, found, values, errors = _segment_input(form, locale, kept, {no for no, _name in groups})
    if form.get("action") != "save":
        errors = {field: message for field, message in errors.items() if field != "name"}  # named when saved
        return _segment_form(
            request, session, staff, segment=segment, values=values, errors=errors, found=found, groups=groups
        )
    if errors or data is None:
        return _segment_form(
            request,
            session,
            staff,
            segment=segment,
            values=values,
            errors=errors,
            found=found,
            groups=groups,
            status_code=400,
        )
    if segment is None:
        row, failure = _save(session, lambda: segments.create(session, staff.store_id, data))
    else:
        row, failure = _save(session, lambda: segments.update(session, staff.store_id, segment.id, data))  # type: ignore[arg-type]
    if failure is None:
        return RedirectResponse(f"/admin/marketing/segments?saved={row.id}", status_code=303)
    field = "name" if "exists already" in failure.message else "__all__"
    message = _say("segment_name", locale) if field == "name" else failure.message
    return _segment_form(
        request, session, staff, segment=segment, values=values, errors={field: message}, groups=groups, status_code=400
    )


@router.get("/marketing/segments/new", response_class=HTMLResponse)
def new_segment(request: Request, session: SessionDep, staff: Marketer) -> Response:
    """The form for a new segment: preview its size, then save it."""
    return _segment_form(request, session, staff, segment=None, values={})


@router.post("/marketing/segments/new")
def create_segment(request: Request, session: SessionDep, form: CheckedForm, staff: Marketer) -> Response:
    """``action=preview`` shows the size of the rules as typed; ``action=save`` saves them (nothing when refused)."""
    return _segment_post(request, session, staff, form, None)


def _segment_values(segment: Segment) -> dict[str, str]:
    found = segment.rules
    spend = found.get("min_spend_fen")
    return {
        "name": segment.name,
        "tiers": ", ".join(found.get("tiers", [])),
        "min_spend": f"{spend / 100:g}" if spend is not None else "",
        "max_recency_days": str(found.get("max_recency_days", "") or ""),
        "min_frequency": str(found.get("min_frequency", "") or ""),
        "birthday_month": str(found.get("birthday_month", "") or ""),
        "rfm_labels": ", ".join(found.get("rfm_labels", [])),
        "profile_groups": ", ".join(str(g) for g in found.get("profile_groups", [])),
    }


@router.get("/marketing/segments/{segment_id}/edit", response_class=HTMLResponse)
def edit_segment(request: Request, session: SessionDep, staff: Marketer, segment_id: int) -> Response:
    """The form to change a segment, with its size now."""
    row = segments.get(session, staff.store_id, segment_id)
    return _segment_form(
        request, session, staff, segment=row, values=_segment_values(row), found=segments.rules_of(row)
    )


@router.post("/marketing/segments/{segment_id}/edit")
def update_segment(
    request: Request, session: SessionDep, form: CheckedForm, staff: Marketer, segment_id: int
) -> Response:
    """``action=preview`` shows the new size; ``action=save`` saves the changes (nothing when refused)."""
    return _segment_post(request, session, staff, form, segments.get(session, staff.store_id, segment_id))


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
