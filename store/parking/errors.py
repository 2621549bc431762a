"""Errors of the parking domain, each with a stable problem ``type``."""

from __future__ import annotations

from store.errors import Conflict, Forbidden, InvalidInput, NotFound


class InvalidPlate(InvalidInput):
    type = "parking-invalid-plate"
    title = "Not a valid plate"


class PlateNotFound(NotFound):
    type = "parking-plate-not-found"
    title = "No car with this plate"


class SessionNotFound(NotFound):
    type = "parking-session-not-found"
    title = "Parking stay not found"


class GateNotFound(NotFound):
    type = "parking-gate-not-found"
    title = "Gate not found"


class NotThisGate(Forbidden):
    type = "parking-not-this-gate"
    title = "This device is not the gate's controller"


class NothingToPay(Conflict):
    type = "parking-nothing-to-pay"
    title = "Nothing to pay"


class FeeChanged(Conflict):
    type = "parking-fee-changed"
    title = "The fee has changed"


class PlateTaken(Conflict):
    type = "parking-plate-taken"
    title = "Plate bound to another member"


class BadRule(InvalidInput):
    type = "parking-bad-rule"
    title = "Fee rule not valid"
