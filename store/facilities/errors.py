"""Errors of the facilities domain."""

from __future__ import annotations

from store.errors import InvalidInput, NotFound, StoreError


class DeviceNotFound(NotFound):
    type = "facility-device-not-found"
    title = "No such device in this store"


class BadDevice(InvalidInput):
    type = "bad-facility-device"
    title = "Device rejected"


class BadSurvey(InvalidInput):
    type = "bad-coverage-survey"
    title = "Coverage survey rejected"


class CommandNotSent(StoreError):
    """The broker could not be reached: the command is logged as not published, nothing switches."""

    status_code = 503
    type = "facility-command-not-sent"
    title = "Command not sent: the MQTT broker is unreachable"
