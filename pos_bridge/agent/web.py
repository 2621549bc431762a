"""The cashier screen and its local API, served by the agent on localhost only (the till itself)."""

from __future__ import annotations

import hmac
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Header, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from pos_bridge.agent.till import CartLine, Till, TillError

STATIC = Path(__file__).parent / "static"


class LineIn(BaseModel):
    code: str = Field(min_length=1, max_length=64)
    quantity: int = Field(default=1, ge=1, le=9999)


class TenderIn(BaseModel):
    method: str = Field(max_length=20)
    amount_fen: int = Field(ge=1)


class SaleIn(BaseModel):
    lines: list[LineIn] = Field(max_length=200)
    tenders: list[TenderIn] = Field(default_factory=list, max_length=5)  # a split tender
    method: str = "cash"
    member: dict[str, Any] | None = None
    discount_fen: int = Field(default=0, ge=0)
    coupon_code: str = Field(default="", max_length=64)
    auth_code: str = Field(default="", max_length=32)


class CodeIn(BaseModel):
    code: str = Field(min_length=1, max_length=64)


class CouponIn(CodeIn):
    subtotal_fen: int = Field(ge=0)
    member_id: int | None = None


class RefundIn(BaseModel):
    order_no: str = Field(min_length=1, max_length=64)
    amount_fen: int | None = Field(default=None, ge=1)
    reason: str = Field(default="", max_length=200)


class OrderNoIn(BaseModel):
    order_no: str = Field(min_length=1, max_length=64)


class ResendIn(BaseModel):
    payload: dict[str, Any] | None = None


class FixLineIn(BaseModel):
    sku: str = Field(min_length=1, max_length=64)
    quantity: int = Field(ge=1, le=9999)


class FixIn(BaseModel):
    lines: list[FixLineIn] = Field(max_length=200)


class DiscardIn(BaseModel):
    reason: str = Field(min_length=1, max_length=200)


def create_app(till: Till) -> FastAPI:
    app = FastAPI(title="smartstore till", docs_url=None, redoc_url=None, openapi_url=None)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.exception_handler(TillError)
    async def _till_error(_request: Request, exc: TillError) -> JSONResponse:
        return JSONResponse({"error": exc.message}, status_code=exc.status)

    @app.get("/", response_class=HTMLResponse)
    def screen(lang: str = "zh") -> HTMLResponse:
        html = (STATIC / "cashier.html").read_text(encoding="utf-8")
        lang = "en" if lang == "en" else "zh"
        return HTMLResponse(html.replace("{{lang}}", lang).replace("{{till}}", till.settings.till_code))

    @app.get("/api/state")
    def state() -> dict[str, Any]:
        return till.state()

    @app.get("/api/lookup")
    def lookup(code: str) -> dict[str, Any]:
        return till.lookup(code)

    @app.post("/api/member")
    def member(data: CodeIn) -> dict[str, Any]:
        return till.member(data.code)

    @app.post("/api/coupon")
    def coupon(data: CouponIn) -> dict[str, Any]:
        return till.coupon(data.code, data.subtotal_fen, data.member_id)

    @app.post("/api/sales")
    def sell(data: SaleIn) -> dict[str, Any]:
        return till.sell(
            [CartLine(line.code, line.quantity) for line in data.lines],
            method=data.method,
            member=data.member,
            discount_fen=data.discount_fen,
            coupon_code=data.coupon_code,
            auth_code=data.auth_code,
            tenders=[(t.method, t.amount_fen) for t in data.tenders] or None,
        )

    @app.post("/api/refunds")
    def refund(data: RefundIn) -> dict[str, Any]:
        return till.refund(data.order_no, data.amount_fen, data.reason)

    @app.post("/api/reprint")
    def reprint(data: OrderNoIn) -> dict[str, Any]:
        return till.reprint(data.order_no)

    def supervisor(x_supervisor_pin: str = Header(default="")) -> None:
        pin = till.settings.supervisor_pin
        if pin and not hmac.compare_digest(pin.encode(), x_supervisor_pin.encode()):
            raise TillError("需要主管密码 (the supervisor's PIN is needed)", 401)

    @app.get("/dead", response_class=HTMLResponse)
    def dead_page(lang: str = "zh") -> HTMLResponse:
        html = (STATIC / "dead.html").read_text(encoding="utf-8")
        lang = "en" if lang == "en" else "zh"
        return HTMLResponse(html.replace("{{lang}}", lang).replace("{{till}}", till.settings.till_code))

    @app.get("/api/dead", dependencies=[Depends(supervisor)])
    def dead() -> list[dict[str, Any]]:
        return till.dead_letters()

    @app.post("/api/dead/{entry_id}/fix", dependencies=[Depends(supervisor)])
    def fix(entry_id: int, data: FixIn) -> dict[str, Any]:
        return till.fix_dead(entry_id, [CartLine(line.sku, line.quantity) for line in data.lines])

    @app.post("/api/dead/{entry_id}/resend", dependencies=[Depends(supervisor)])
    def resend(entry_id: int, data: ResendIn) -> dict[str, Any]:
        return till.resend_dead(entry_id, data.payload)

    @app.post("/api/dead/{entry_id}/discard", dependencies=[Depends(supervisor)])
    def discard(entry_id: int, data: DiscardIn) -> dict[str, Any]:
        return till.discard_dead(entry_id, data.reason)

    @app.post("/api/shift/close")
    def close_shift() -> dict[str, Any]:
        return till.close_shift()

    @app.post("/api/shift/open")
    def open_shift() -> dict[str, Any]:
        return till.open_shift()

    return app
