"""The payment plugin interface: a payment network as a ``typing.Protocol``, plugins chosen by a setting.

The POS bridge, online orders and parking all pay through :func:`get_network`; the store never talks to a
network in any other way. ``SMARTSTORE_PAYMENT_PLUGIN`` names the plugin (``simulator`` by default; a real
network's adapter registers itself in :data:`PLUGINS`). Each call must be safe to repeat with the same
``payment_no`` / ``refund_no``: the network treats them as idempotency keys (WeChat Pay's ``out_trade_no``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from store.payments.schemas import NetworkAnswer, PaymentRequest


class PaymentNetwork(Protocol):
    name: str

    def create(self, request: PaymentRequest) -> NetworkAnswer:
        """Ask for the money; ``unknown`` when the network did not answer in time."""
        ...

    def query(self, payment_no: str) -> NetworkAnswer:
        """What became of a payment asked for earlier (``unknown`` while the network does not know)."""
        ...

    def refund(self, payment_no: str, refund_no: str, amount_fen: int) -> NetworkAnswer:
        """Give ``amount_fen`` back to the method the payment was made with."""
        ...

    def query_refund(self, refund_no: str) -> NetworkAnswer:
        """What became of a refund asked for earlier."""
        ...


PLUGINS: dict[str, Callable[[], PaymentNetwork]] = {}


def register(name: str, factory: Callable[[], PaymentNetwork]) -> None:
    """Make a plugin choosable by ``SMARTSTORE_PAYMENT_PLUGIN``."""
    PLUGINS[name] = factory


def get_network(name: str | None = None) -> PaymentNetwork:
    """The plugin the settings name (or ``name``); an unknown name is a clear error, never a silent default."""
    from store.config import get_settings
    from store.payments import simulator  # noqa: F401  (registers the bundled plugin)
    from store.payments.errors import UnknownPaymentPlugin

    chosen = name or get_settings().payment_plugin
    if chosen not in PLUGINS:
        known = ", ".join(sorted(PLUGINS))
        raise UnknownPaymentPlugin(f"payment plugin {chosen!r} is not installed (known: {known})")
    return PLUGINS[chosen]()
