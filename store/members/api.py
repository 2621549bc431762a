"""Members API: sign-in by phone and code, member tokens, the e-member card and its dynamic code, the member's
own data (profile, orders, consents, export, erasure) for the mini-program, and code checks for tills/kiosks."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Scope

from store import registry
from store.auth.api import answered
from store.auth.deps import Principal, admit, client_address, device_principal, require
from store.auth.models import DeviceKind, Role
from store.clock import utcnow
from store.db import SessionDep, request_unit
from store.hot_route import Decline, HotRoute, device_json_key
from store.members import codes, qr, rules, service
from store.members.deps import CurrentMember, MemberPrincipal
from store.members.errors import MemberTokenInvalid, SignInCodeInvalid, TooManyCodes
from store.members.schemas import (
    Card,
    CodeCheck,
    CodeRequest,
    CodeSent,
    ConsentChange,
    ConsentState,
    CouponPage,
    OfflineSnapshot,
    Profile,
    ProfileUpdate,
    RefreshRequest,
    SignIn,
    SigningKey,
    SnapshotMember,
    Tokens,
    VerifiedMember,
)
from store.ratelimit import RateLimited
from store.sales import service as sales_service
from store.sales.schemas import OrderPage, OrderSummary
from store.wire import NotBool, Offset

router = APIRouter(prefix="/members", tags=["members"])
PROBLEM: dict[str, Any] = {"content": {"application/problem+json": {}}}
Checker = Annotated[
    Principal,
    Depends(
        require(
            Role.admin,
            Role.manager,
            Role.cashier,
            devices=(DeviceKind.pos_terminal, DeviceKind.capture_box, DeviceKind.kiosk),
        )
    ),
]
Till = Annotated[Principal, Depends(require(devices=(DeviceKind.pos_terminal,)))]


def _tier_name(tier: str) -> str:
    zh, _en = rules.TIER_NAMES.get(tier, (tier, tier))
    return zh


def _tokens(pair: service.TokenPair) -> Tokens:
    return Tokens(
        access_token=pair.access_token,
        access_expires_at=pair.access_expires_at,
        refresh_token=pair.refresh_token,
        refresh_expires_at=pair.refresh_expires_at,
        member_no=pair.member.member_no,
        new_member=pair.created,
    )


# --- sign-in (public) -------------------------------------------------------------------------------------


@router.post(
    "/sign-in/code",
    response_model=CodeSent,
    status_code=status.HTTP_202_ACCEPTED,
    responses={
        404: {"description": "No such store", **PROBLEM},
        429: {"description": "Too many codes for this phone or from this address", **PROBLEM},
    },
)
def send_sign_in_code(data: CodeRequest, request: Request, session: SessionDep) -> CodeSent | JSONResponse:
    """Text a six-digit sign-in code to the phone (five minutes; one a minute, five an hour per phone, twenty
    an hour per caller address)."""
    try:
        return CodeSent(
            expires_at=service.request_sign_in_code(session, data.store_id, data.phone, client=client_address(request))
        )
    except (RateLimited, TooManyCodes) as exc:
        return answered(request, exc)  # answered, not raised: the address's hit stays counted


@router.post(
    "/sign-in",
    response_model=Tokens,
    responses={
        400: {"description": "Wrong or expired code", **PROBLEM},
        404: {"description": "No such store", **PROBLEM},
    },
)
def sign_in(data: SignIn, request: Request, session: SessionDep) -> Tokens | JSONResponse:
    """Exchange the phone and its code for member tokens; the first sign-in creates the membership (普卡)."""
    try:
        return _tokens(service.sign_in(session, data.store_id, data.phone, data.code))
    except SignInCodeInvalid as exc:
        # Answered, not raised: the failed try stays counted (five tries per code).
        return answered(request, exc)


@router.post(
    "/token/refresh", response_model=Tokens, responses={401: {"description": "Unknown or spent token", **PROBLEM}}
)
def refresh_tokens(data: RefreshRequest, request: Request, session: SessionDep) -> Tokens | JSONResponse:
    """A new access and refresh token for a refresh token (which is then spent; spent twice, the whole
    sign-in is revoked: one of the two callers stole it)."""
    try:
        return _tokens(service.refresh(session, data.refresh_token))
    except MemberTokenInvalid as exc:
        return answered(request, exc)  # answered, not raised: a revocation it made stays


# --- the member (member token) ----------------------------------------------------------------------------


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(who: CurrentMember, session: SessionDep) -> None:
    """Revoke this sign-in's access and refresh tokens."""
    service.logout(session, who.token)


def _profile(who: MemberPrincipal) -> Profile:
    m = who.member
    return Profile(
        member_no=m.member_no,
        phone_masked=m.phone_masked,
        display_name=m.display_name,
        birthday=m.birthday,
        tier=m.tier,
        tier_name=_tier_name(m.tier),
        tier_since=m.tier_since,
        status=m.status,
        points_balance=m.points_balance,
        joined_at=m.joined_at,
    )


@router.get("/me", response_model=Profile)
def read_profile(who: CurrentMember) -> Profile:
    """My profile."""
    return _profile(who)


@router.patch("/me", response_model=Profile)
def update_profile(data: ProfileUpdate, who: CurrentMember, session: SessionDep) -> Profile:
    """Change my display name or birthday (both optional: only the phone is needed for membership)."""
    service.update_profile(session, who.member, display_name=data.display_name, birthday=data.birthday)
    return _profile(who)


@router.get("/me/card", response_model=Card)
def my_card(who: CurrentMember) -> Card:
    """My e-member card with the dynamic code: show it at the till; it changes every 30 seconds."""
    code = codes.current_code(who.member)
    m = who.member
    return Card(
        member_no=m.member_no,
        phone_masked=m.phone_masked,
        tier=m.tier,
        tier_name=_tier_name(m.tier),
        points_balance=m.points_balance,
        code=code.digits,
        code_expires_at=code.expires_at,
        qr_payload=codes.qr_payload(m.store_id, code),
        refresh_after_s=max(1, int((code.expires_at - utcnow()).total_seconds())),
        qr_png="/api/v1/members/me/code.png",
        qr_svg="/api/v1/members/me/code.svg",
    )


_NO_STORE = {"Cache-Control": "no-store"}


@router.get("/me/code.png", response_class=Response, responses={200: {"content": {"image/png": {}}}})
def my_code_png(who: CurrentMember) -> Response:
    """My dynamic member code as a QR image (PNG)."""
    payload = codes.qr_payload(who.store_id, codes.current_code(who.member))
    return Response(qr.png(payload), media_type="image/png", headers=_NO_STORE)


@router.get("/me/code.svg", response_class=Response, responses={200: {"content": {"image/svg+xml": {}}}})
def my_code_svg(who: CurrentMember) -> Response:
    """My dynamic member code as a QR image (SVG)."""
    payload = codes.qr_payload(who.store_id, codes.current_code(who.member))
    return Response(qr.svg(payload), media_type="image/svg+xml", headers=_NO_STORE)


class _Viewer:
    shop_id = None

    def __init__(self, store_id: int) -> None:
        self.store_id = store_id

    def can_see_shop(self, shop_id: int) -> bool:
        return True


@router.get("/me/orders", response_model=OrderPage)
def my_orders(
    who: CurrentMember,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=100), NotBool] = 20,
    offset: Offset = 0,
) -> OrderPage:
    """My orders, newest first (from the sales domain)."""
    rows, total = sales_service.list_orders(
        session, _Viewer(who.store_id), member_id=who.member_id, limit=limit, offset=offset
    )
    return OrderPage(items=[OrderSummary.model_validate(r) for r in rows], total=total, limit=limit, offset=offset)


def _consent_states(who: MemberPrincipal, session: SessionDep) -> list[ConsentState]:
    current = service.consents(session, who.member_id)
    return [
        ConsentState(
            purpose=purpose,
            name_zh=names[0],
            name_en=names[1],
            granted=bool(row and row.granted),
            text_version=row.text_version if row else None,
            recorded_at=row.recorded_at if row else None,
        )
        for purpose, names in service.PURPOSES.items()
        for row in [current[purpose]]
    ]


@router.get("/me/consents", response_model=list[ConsentState])
def my_consents(who: CurrentMember, session: SessionDep) -> list[ConsentState]:
    """My consent per purpose (marketing push, profiling, sharing with tenant brands)."""
    return _consent_states(who, session)


@router.put("/me/consents/{purpose}", response_model=list[ConsentState])
def set_consent(purpose: str, data: ConsentChange, who: CurrentMember, session: SessionDep) -> list[ConsentState]:
    """Give or withdraw consent for one purpose; a withdrawal stops the very next message."""
    service.record_consent(session, who.member, purpose, data.granted, text_version=data.text_version)
    return _consent_states(who, session)


def _all_orders(session: SessionDep, who: MemberPrincipal) -> list[dict[str, Any]]:
    rows, _total = sales_service.list_orders(session, _Viewer(who.store_id), member_id=who.member_id, limit=10**6)
    return [json.loads(sales_service.order_read(session, r).model_dump_json()) for r in rows]


@router.get("/me/export")
def export_my_data(who: CurrentMember, session: SessionDep) -> JSONResponse:
    """Everything the store holds about me, as one JSON document (PIPL art. 45)."""
    data = service.export(session, who.member, _all_orders(session, who))
    for module in registry.domain_modules("member_data"):  # the points ledger, …: domains above this one
        data[module.SECTION] = module.export(session, who.member)
    stamp = datetime.now().strftime("%Y%m%d")
    return JSONResponse(
        data, headers={"Content-Disposition": f'attachment; filename="member-{who.member.member_no}-{stamp}.json"'}
    )


@router.delete("/me", status_code=status.HTTP_204_NO_CONTENT)
def delete_my_account(who: CurrentMember, session: SessionDep) -> None:
    """Close my membership and erase my personal data; the store keeps its sales without my identity."""
    service.erase(session, who.member)


@router.get("/me/coupons", response_model=CouponPage)
def my_coupons(who: CurrentMember) -> CouponPage:
    """My coupons: ready for the marketing module, empty until it lands."""
    return CouponPage()


# --- tills and kiosks -------------------------------------------------------------------------------------


@router.post("/codes/verify", response_model=VerifiedMember)
def verify_code(data: CodeCheck, who: Checker, session: SessionDep) -> VerifiedMember:
    """Check a member code shown at a till or kiosk (single use); answers the member, never a secret."""
    return _verified(session, who.store_id, data.code)


def _verified(session: Session, store_id: int, code: str) -> VerifiedMember:
    codes.commit_without_flush_wait(session)  # the transaction writes the code's step and nothing else
    member = codes.verify(session, store_id, code)
    return VerifiedMember(
        member_id=member.id,  # type: ignore[arg-type]
        member_no=member.member_no,
        phone_masked=member.phone_masked,
        tier=member.tier,
        tier_name=_tier_name(member.tier),
        points_balance=member.points_balance,
    )


# The hot path of `POST /members/codes/verify` (store.hot_route), as for a till's sale (store.sales.api): a
# device's ordinary check skips FastAPI's dependency solving (most of the route's CPU); anything else goes to
# `verify_code` above, which stays the documented route and the reference.
_ONCE = frozenset({b"x-device-key", b"content-type"})
_CHECKER_ROLES = (Role.admin, Role.manager, Role.cashier)  # Checker's
_CHECKER_DEVICES = (DeviceKind.pos_terminal, DeviceKind.capture_box, DeviceKind.kiosk)


async def _hot_verify(scope: Scope, headers: dict[bytes, bytes], repeated: set[bytes], body: bytes) -> Response:
    """`verify_code` for a device's well-formed check: the same checks, write and answer, in one thread-pool trip.

    Declined (`verify_code` answers): not exactly `Content-Type: application/json`; no device key, or a bearer
    token or a cookie beside it; a repeated header; a body the route's validation might refuse (a NUL escape,
    one that does not validate). What is left fails only where `verify_code` fails after its validation: the
    device (401, 403, raised as its dependencies raise them) and the code itself (`codes.verify`).
    """
    raw_device = device_json_key(headers, repeated, body, _ONCE)
    try:
        data = CodeCheck.model_validate_json(body)
    except ValidationError:
        raise Decline from None
    unit = request_unit(scope, reads_first=False)
    if unit is None:
        raise Decline
    device_key = raw_device.decode("latin-1")

    def check(session: Session) -> VerifiedMember:
        who = admit(device_principal(session, device_key), _CHECKER_ROLES, _CHECKER_DEVICES)
        return _verified(session, who.store_id, data.code)

    answer = await run_in_threadpool(unit, check)
    return JSONResponse(answer.model_dump())


def hot_routes(app_router: ASGIApp, prefix: str) -> list[HotRoute]:
    """The routes to put in front of the app's own (``store.app.create_app``)."""
    return [HotRoute(f"{prefix}{router.prefix}/codes/verify", "POST", _hot_verify, app_router)]


SNAPSHOT_HOURS = 48


@router.get("/codes/offline-snapshot", response_model=OfflineSnapshot)
def offline_snapshot(
    who: Till,
    session: SessionDep,
    after_id: Annotated[int, Query(ge=0, le=2_147_483_647), NotBool] = 0,
    limit: Annotated[int, Query(ge=1, le=20_000), NotBool] = 5_000,
) -> OfflineSnapshot:
    """What a till caches to recognise member codes while offline: the store's public QR-signing keys (last,
    this and the next weeks: they check signatures, they cannot make them) and the active members, a page at
    a time (``after_id``). Offline, a QR code is checked by its signature; 18 digits alone are accepted
    provisionally. At sync the till posts each sale, then ``POST /points/offline-claims`` with the code."""
    now = utcnow()
    until = now + timedelta(hours=SNAPSHOT_HOURS)
    periods = range(codes.key_period(codes.step_at(now)) - 1, codes.key_period(codes.step_at(until)) + 1)
    rows = service.snapshot_members(session, who.store_id, after_id=after_id, limit=limit)
    return OfflineSnapshot(
        store_id=who.store_id,
        generated_at=now,
        valid_until=until,
        step_s=codes.STEP_S,
        skew_steps=codes.SKEW_STEPS,
        signed_prefix="smartstore.member-code:",
        keys=[
            SigningKey(
                period=p,
                valid_from=datetime.fromtimestamp(p * codes.KEY_PERIOD_S, tz=UTC),
                valid_until=datetime.fromtimestamp((p + 1) * codes.KEY_PERIOD_S, tz=UTC),
                public_key=codes.public_key(who.store_id, p).hex(),
            )
            for p in periods
        ],
        members=[
            SnapshotMember(
                member_id=m.id,  # type: ignore[arg-type]
                member_no=m.member_no,
                phone_masked=m.phone_masked,
                tier=m.tier,
                tier_name=_tier_name(m.tier),
                points_balance=m.points_balance,
            )
            for m in rows
        ],
        next_after_id=rows[-1].id if len(rows) == limit else None,
    )
