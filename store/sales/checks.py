"""The arithmetic an order must satisfy, as pure functions (the API, imports and the service share them)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from store.sales.schemas import OrderCreate

# Till clocks drift: an order stamped this far ahead of the server is still accepted.
CLOCK_SKEW = timedelta(minutes=5)

Problem = dict[str, Any]


def _problem(loc: list[str | int], msg: str) -> Problem:
    return {"loc": loc, "msg": msg}


def _line_errors(data: OrderCreate) -> list[Problem]:
    errors: list[Problem] = []
    if not data.lines:
        errors.append(_problem(["lines"], "an order needs at least one line"))
    for i, line in enumerate(data.lines):
        loc: list[str | int] = ["lines", i]
        if line.quantity <= 0:
            errors.append(_problem([*loc, "quantity"], f"quantity must be positive, got {line.quantity}"))
        if line.unit_price_fen < 0:
            errors.append(_problem([*loc, "unit_price_fen"], f"must not be negative, got {line.unit_price_fen}"))
        if line.discount_fen < 0:
            errors.append(_problem([*loc, "discount_fen"], f"must not be negative, got {line.discount_fen}"))
        expected = line.quantity * line.unit_price_fen - line.discount_fen
        if line.total_fen != expected:
            errors.append(
                _problem(
                    [*loc, "total_fen"],
                    f"{line.total_fen} ≠ quantity × unit price − discount = "
                    f"{line.quantity} × {line.unit_price_fen} − {line.discount_fen} = {expected}",
                )
            )
        elif line.total_fen < 0:
            errors.append(_problem([*loc, "discount_fen"], "the discount is larger than the line amount"))
    return errors


def _total_errors(data: OrderCreate) -> list[Problem]:
    errors: list[Problem] = []
    lines_sum = sum(line.total_fen for line in data.lines)
    if data.subtotal_fen != lines_sum:
        errors.append(_problem(["subtotal_fen"], f"{data.subtotal_fen} ≠ sum of line totals {lines_sum}"))
    if data.discount_fen < 0:
        errors.append(_problem(["discount_fen"], f"must not be negative, got {data.discount_fen}"))
    expected = data.subtotal_fen - data.discount_fen
    if data.total_fen != expected:
        errors.append(
            _problem(
                ["total_fen"],
                f"{data.total_fen} ≠ subtotal − discount = {data.subtotal_fen} − {data.discount_fen} = {expected}",
            )
        )
    if data.total_fen < 0:
        errors.append(_problem(["total_fen"], f"must not be negative, got {data.total_fen}"))
    return errors


def _payment_errors(data: OrderCreate) -> list[Problem]:
    errors: list[Problem] = []
    for i, payment in enumerate(data.payments):
        if payment.amount_fen <= 0:
            errors.append(_problem(["payments", i, "amount_fen"], f"must be positive, got {payment.amount_fen}"))
    paid = sum(p.amount_fen for p in data.payments)
    if paid != data.total_fen:
        errors.append(_problem(["payments"], f"payments add up to {paid}, the order total is {data.total_fen}"))
    return errors


def order_errors(data: OrderCreate, *, now: datetime) -> list[Problem]:
    """Every field of ``data`` that breaks a rule; empty when the order adds up."""
    errors = _line_errors(data) + _total_errors(data) + _payment_errors(data)
    if data.member_id is not None and data.member_id <= 0:
        errors.append(_problem(["member_id"], f"must be a positive member id, got {data.member_id}"))
    if data.ordered_at > now + CLOCK_SKEW:
        errors.append(_problem(["ordered_at"], f"{data.ordered_at.isoformat()} is in the future"))
    return errors


def summary(errors: list[Problem]) -> str:
    """One readable line naming every wrong field."""
    return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors)
