"""Errors of the points domain, each with a stable problem ``type``; none leaves a ledger row behind."""

from __future__ import annotations

from store.errors import Conflict, InvalidInput, NotFound


class MemberNotFound(NotFound):
    type = "points-member-not-found"
    title = "Member not found"


class InvalidPoints(InvalidInput):
    """A points amount that is not a whole number above zero (negative, zero, fractional, a boolean)."""

    type = "points-invalid-amount"
    title = "Points must be a whole number above zero"


class InsufficientPoints(Conflict):
    type = "points-insufficient"
    title = "Not enough points"


class ReasonRequired(InvalidInput):
    type = "points-reason-required"
    title = "An adjustment needs a reason"


class InvalidExpiry(InvalidInput):
    type = "points-invalid-expiry"
    title = "Expiry date already past"


class HoldNotFound(NotFound):
    type = "points-hold-not-found"
    title = "Points hold not found"


class HoldClosed(Conflict):
    """The hold was already released or confirmed for another sale, or it lapsed."""

    type = "points-hold-closed"
    title = "Points hold is no longer open"


class KeyReused(Conflict):
    """The same reference was used before for a different member or amount."""

    type = "points-key-reused"
    title = "Reference already used for another redemption"


class RuleNotFound(NotFound):
    type = "points-rule-not-found"
    title = "Earn rule not found"
