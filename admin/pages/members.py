"""Members in the back office: search by member number or phone, a member's card with consents and orders,
the tier rules, and the membership KPIs (members, active members, members' share of revenue)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from admin import i18n
from admin.deps import BACK_OFFICE, CheckedForm, StaffContext, require_role
from admin.i18n import N_
from admin.pages.formats import yuan
from admin.pages.premises import save, today_of
from admin.render import render
from store.auth.models import Role
from store.db import SessionDep
from store.members import phones, rules, service
from store.members.errors import InvalidPhone
from store.wire import RowId

router = APIRouter(prefix="/admin/members", include_in_schema=False)
Viewer = Annotated[StaffContext, Depends(require_role(*BACK_OFFICE, Role.marketing))]
Editor = Annotated[StaffContext, Depends(require_role(*BACK_OFFICE))]
WINDOW_DAYS = 30
CHANNELS = {"offline": N_("In store"), "online": N_("Online mall"), "live": N_("Live stream"), "other": N_("Other")}


def _full_phone(q: str) -> str | None:
    try:
        return phones.normalise(q)
    except InvalidPhone:
        return None


def _tier_name(tier: str, locale: str) -> str:
    zh, en = rules.TIER_NAMES.get(tier, (tier, tier))
    return zh if locale == "zh_CN" else en


@router.get("")
def members_home(request: Request, session: SessionDep, staff: Viewer, q: str = "", ph: str = "") -> Response:
    """The KPIs of the last 30 days, the tiers, and the member search."""
    locale = i18n.negotiate(request)
    phone = _full_phone(q)
    if phone is not None:
        # A full number never stays in the address bar or the page: the search goes on by its keyed hash.
        query = urlencode({"q": phones.mask(phone), "ph": phones.phone_hash(phone)})
        return RedirectResponse(f"/admin/members?{query}#search", status_code=303)
    today = today_of(staff)
    start = today - timedelta(days=WINDOW_DAYS)
    figures = service.kpis(session, staff.store_id, start, today - timedelta(days=1))
    if ph:
        found = service.search_by_phone_hash(session, staff.store_id, ph[:64])
    else:
        found = service.search(session, staff.store_id, q[:40]) if q.strip() else []
    share = figures.member_share
    context = {
        "q": q,
        "found": found,
        "searched": bool(q.strip()),
        "figures": figures,
        "share": f"{share * 100:.1f}%" if share is not None else "—",
        "member_revenue": yuan(figures.member_revenue_fen, decimals=0),
        "start": start,
        "end": today - timedelta(days=1),
        "tiers": [(t, _tier_name(t, locale), figures.tiers.get(t, 0)) for t in rules.TIERS],
        "tier_name": lambda t: _tier_name(t, locale),
        "can_edit": staff.can(*BACK_OFFICE),
    }
    return render(request, "members/index.html", context, staff=staff)


@router.get("/tiers")
def tier_rules(request: Request, session: SessionDep, staff: Viewer) -> Response:
    """The tier thresholds (net spend over the rolling 12 months) and how reviews work."""
    return _tiers_page(request, staff, dict(service.thresholds(session, staff.store_id)), {}, 200)


def _tiers_page(
    request: Request, staff: StaffContext, values: Mapping[str, object], errors: dict[str, str], status_code: int
) -> Response:
    locale = i18n.negotiate(request)
    rows = [(t, _tier_name(t, locale), values.get(t, "")) for t in rules.TIERS]
    context = {"rows": rows, "errors": errors, "can_edit": staff.can(*BACK_OFFICE), "keep_months": rules.KEEP_MONTHS}
    return render(request, "members/tiers.html", context, staff=staff, status_code=status_code)


@router.post("/tiers")
def save_tier_rules(request: Request, session: SessionDep, staff: Editor, form: CheckedForm) -> Response:
    """Set the thresholds in yuan; refused whole (nothing saved) when they do not rise from 0."""
    locale = i18n.negotiate(request)
    raw = {t: form.get(t, "").strip().replace(",", "") for t in rules.TIERS}
    errors: dict[str, str] = {}
    wanted: dict[str, int] = {}
    for tier, text in raw.items():
        if not text.isdigit() or len(text) > 9:
            errors[tier] = i18n.gettext("Enter whole yuan, 0 or more.", locale)
        else:
            wanted[tier] = int(text) * 100
    if not errors:
        _saved, failure = save(session, lambda: service.set_thresholds(session, staff.store_id, wanted))
        if failure is not None:
            errors["__all__"] = failure.message
    if errors:
        return _tiers_page(request, staff, dict(raw), errors, 400)
    return RedirectResponse("/admin/members/tiers?saved=1", status_code=303)


@router.get("/{member_id}")
def member_detail(request: Request, session: SessionDep, staff: Viewer, member_id: RowId) -> Response:
    """One member: card, consents in force, latest orders (the points ledger has its own page)."""
    locale = i18n.negotiate(request)
    member = service.get_member(session, staff.store_id, member_id)
    orders, total = service.member_orders(session, member)
    consents = service.consents(session, member.id)  # type: ignore[arg-type]
    context = {
        "member": member,
        "tier_name": _tier_name(member.tier, locale),
        "orders": orders,
        "orders_total": total,
        "yuan": yuan,
        "channels": CHANNELS,
        "consents": [
            (names[0] if locale == "zh_CN" else names[1], consents[purpose])
            for purpose, names in service.PURPOSES.items()
        ],
    }
    return render(request, "members/detail.html", context, staff=staff)
