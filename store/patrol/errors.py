"""Errors of the patrol domain; each renders as problem+json with a stable ``type``."""

from __future__ import annotations

from store.errors import Conflict, InvalidInput, NotFound


class CameraNotFound(NotFound):
    type = "camera-not-found"
    title = "Camera not found"


class FindingNotFound(NotFound):
    type = "finding-not-found"
    title = "Finding not found"


class RouteNotFound(NotFound):
    type = "patrol-route-not-found"
    title = "Patrol route not found"


class RoundNotFound(NotFound):
    type = "patrol-round-not-found"
    title = "Patrol round not found"


class BadPatrolInput(InvalidInput):
    """A camera, zone, device or stop that is not this store's, a snapshot that is not a JPEG."""

    type = "bad-patrol-input"
    title = "Patrol input rejected"


class PatrolConflict(Conflict):
    """A camera code already used, a finding already closed, a round already finished."""

    type = "patrol-conflict"
    title = "Patrol conflict"
