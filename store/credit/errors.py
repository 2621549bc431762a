"""Errors of the credit domain (problem+json types under store.errors)."""

from __future__ import annotations

from store.errors import Conflict, InvalidInput, NotFound


class ComplaintNotFound(NotFound):
    type = "complaint-not-found"
    title = "Complaint not found"


class ComplaintInvalid(InvalidInput):
    """An empty or too long complaint, a bad phone number, a wrong challenge answer."""

    type = "complaint-invalid"
    title = "Complaint not accepted"


class PhotoRefused(InvalidInput):
    """A photo over the size limit, too many photos, or a file that is not a JPEG, PNG or WebP image."""

    type = "photo-refused"
    title = "Photo refused"


class ComplaintClosed(Conflict):
    """The complaint is already resolved or rejected (or not closed yet, for a satisfaction rating)."""

    type = "complaint-closed"
    title = "Complaint already closed"


class ServiceNotFound(NotFound):
    type = "credit-service-not-found"
    title = "Credit service not found"


class CreditInputInvalid(InvalidInput):
    type = "credit-input-invalid"
    title = "Invalid input"


class AppealNotFound(NotFound):
    type = "credit-appeal-not-found"
    title = "Appeal not found"
