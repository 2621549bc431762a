"""Credit API (S9 信用信息服务): every shop's score and rating with its reasons, permits, inspections and code
for staff (tenant staff see only their own shop), and the public data a credit QR code's page shows."""

from __future__ import annotations

from fastapi import APIRouter

from store.auth.deps import CurrentStaff
from store.auth.models import Role
from store.credit import service
from store.credit.schemas import CreditPublicRead, CreditShopDetail, CreditShopRead
from store.db import SessionDep
from store.wire import RowId

router = APIRouter(prefix="/credit", tags=["credit"])
BACK_OFFICE = (Role.admin, Role.manager)


@router.get("/shops", response_model=list[CreditShopRead])
def list_shops(session: SessionDep, who: CurrentStaff) -> list[CreditShopRead]:
    """Every open shop's score and rating (tenant staff: their own shop)."""
    return service.shop_summaries(session, who)


@router.get("/shops/{shop_id}", response_model=CreditShopDetail, responses={404: {}})
def read_shop(shop_id: RowId, session: SessionDep, who: CurrentStaff) -> CreditShopDetail:
    """One shop's credit: score, reasons linked to their records, licence, permits, inspections, current code."""
    return service.shop_detail(session, who, shop_id, full_licence=who.role in BACK_OFFICE)


@router.get("/public/{code}", response_model=CreditPublicRead, responses={400: {}})
def read_public(code: str, session: SessionDep) -> CreditPublicRead:
    """What a shop's credit QR code shows, as JSON (no login); an altered or forged code is refused (400)."""
    return service.public_view(session, code)
