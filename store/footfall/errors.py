"""Errors of the footfall domain."""

from __future__ import annotations

from store.errors import Conflict, InvalidInput


class BadCounts(InvalidInput):
    """Negative counts, intervals in the future, unknown zones; ``errors`` names every bad interval."""

    type = "bad-footfall-counts"
    title = "Footfall counts rejected"


class CountsRace(Conflict):
    type = "footfall-race"
    title = "Another node wrote the same interval at the same moment"
