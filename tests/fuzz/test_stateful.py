"""Create → read → update chains, following the spec's OpenAPI links (``store/openapi_links.py``).

Schemathesis builds a state machine from the links: a floor created with POST leads to a zone and a
shop on it, the shop to its page, its update, its headcount and an order at it, the order to its page
and a refund, and so on. Each step is sent as a caller the permission matrix allows for it.
"""

from __future__ import annotations

from typing import Any

from hypothesis import settings

from tests.fuzz.harness import CHECKS, SCHEMA, SETTINGS, STEPS, rule_for

# Who sends a step: the first of these the matrix allows (the stateless fuzz varies the caller instead).
PREFERRED = ("manager", "admin", "camera_node", "pos_terminal", "cashier", "tenant", "marketing", "security")


def caller_for(case: Any) -> str:
    allowed = rule_for(case).allowed
    return next((p for p in PREFERRED if p in allowed), min(allowed))


def test_linked_operations_keep_their_contract(app, session, world):
    SCHEMA.app = app  # this test's app, sharing its session; checks that re-send a request reach it too

    class Chains(SCHEMA.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            # Each scenario starts from the same world: Hypothesis replays a scenario and must see the same
            # answers (a floor code created twice would be a 409 the second time).
            self.scenario = session.begin_nested()

        def teardown(self) -> None:
            self.scenario.rollback()

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": world.headers(caller_for(case))}

        def validate_response(self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any) -> None:
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs)

    Chains.run(settings=settings(SETTINGS, max_examples=STEPS, stateful_step_count=6))
