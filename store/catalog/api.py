"""Catalogue API: the tills' sync, the one price resolver, price changes with approval, promotions, parity."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import AwareDatetime

from store.auth.deps import Principal, require
from store.auth.models import DeviceKind, Role
from store.catalog import parity as parity_service
from store.catalog import service as catalog_service
from store.catalog import sync as sync_service
from store.catalog.schemas import (
    ChangeStatus,
    ParityPreview,
    PriceChangeCreate,
    PriceChangeRead,
    PriceChannel,
    PriceRead,
    PromotionCreate,
    PromotionRead,
    SyncPage,
)
from store.clock import utcnow
from store.db import SessionDep
from store.wire import NotBool, RowId

router = APIRouter(prefix="/catalog", tags=["catalog"])

Syncer = Annotated[Principal, Depends(require(Role.admin, Role.manager, devices=(DeviceKind.pos_terminal,)))]
PriceReader = Annotated[
    Principal,
    Depends(require(Role.admin, Role.manager, Role.cashier, Role.marketing, devices=(DeviceKind.pos_terminal,))),
]
Requester = Annotated[Principal, Depends(require(Role.admin, Role.manager, Role.tenant))]
Approver = Annotated[Principal, Depends(require(Role.admin, Role.manager))]
Marketer = Annotated[Principal, Depends(require(Role.admin, Role.manager, Role.marketing))]


def _user_id(principal: Principal) -> int | None:
    return principal.user.id if principal.user is not None else None


@router.get("/sync", response_model=SyncPage, responses={400: {}})
def sync(
    session: SessionDep,
    caller: Syncer,
    cursor: Annotated[str | None, Query(max_length=24, description="`next_cursor` of the last page")] = None,
    limit: Annotated[int, Query(ge=1, le=5000), NotBool] = 1000,
) -> SyncPage:
    """SKUs changed since `cursor` with their offline price now and as scheduled; a till bound to a shop gets its
    shop's. Page until `more` is false, then record `version` on every sale as `price_book_version`."""
    return sync_service.page(session, caller.store_id, shop_id=caller.shop_id, cursor=cursor, limit=limit, now=utcnow())


@router.get("/price", response_model=PriceRead, responses={404: {}})
def price(
    session: SessionDep,
    caller: PriceReader,
    sku: Annotated[str, Query(min_length=1, max_length=64)],
    channel: PriceChannel,
    at: AwareDatetime | None = None,
) -> PriceRead:
    """The tax-inclusive effective price of a SKU on a channel at a moment (default now): the one resolver."""
    moment = at or utcnow()
    row = catalog_service.get_sku_by_code(session, caller.store_id, sku, viewer=caller)
    found = catalog_service.resolve(session, caller.store_id, row, channel, moment)
    return PriceRead(
        sku=row.code,
        channel=channel,
        at=moment,
        price_fen=found.price_fen,
        list_price_fen=found.list_price_fen,
        promotion=found.promotion,
        version=catalog_service.version_at(session, caller.store_id, moment),
    )


@router.post("/price-changes/preview", response_model=ParityPreview, responses={400: {}, 404: {}})
def preview_change(data: PriceChangeCreate, session: SessionDep, caller: Requester) -> ParityPreview:
    """What the change would do to the S6 parity share when it takes effect ("S6 share 31.2% → 29.8%")."""
    catalog_service.get_sku_by_code(session, caller.store_id, data.sku, viewer=caller)
    at = data.effective_at or utcnow()
    return parity_service.preview(session, caller.store_id, data.sku, data.channel, data.price_fen, at)


@router.post("/price-changes", status_code=201, response_model=PriceChangeRead, responses={400: {}, 404: {}})
def request_change(data: PriceChangeCreate, session: SessionDep, caller: Requester) -> PriceChangeRead:
    """Ask for a list-price change; it waits for a manager's approval (not the requester's own)."""
    change = catalog_service.request_change(session, caller, data, user_id=_user_id(caller))
    return PriceChangeRead.model_validate(change)


@router.get("/price-changes", response_model=list[PriceChangeRead])
def list_changes(session: SessionDep, caller: Requester, status: ChangeStatus | None = None) -> list[Any]:
    """The latest price changes (tenant staff: their shop's), newest first."""
    rows = catalog_service.list_changes(session, caller.store_id, status=status, viewer=caller)
    return [PriceChangeRead.model_validate(change) for change, _ in rows]


@router.post("/price-changes/{change_id}/approve", response_model=PriceChangeRead, responses={403: {}, 409: {}})
def approve_change(change_id: RowId, session: SessionDep, caller: Approver) -> PriceChangeRead:
    """Approve a pending change: the price takes effect at its time (or now) and the book version moves on."""
    change = catalog_service.decide(session, caller.store_id, change_id, approve=True, user_id=_user_id(caller))
    return PriceChangeRead.model_validate(change)


@router.post("/price-changes/{change_id}/reject", response_model=PriceChangeRead, responses={409: {}})
def reject_change(change_id: RowId, session: SessionDep, caller: Approver) -> PriceChangeRead:
    """Reject a pending change; prices stay as they are."""
    change = catalog_service.decide(session, caller.store_id, change_id, approve=False, user_id=_user_id(caller))
    return PriceChangeRead.model_validate(change)


@router.post("/promotions", status_code=201, response_model=PromotionRead, responses={400: {}, 404: {}})
def add_promotion(data: PromotionCreate, session: SessionDep, caller: Marketer) -> PromotionRead:
    """A percentage off on one channel for a window: all SKUs, a category or one SKU."""
    return PromotionRead.model_validate(catalog_service.add_promotion(session, caller.store_id, data))


@router.get("/parity")
def parity(
    session: SessionDep,
    caller: Approver,
    start: AwareDatetime,
    end: AwareDatetime,
    shop_id: RowId | None = None,
    category: Annotated[str | None, Query(max_length=40)] = None,
    drifted_limit: Annotated[int, Query(ge=0, le=5000), NotBool] = 200,
) -> dict[str, Any]:
    """S6 parity over [start, end): the share of SKUs at one price online and offline, by shop and category,
    and the drifted SKUs with both prices and since when; `rule` states how it is counted."""
    found = parity_service.report(session, caller.store_id, start, end, shop_id=shop_id, category=category)
    return parity_json(found, drifted_limit)


def _share(share: parity_service.Share) -> dict[str, Any]:
    return {"in_parity": share.in_parity, "counted": share.counted, "percent": share.percent}


def parity_json(found: parity_service.ParityReport, drifted_limit: int) -> dict[str, Any]:
    def when(moment: datetime | None) -> str | None:
        return moment.isoformat() if moment is not None else None

    return {
        "start": found.start.isoformat(),
        "end": found.end.isoformat(),
        "rule": {"zh": found.rule_zh, "en": found.rule_en},
        "total": _share(found.total),
        "statuses": dict(found.statuses),
        "by_shop": [{"shop_id": k, **_share(v)} for k, v in sorted(found.by_shop.items())],
        "by_category": [{"category": k, **_share(v)} for k, v in sorted(found.by_category.items())],
        "drifted_total": len(found.drifted),
        "drifted": [
            {
                "sku": d.sku,
                "shop_id": d.shop_id,
                "category": d.category,
                "offline_fen": d.offline_fen,
                "online_fen": d.online_fen,
                "since": when(d.since),
                "until": when(d.until),
            }
            for d in found.drifted[:drifted_limit]
        ],
    }
