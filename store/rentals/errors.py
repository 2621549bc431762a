"""Errors of the rentals domain, each a stable problem+json ``type``."""

from __future__ import annotations

from store.errors import Conflict, InvalidInput, NotFound


class StationNotFound(NotFound):
    type = "rental-station-not-found"
    title = "Rental station not found"


class AssetNotFound(NotFound):
    type = "rental-asset-not-found"
    title = "Rental asset not found"


class RentalNotFound(NotFound):
    type = "rental-not-found"
    title = "Rental not found"


class AssetNotAvailable(Conflict):
    """The asset is out with another renter (or retired): of two renters at once, exactly one gets it."""

    type = "rental-asset-not-available"
    title = "Asset not available"


class NotYourRental(Conflict):
    type = "rental-not-yours"
    title = "Rented by another member"


class DepositNotPaid(Conflict):
    """The deposit was declined (or its answer is unknown): the asset stays at the station."""

    type = "rental-deposit-not-paid"
    title = "Deposit not paid"


class BadRentalInput(InvalidInput):
    type = "rental-bad-input"
    title = "Rental input rejected"
