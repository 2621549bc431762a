"""Errors of wayfinding; each renders as problem+json for the API and a readable kiosk page."""

from __future__ import annotations

from store.errors import Conflict, Forbidden, InvalidInput, NotFound


class MapNotReady(NotFound):
    type = "map-not-ready"
    title = "The store map is not ready"


class PlaceNotFound(NotFound):
    type = "place-not-found"
    title = "Place not found"


class NoRoute(Conflict):
    """No path between the two places with this profile (an accessible route never falls back on stairs)."""

    type = "no-route"
    title = "No route"


class BadMapData(InvalidInput):
    """IMDF data that fails validation (geometry, references, levels): nothing is written."""

    type = "bad-map-data"
    title = "Map data is not valid"


class KioskNotFound(NotFound):
    type = "kiosk-not-found"
    title = "Kiosk not found"


class KioskOfAnotherDevice(Forbidden):
    """A kiosk device beating for a kiosk bound to another device: a key proves only its own kiosk."""

    type = "kiosk-of-another-device"
    title = "That kiosk belongs to another device"
