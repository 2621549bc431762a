"""Errors of auth that callers handle on their own (the others are the shared ones in ``store.errors``)."""

from __future__ import annotations

import math

from store.errors import StoreError


class TooManyAttempts(StoreError):
    """Sign-ins refused for a while after too many failures for one username or one client address."""

    status_code = 429
    type = "too-many-attempts"
    title = "Too many attempts"

    def __init__(self, retry_after_s: float) -> None:
        self.retry_after_s = max(1, math.ceil(retry_after_s))
        # The same words whether or not the username exists: the throttle must not tell them apart.
        super().__init__(f"too many failed sign-in attempts: try again in {self.retry_after_minutes} minute(s)")

    @property
    def retry_after_minutes(self) -> int:
        """The wait rounded up to whole minutes, for people."""
        return math.ceil(self.retry_after_s / 60)

    @property
    def headers(self) -> dict[str, str]:
        """HTTP headers of the refusal (RFC 9110 ``Retry-After`` in seconds)."""
        return {"Retry-After": str(self.retry_after_s)}


class AmbiguousCredentials(StoreError):
    """A request carried two credentials (say a bearer token and a device key): refused, never guessed."""

    status_code = 400
    type = "ambiguous-credentials"
    title = "More than one credential"

    def __init__(self, sent: str) -> None:
        super().__init__(f"send one credential, not several: this request carried {sent}")
