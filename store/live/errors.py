"""Errors of the live domain, each with a stable problem ``type``."""

from __future__ import annotations

from store.errors import Conflict, InvalidInput, NotFound


class LiveSessionNotFound(NotFound):
    type = "live-session-not-found"
    title = "Live session not found"


class LiveCodeUnknown(InvalidInput):
    """A session link, QR or coupon code that names no session of this store, or one outside its window."""

    type = "live-code-unknown"
    title = "Live session code not valid"


class LiveTimesInvalid(InvalidInput):
    type = "live-times-invalid"
    title = "Session ends before it starts"


class LiveCodeTaken(Conflict):
    type = "live-code-taken"
    title = "Code already used"


class RetentionTooShort(InvalidInput):
    type = "live-retention-too-short"
    title = "Live records are kept at least three years"
