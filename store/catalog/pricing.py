"""THE price resolver, pure: list prices and promotions in, the tax-inclusive effective price out.

Every channel (tills through the sync, the mini-program, live sessions) and the parity report get their
prices from :func:`effective`, so no two channels can compute a price differently (research note A(b)1).

The rule, stated once:

* the list price of a SKU on a channel at moment ``t`` is the price entry with the latest ``starts_at``
  at or before ``t`` (none: the SKU is not on sale on that channel);
* a price book that keeps prices before tax adds the SKU's VAT: ``round(list × (1 + rate))`` to the fen,
  halves up, so 88.50 + 13 % and 100.00 tax-inclusive both read 100.00;
* the promotions in force at ``t`` (``starts_at ≤ t < ends_at``) on that channel — channel-wide, for the
  SKU's category, or for the SKU — do not stack: the deepest one applies, ``round(price × (100 − pct) / 100)``.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

# Parity statuses of a SKU over a period (S6 同品同质同价).
PARITY = "parity"
DRIFTED = "drifted"
OFFLINE_ONLY = "offline_only"
ONLINE_ONLY = "online_only"
UNLISTED = "unlisted"


@dataclass(frozen=True)
class Promo:
    """A percentage off on one channel between ``starts_at`` (included) and ``ends_at`` (excluded)."""

    starts_at: datetime
    ends_at: datetime
    percent_off: int
    name: str = ""


class Book:
    """What the resolver needs of one SKU on one channel: its price entries, sorted by start, and promotions."""

    __slots__ = ("prices", "promos", "starts", "tax_included", "tax_rate_bp")

    def __init__(
        self,
        starts: Sequence[datetime],
        prices: Sequence[int],
        promos: Sequence[Promo],
        tax_included: bool,
        tax_rate_bp: int,  # VAT in basis points: 1300 = 13 %
    ) -> None:
        self.starts, self.prices, self.promos = starts, prices, promos
        self.tax_included, self.tax_rate_bp = tax_included, tax_rate_bp

    @classmethod
    def of(
        cls, entries: Iterable[tuple[datetime, int]], promos: Sequence[Promo], *, tax_included: bool, tax_rate_bp: int
    ) -> Book:
        ordered = sorted(entries)
        return cls([e[0] for e in ordered], [e[1] for e in ordered], promos, tax_included, tax_rate_bp)

    def with_entry(self, at: datetime, price_fen: int) -> Book:
        """This book with a price from ``at`` (replacing an entry that starts then)."""
        entries = [(t, p) for t, p in zip(self.starts, self.prices, strict=True) if t != at] + [(at, price_fen)]
        return Book.of(entries, self.promos, tax_included=self.tax_included, tax_rate_bp=self.tax_rate_bp)


@dataclass(frozen=True)
class Resolved:
    price_fen: int  # tax-inclusive effective price
    list_price_fen: int  # tax-inclusive list price, before any promotion
    promotion: str | None  # the promotion that applied


def _half_up(numerator: int, denominator: int) -> int:
    return (2 * numerator + denominator) // (2 * denominator)


def with_tax(price_fen: int, *, tax_included: bool, tax_rate_bp: int) -> int:
    """The tax-inclusive price of a list price (halves of a fen rounded up)."""
    return price_fen if tax_included else _half_up(price_fen * (10_000 + tax_rate_bp), 10_000)


def discounted(price_fen: int, percent_off: int) -> int:
    return _half_up(price_fen * (100 - percent_off), 100)


def effective(book: Book, at: datetime) -> Resolved | None:
    """The tax-inclusive effective price at ``at``, or None where the SKU has no price on the channel then."""
    index = bisect_right(book.starts, at) - 1
    if index < 0:
        return None
    listed = with_tax(book.prices[index], tax_included=book.tax_included, tax_rate_bp=book.tax_rate_bp)
    price, name = listed, None
    for promo in book.promos:
        if promo.starts_at <= at < promo.ends_at:
            cut = discounted(listed, promo.percent_off)
            if cut < price:
                price, name = cut, promo.name
    return Resolved(price, listed, name)


def change_points(book: Book, start: datetime, end: datetime) -> set[datetime]:
    """The moments in ``(start, end)`` where the book's price may change."""
    points = {t for t in book.starts if start < t < end} if book.starts and book.starts[-1] > start else set()
    for promo in book.promos:
        points.update(t for t in (promo.starts_at, promo.ends_at) if start < t < end)
    return points


@dataclass(frozen=True)
class Parity:
    """A SKU's parity over a period: its status, and for a drifted one both prices and since when."""

    status: str
    offline_fen: int | None = None
    online_fen: int | None = None
    since: datetime | None = None  # start of the latest stretch where the prices differed
    until: datetime | None = None  # its end, when it ended inside the period (None: still drifted at the end)


def parity(offline: Book, online: Book, start: datetime, end: datetime) -> Parity:
    """S6 rule over ``[start, end)``: in parity when, at the period's end, both channels sell the SKU, and at no
    moment of the period where both sold it did their effective prices differ. ``end`` itself is excluded:
    a snapshot at ``t`` is ``parity(..., t, t)`` read at ``t`` only."""
    moments = sorted({start} | change_points(offline, start, end) | change_points(online, start, end))
    last_drift: tuple[int, int, int] | None = None  # (index of first moment of the stretch, off, on)
    run_start: int | None = None
    until: datetime | None = None
    for i, moment in enumerate(moments):
        off, on = effective(offline, moment), effective(online, moment)
        if off is not None and on is not None and off.price_fen != on.price_fen:
            if run_start is None:
                run_start = i
            last_drift = (run_start, off.price_fen, on.price_fen)
            until = None
        elif run_start is not None:
            run_start, until = None, moment
    last = moments[-1]
    if last_drift is not None:
        return Parity(DRIFTED, last_drift[1], last_drift[2], moments[last_drift[0]], until)
    off, on = effective(offline, last), effective(online, last)
    if off is not None and on is not None:
        return Parity(PARITY, off.price_fen, on.price_fen)
    if off is not None:
        return Parity(OFFLINE_ONLY, off.price_fen, None)
    if on is not None:
        return Parity(ONLINE_ONLY, None, on.price_fen)
    return Parity(UNLISTED)  # on sale on neither channel: outside the S6 denominator


def timeline(book: Book, start: datetime, end: datetime) -> list[tuple[datetime, int | None]]:
    """The effective price from ``start`` and at each later change before ``end`` (equal neighbours merged)."""
    steps: list[tuple[datetime, int | None]] = []
    for moment in sorted({start} | change_points(book, start, end)):
        found = effective(book, moment)
        price = found.price_fen if found is not None else None
        if not steps or steps[-1][1] != price:
            steps.append((moment, price))
    return steps
