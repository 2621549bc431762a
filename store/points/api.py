"""Points API for staff and tills: a member's balance, history and lots about to lapse; redemptions, till holds
(confirmed or released), managers' adjustments, earn rules, and the liability for finance (JSON, CSV, XLSX).

Writes are retry-safe: redemptions and adjustments by ``Idempotency-Key`` (the key is also the ledger
reference, so even a retry that lost its response record applies once), holds by their ``hold_key``.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from sqlmodel import col, select

from store.auth.deps import Principal, require
from store.auth.models import DeviceKind, Role
from store.db import SessionDep
from store.errors import InvalidInput
from store.idempotency import IdempotencyKey, respond_once
from store.members import codes
from store.members import service as members_service
from store.members.deps import CurrentMember
from store.points import liability, service
from store.points.errors import RuleNotFound
from store.points.models import PointsRule
from store.points.schemas import (
    AdjustIn,
    BalanceRead,
    ConfirmIn,
    EntryPage,
    EntryRead,
    HoldIn,
    HoldRead,
    LotRead,
    OfflineClaimIn,
    OfflineClaimRead,
    RedeemIn,
    RuleIn,
    RuleRead,
)
from store.sales import service as sales_service
from store.wire import NotBool, RowId

router = APIRouter(prefix="/points", tags=["points"])

_TILLS = (DeviceKind.pos_terminal, DeviceKind.capture_box, DeviceKind.kiosk)
Reader = Annotated[Principal, Depends(require(Role.admin, Role.manager, Role.cashier, Role.marketing, devices=_TILLS))]
Spender = Annotated[Principal, Depends(require(Role.admin, Role.manager, Role.cashier, devices=_TILLS))]
Manager = Annotated[Principal, Depends(require(Role.admin, Role.manager))]
Month = Annotated[str, Query(pattern=r"^(19|20|21)\d{2}-(0[1-9]|1[0-2])$", description="YYYY-MM (1900–2199)")]


def _balance(session, member, day=None) -> BalanceRead:  # type: ignore[no-untyped-def]
    b = service.balance(session, member, day)
    return BalanceRead(
        member_id=member.id,
        member_no=member.member_no,
        phone_masked=member.phone_masked,
        tier=member.tier,
        points=b.points,
        lapsing_today=b.lapsing_today,
        debt=b.debt,
    )


@router.get("/me", response_model=BalanceRead)
def get_my_balance(who: CurrentMember, session: SessionDep) -> BalanceRead:
    """Mini-program: my spendable points, what lapses today and any debt."""
    return _balance(session, who.member)


@router.get("/me/entries", response_model=EntryPage)
def get_my_entries(
    who: CurrentMember,
    session: SessionDep,
    before_id: RowId | None = None,
    limit: Annotated[int, Query(ge=1, le=200), NotBool] = 50,
) -> EntryPage:
    """Mini-program: my points history, newest first."""
    rows = service.history(session, who.member_id, before_id=before_id, limit=limit)
    items = [EntryRead.model_validate(row) for row in rows]
    return EntryPage(items=items, next_before_id=items[-1].id if len(items) == limit else None)


@router.get("/me/expiring", response_model=list[LotRead])
def get_my_expiring(
    who: CurrentMember, session: SessionDep, within_days: Annotated[int, Query(ge=1, le=800), NotBool] = 90
) -> list[LotRead]:
    """Mini-program: my points about to lapse (each lot at 00:00 store time of its day), soonest first."""
    day = service.store_today(session, who.store_id)
    return [
        LotRead.model_validate(lot) for lot in service.expiring(session, who.member_id, day, within_days=within_days)
    ]


@router.get("/members/{member_id}", response_model=BalanceRead)
def get_balance(member_id: RowId, session: SessionDep, reader: Reader) -> BalanceRead:
    """A member's spendable points (masked phone, tier, debt): what a till shows before a redemption."""
    return _balance(session, service.get_member(session, member_id, reader.store_id))


@router.get("/members/{member_id}/entries", response_model=EntryPage)
def get_entries(
    member_id: RowId,
    session: SessionDep,
    reader: Reader,
    before_id: RowId | None = None,
    limit: Annotated[int, Query(ge=1, le=200), NotBool] = 50,
) -> EntryPage:
    """The member's ledger, newest first; pass ``next_before_id`` back as ``before_id`` for the next page."""
    service.get_member(session, member_id, reader.store_id)
    rows = service.history(session, member_id, before_id=before_id, limit=limit)
    items = [EntryRead.model_validate(row) for row in rows]
    return EntryPage(items=items, next_before_id=items[-1].id if len(items) == limit else None)


@router.get("/members/{member_id}/expiring", response_model=list[LotRead])
def get_expiring(
    member_id: RowId,
    session: SessionDep,
    reader: Reader,
    within_days: Annotated[int, Query(ge=1, le=800), NotBool] = 90,
) -> list[LotRead]:
    """Lots with points left that lapse within ``within_days``, soonest first (each lapses at 00:00 store time)."""
    member = service.get_member(session, member_id, reader.store_id)
    day = service.store_today(session, member.store_id)
    return [LotRead.model_validate(lot) for lot in service.expiring(session, member_id, day, within_days=within_days)]


@router.post(
    "/members/{member_id}/redemptions", status_code=201, response_model=EntryRead, responses={400: {}, 404: {}, 409: {}}
)
def post_redemption(
    request: Request,
    member_id: RowId,
    data: RedeemIn,
    session: SessionDep,
    spender: Spender,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """Spend points on a coupon or gift; never beyond the spendable balance (409 ``points-insufficient``)."""

    def produce() -> EntryRead:
        entry = service.redeem(
            session,
            store_id=spender.store_id,
            member_id=member_id,
            points=data.points,
            key=key or uuid.uuid4().hex,
            reason=data.reason,
            actor=spender.label,
        )
        return EntryRead.model_validate(entry)

    return respond_once(session, request, spender.label, key=key, payload=data, produce=produce)


@router.post(
    "/members/{member_id}/adjustments", status_code=201, response_model=EntryRead, responses={400: {}, 404: {}, 409: {}}
)
def post_adjustment(
    request: Request,
    member_id: RowId,
    data: AdjustIn,
    session: SessionDep,
    manager: Manager,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """A manager's adjustment (signed points, a reason required), logged with who made it."""

    def produce() -> EntryRead:
        entry = service.adjust(
            session,
            store_id=manager.store_id,
            member_id=member_id,
            points=data.points,
            reason=data.reason,
            key=key or uuid.uuid4().hex,
            actor=manager.label,
        )
        return EntryRead.model_validate(entry)

    return respond_once(session, request, manager.label, key=key, payload=data, produce=produce)


@router.post(
    "/members/{member_id}/holds", status_code=201, response_model=HoldRead, responses={400: {}, 404: {}, 409: {}}
)
def post_hold(member_id: RowId, data: HoldIn, session: SessionDep, spender: Spender) -> HoldRead:
    """Set points aside as part-payment at a till; the same ``hold_key`` again returns the same hold."""
    row = service.hold(
        session,
        store_id=spender.store_id,
        member_id=member_id,
        points=data.points,
        hold_key=data.hold_key,
        actor=spender.label,
    )
    return HoldRead.model_validate(row)


Poster = Annotated[Principal, Depends(require(devices=(DeviceKind.pos_terminal, DeviceKind.capture_box)))]
CLAIM_SLACK = timedelta(minutes=30)  # between the scan of the member code and the sale's time


@router.post("/offline-claims", response_model=OfflineClaimRead, responses={400: {}, 403: {}, 404: {}, 409: {}})
def post_offline_claim(data: OfflineClaimIn, session: SessionDep, till: Poster) -> OfflineClaimRead:
    """Name the member on a sale posted without one and award its points at once: a till back online with the
    member code it accepted offline (checked at the scan time, single use), or a till or capture box with the
    member's phone (a receipt that names it). Post the sale first; a replay answers the same, changes nothing."""
    if (data.code is None) == (data.phone is None):
        raise InvalidInput("send a member code or a phone", errors=[{"loc": ["code"], "msg": "code or phone"}])
    if data.code is not None:
        if data.scanned_at is None or data.scanned_at.tzinfo is None:
            raise InvalidInput(
                "a code needs scanned_at with its UTC offset", errors=[{"loc": ["scanned_at"], "msg": "missing"}]
            )
        member, new = codes.claim_offline(
            session,
            till.store_id,
            data.code,
            scanned_at=data.scanned_at,
            order_no=data.order_no,
            device_id=till.device.id if till.device else None,
        )
    else:
        member = members_service.member_by_phone(session, till.store_id, data.phone or "")
        new = True
    order = sales_service.attach_member(session, till.store_id, data.order_no, member.id)  # type: ignore[arg-type]
    if data.scanned_at is not None and abs(order.ordered_at - data.scanned_at) > CLAIM_SLACK:
        raise InvalidInput(  # raised: the claim and the naming roll back
            f"the code was scanned at {data.scanned_at.isoformat()}, "
            f"the sale was made at {order.ordered_at.isoformat()}",
            errors=[{"loc": ["scanned_at"], "msg": "more than 30 minutes from the sale's time"}],
        )
    earlier = service.earned(session, order.id)  # type: ignore[arg-type]
    entry = service.award_order(session, order.id)  # type: ignore[arg-type]
    return OfflineClaimRead(
        order_no=data.order_no,
        member_id=member.id,  # type: ignore[arg-type]
        member_no=member.member_no,
        new=new and earlier is None,
        points_awarded=entry.points if entry is not None else 0,
    )


@router.post("/holds/{hold_key}/confirm", response_model=HoldRead, responses={404: {}, 409: {}})
def post_confirm(hold_key: str, data: ConfirmIn, session: SessionDep, spender: Spender) -> HoldRead:
    """The sale went through: the held points stay spent, recorded against ``order_no``."""
    row = service.confirm_hold(session, store_id=spender.store_id, hold_key=hold_key, order_no=data.order_no)
    return HoldRead.model_validate(row)


@router.post("/holds/{hold_key}/release", response_model=HoldRead, responses={404: {}, 409: {}})
def post_release(hold_key: str, session: SessionDep, spender: Spender) -> HoldRead:
    """The sale did not go through: the held points go back to the member."""
    row = service.release_hold(session, store_id=spender.store_id, hold_key=hold_key)
    return HoldRead.model_validate(row)


@router.get("/rules", response_model=list[RuleRead])
def get_rules(session: SessionDep, manager: Manager) -> list[RuleRead]:
    """The store's earn rules: ``base`` rules set fen per point (most specific wins), ``promo`` rules multiply."""
    rows = session.exec(
        select(PointsRule).where(PointsRule.store_id == manager.store_id).order_by(col(PointsRule.id))
    ).all()
    return [RuleRead.model_validate(row) for row in rows]


@router.post("/rules", status_code=201, response_model=RuleRead, responses={400: {}})
def post_rule(data: RuleIn, session: SessionDep, manager: Manager) -> RuleRead:
    """Add an earn rule (a promotion has a period: ``valid_from`` to ``valid_to``, both included)."""
    return RuleRead.model_validate(service.add_rule(session, manager.store_id, data.model_dump(), viewer=manager))


@router.post("/rules/{rule_id}/deactivate", response_model=RuleRead, responses={404: {}})
def post_rule_off(rule_id: RowId, session: SessionDep, manager: Manager) -> RuleRead:
    """Stop a rule from applying to sales from now on (kept for the record)."""
    row = session.get(PointsRule, rule_id)
    if row is None or row.store_id != manager.store_id:
        raise RuleNotFound(f"rule {rule_id} does not exist in this store")
    row.active = False
    session.add(row)
    session.flush()
    return RuleRead.model_validate(row)


_EXPORTS: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {
            "application/json": {},
            "text/csv": {},
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
        }
    },
    400: {},
}


@router.get("/liability", responses=_EXPORTS)
def get_liability(
    session: SessionDep,
    manager: Manager,
    start: Month,
    end: Month,
    format: str = Query("json", pattern=r"^(json|csv|xlsx)$"),
) -> Response:
    """Points outstanding per month valued in fen, with earn, redemption, expiry; and redemptions per funder."""
    if not 1 <= len(liability.months_between(start, end)) <= liability.MAX_MONTHS:
        raise InvalidInput(f"a liability report covers 1 to {liability.MAX_MONTHS} months, start before end")
    months = liability.monthly(session, manager.store_id, start, end)
    funders = liability.by_funder(session, manager.store_id, start, end)
    if format == "csv":
        return Response(
            liability.to_csv(months),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="points-liability-{start}-{end}.csv"'},
        )
    if format == "xlsx":
        return Response(
            liability.to_xlsx(months, funders),
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="points-liability-{start}-{end}.xlsx"'},
        )
    return JSONResponse(
        {
            "months": [row.__dict__ for row in months],
            "funders": [row.__dict__ for row in funders],
        }
    )
