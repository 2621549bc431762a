"""The fuzzer's set-up, in one place: the spec, the checks, how many examples, and who sends each request.

Operations come from the app's own OpenAPI spec (``store.app.create_app().openapi()``: no server, no
network). Each request is sent in-process to the test's app, which shares the test's rolled-back
session, as a caller the permission matrix (``tests/permissions/matrix.py``) allows for that operation,
with that caller's real credentials from the world of two stores (``tests/permissions/world.py``).

Knobs (environment, read at import):

- ``FUZZ_EXAMPLES``: examples per operation (default 12 in the suite; ``make fuzz`` runs 300);
- ``FUZZ_STEPS``: stateful scenarios (default 15; ``make fuzz`` runs 200);
- ``FUZZ_CHECKS=all``: every schemathesis check, including the opinionated ones (``make fuzz``); by
  default the checks of the contract: no 5xx, documented status codes, content types, bodies and
  headers matching the spec, and malformed input refused.
"""

from __future__ import annotations

import os
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from store.app import create_app
from tests.permissions.matrix import MATRIX, Rule
from tests.permissions.world import World

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
STEPS = int(os.environ.get("FUZZ_STEPS", "15"))
ALL_CHECKS = os.environ.get("FUZZ_CHECKS", "") == "all"

CONTRACT_CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    negative_data_rejection,
]
# ``None`` lets schemathesis run every check it has.
CHECKS: list[Any] | None = None if ALL_CHECKS else CONTRACT_CHECKS

# Examples of the spec and the coverage phase cannot be combined with the drawn caller; fuzzing covers them.
# The caller's credentials are real ones (``world.headers``): schemathesis must not invent keys of its own,
# or a random X-Device-Key would shadow the caller's token and every request would be a 401.
# NUL in text is refused app-wide (store/nul_guard.py, a 422 naming the field): valid examples carry none.
# A rule the schema cannot state (totals that add up, a closing date after the opening) is a documented
# 400 problem, so `make fuzz`'s positive_data_acceptance counts a 400 as an answer, not as a refusal.
CONFIG = schemathesis.Config.from_dict(
    {
        "phases": {"examples": {"enabled": False}, "coverage": {"enabled": False}},
        "generation": {"with-security-parameters": False, "allow-x00": False},
        "checks": {
            "positive_data_acceptance": {"expected-statuses": ["2xx", "3xx", "400", "401", "403", "404", "409", "429"]}
        },
    }
)
SCHEMA = schemathesis.openapi.from_dict(create_app().openapi(), config=CONFIG)

SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,  # the machine is shared: speed is measured in bench/, never asserted
    derandomize=not ALL_CHECKS,  # the suite replays the same examples every run; `make fuzz` explores
    suppress_health_check=list(HealthCheck),
    database=None,
)


def rule_for(case: Any) -> Rule:
    """The permission matrix's row of the case's operation (every operation has one: test_matrix)."""
    return MATRIX[(case.method.upper(), case.path)]


def known_values(world: World) -> dict[str, Any]:
    """Values that exist in the home store, for body and query fields of these names."""
    home = world.home
    return {
        "shop_id": home.shop.id,
        "zone_id": home.entrance.id,
        "floor_code": home.floor.code,
        "floor": home.floor.code,
    }


def _replace_known(value: Any, name: str, known: Any) -> Any:
    if isinstance(value, dict):
        return {k: (known if k == name else _replace_known(v, name, known)) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace_known(item, name, known) for item in value]
    return value


def is_positive(case: Any) -> bool:
    meta = getattr(case, "meta", None)
    return meta is None or not meta.generation.mode.is_negative


def aim(case: Any, data: st.DataObject, world: World, rule: Rule) -> None:
    """Point a positive case at rows that exist, some of the time, so it reaches past "not found"."""
    if not is_positive(case):
        return  # a negative case's wrong value is the point: replacing it could make it valid
    for name, known in rule.path_ids.items():
        if case.path_parameters and name in case.path_parameters and data.draw(st.booleans(), label=f"known {name}"):
            case.path_parameters[name] = known(world)
    for name, known in known_values(world).items():
        if isinstance(case.query, dict) and name in case.query and data.draw(st.booleans(), label=f"known {name}"):
            case.query[name] = known
        if isinstance(case.body, dict | list) and name in str(case.body) and data.draw(st.booleans(), label=name):
            case.body = _replace_known(case.body, name, known)
