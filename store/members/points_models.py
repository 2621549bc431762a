"""Tables of the points ledger: immutable entries and the lots they earn and consume."""

from __future__ import annotations

__all__: list[str] = []
