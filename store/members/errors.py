"""Errors of the members domain, each a stable problem+json ``type``."""

from __future__ import annotations

from store.errors import Conflict, Forbidden, InvalidInput, NotFound, StoreError, Unauthorized


class MemberNotFound(NotFound):
    type = "member-not-found"
    title = "Member not found"


class InvalidPhone(InvalidInput):
    type = "invalid-phone"
    title = "Invalid phone number"


class SignInCodeInvalid(InvalidInput):
    """The one-time sign-in code is wrong, expired, used, or was never sent to this phone (a 400: the
    request names no credential yet)."""

    type = "sign-in-code-invalid"
    title = "Sign-in code not valid"


class TooManyCodes(StoreError):
    status_code = 429
    type = "too-many-sign-in-codes"
    title = "Too many sign-in codes"

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": "60"}


class MemberTokenInvalid(Unauthorized):
    """Unknown, expired or revoked member token (a token used after logout lands here)."""

    type = "member-token-invalid"
    title = "Member token not valid"


class MemberCodeInvalid(InvalidInput):
    """Not a member code: wrong length or digits, or a check that fails (forged or mistyped)."""

    type = "member-code-invalid"
    title = "Member code not valid"


class MemberCodeExpired(InvalidInput):
    """A genuine code whose time step is past the skew allowed: a screenshot, or a phone's clock far off."""

    type = "member-code-expired"
    title = "Member code expired"


class MemberCodeUsed(Conflict):
    """A code already accepted once (or older than one accepted): single use."""

    type = "member-code-used"
    title = "Member code already used"


class MemberCodeOtherStore(Forbidden):
    type = "member-code-other-store"
    title = "Member code of another store"


class MemberInactive(Forbidden):
    type = "member-inactive"
    title = "Member account closed"


class UnknownConsentPurpose(InvalidInput):
    type = "unknown-consent-purpose"
    title = "Unknown consent purpose"


class InvalidTierRules(InvalidInput):
    type = "invalid-tier-rules"
    title = "Invalid tier rules"
