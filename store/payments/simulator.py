"""The bundled payment network simulator: answers paid, declined or unknown, as a test configures it.

``SIMULATOR.script(create=..., query=..., refund=...)`` sets what the next calls answer (a single
answer for every call, or a list consumed one call at a time, the last one repeating); ``reset()``
returns to "everything is paid". Payments asked for are remembered, so a query after an ``unknown``
create answers what the script says and a repeated ``payment_no`` is never charged twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from store.payments.network import register
from store.payments.schemas import Answer, NetworkAnswer, PaymentRequest

Script = Answer | str | Sequence[Answer | str]


@dataclass
class _Queue:
    answers: list[Answer] = field(default_factory=lambda: [Answer.paid])

    def next(self) -> Answer:
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


def _queue(script: Script) -> _Queue:
    items = [script] if isinstance(script, str) else list(script)
    return _Queue([Answer(item) for item in items] or [Answer.paid])


class SimulatorNetwork:
    """An in-process payment network; one shared instance (``SIMULATOR``) so tests can script it."""

    name = "simulator"

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self._create, self._query, self._refund = _queue(Answer.paid), _queue(Answer.paid), _queue(Answer.paid)
        self.charged: dict[str, int] = {}  # payment_no → fen actually taken
        self.refunded: dict[str, int] = {}  # refund_no → fen given back
        self.calls: list[tuple[str, str]] = []
        self._amounts: dict[str, int] = {}  # payment_no → fen asked for

    def script(
        self, *, create: Script | None = None, query: Script | None = None, refund: Script | None = None
    ) -> None:
        if create is not None:
            self._create = _queue(create)
        if query is not None:
            self._query = _queue(query)
        if refund is not None:
            self._refund = _queue(refund)

    def _settle(self, payment_no: str, amount_fen: int, answer: Answer) -> NetworkAnswer:
        if answer == Answer.paid:
            self.charged.setdefault(payment_no, amount_fen)
        return NetworkAnswer(answer, f"SIM-{payment_no}" if answer == Answer.paid else "", f"simulated {answer}")

    def create(self, request: PaymentRequest) -> NetworkAnswer:
        self.calls.append(("create", request.payment_no))
        self._amounts[request.payment_no] = request.amount_fen
        return self._settle(request.payment_no, request.amount_fen, self._create.next())

    def query(self, payment_no: str) -> NetworkAnswer:
        self.calls.append(("query", payment_no))
        if payment_no in self.charged:
            return NetworkAnswer(Answer.paid, f"SIM-{payment_no}", "already paid")
        amount = self._amounts.get(payment_no)
        if amount is None:
            return NetworkAnswer(Answer.declined, "", "no such payment")
        return self._settle(payment_no, amount, self._query.next())

    def refund(self, payment_no: str, refund_no: str, amount_fen: int) -> NetworkAnswer:
        self.calls.append(("refund", refund_no))
        if payment_no not in self.charged:
            return NetworkAnswer(Answer.declined, "", "payment not charged")
        answer = self._refund.next()
        if answer == Answer.paid:
            self.refunded.setdefault(refund_no, amount_fen)
        return NetworkAnswer(answer, f"SIMR-{refund_no}" if answer == Answer.paid else "", f"simulated {answer}")

    def query_refund(self, refund_no: str) -> NetworkAnswer:
        self.calls.append(("query_refund", refund_no))
        if refund_no in self.refunded:
            return NetworkAnswer(Answer.paid, f"SIMR-{refund_no}", "already refunded")
        answer = self._refund.next()
        return NetworkAnswer(answer, f"SIMR-{refund_no}" if answer == Answer.paid else "", f"simulated {answer}")


SIMULATOR = SimulatorNetwork()
register("simulator", lambda: SIMULATOR)
