"""Wire types of the payment plugins: what a payment network is asked and what it answers."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class PaymentStatus(StrEnum):
    pending = "pending"  # the network's answer is not known yet: a query resolves it later
    paid = "paid"
    declined = "declined"


class RefundStatus(StrEnum):
    pending = "pending"
    done = "done"
    failed = "failed"


class Answer(StrEnum):
    """What a network says about a payment or refund."""

    paid = "paid"  # for a refund: the money went back
    declined = "declined"
    unknown = "unknown"  # timeout, network error, still processing


@dataclass(frozen=True)
class PaymentRequest:
    payment_no: str  # ours, new for every attempt: the network's idempotency key
    amount_fen: int
    method: str  # wechat, alipay, unionpay, …
    description: str = ""


@dataclass(frozen=True)
class NetworkAnswer:
    answer: Answer
    network_ref: str = ""  # the network's own transaction or refund id
    message: str = ""
