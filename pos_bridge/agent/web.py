"""The cashier screen and its local API, served by the agent on localhost only (the till itself)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from pos_bridge.agent.till import CartLine, Till, TillError

STATIC = Path(__file__).parent / "static"


class LineIn(BaseModel):
    code: str = Field(min_length=1, max_length=64)
    quantity: int = Field(default=1, ge=1, le=9999)


class SaleIn(BaseModel):
    lines: list[LineIn] = Field(max_length=200)
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
        )

    @app.post("/api/refunds")
    def refund(data: RefundIn) -> dict[str, Any]:
        return till.refund(data.order_no, data.amount_fen, data.reason)

    @app.post("/api/reprint")
    def reprint(data: OrderNoIn) -> dict[str, Any]:
        return till.reprint(data.order_no)

    @app.get("/api/dead")
    def dead() -> list[dict[str, Any]]:
        return [
            {
                "id": e.id,
                "kind": e.kind,
                "order_no": e.order_no,
                "till_seq": e.till_seq,
                "error": e.last_error,
                "payload": e.payload,
            }
            for e in till.outbox.entries("dead")
        ]

    @app.post("/api/dead/{entry_id}/resend")
    def resend(entry_id: int, data: ResendIn) -> dict[str, Any]:
        try:
            entry = till.outbox.resend(entry_id, data.payload)
        except KeyError as exc:
            raise TillError(f"没有这条死信 (no dead letter {entry_id})", 404) from exc
        till.forwarder.wake()
        return {"id": entry.id, "state": entry.state}

    @app.post("/api/shift/close")
    def close_shift() -> dict[str, Any]:
        return till.close_shift()

    @app.post("/api/shift/open")
    def open_shift() -> dict[str, Any]:
        return till.open_shift()

    return app
