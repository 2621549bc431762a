"""Errors of the pos domain."""

from __future__ import annotations

from store.errors import Conflict, Forbidden, NotFound


class NotATill(Forbidden):
    type = "not-a-till"
    title = "Only a till (pos_terminal device) may do this"


class PosPaymentNotFound(NotFound):
    type = "pos-payment-not-found"
    title = "No such till payment"


class DiscardConflict(Conflict):
    type = "pos-discard-conflict"
    title = "The till reported another sale discarded under this number"
