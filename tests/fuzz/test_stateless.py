"""Every operation of the spec, fuzzed as the callers the permission matrix allows, with their real keys.

One pytest item per operation (so xdist spreads them); each runs ``FUZZ_EXAMPLES`` requests, positive
and negative, in one rolled-back transaction on the two-store world. A failure prints the request that
broke the contract and a ``curl`` line to replay it.
"""

from __future__ import annotations

from hypothesis import strategies as st

from tests.fuzz.harness import CHECKS, SCHEMA, SETTINGS, aim, rule_for


@SCHEMA.parametrize()
@SCHEMA.given(data=st.data())
@SETTINGS
def test_operation_keeps_its_contract(case, data, app, session, world):
    rule = rule_for(case)
    principal = data.draw(st.sampled_from(sorted(rule.allowed)), label="caller")
    aim(case, data, world, rule)
    example = session.begin_nested()  # each example starts from the same world, so a replay sees what it saw
    try:
        # Checks that re-send the request (make fuzz) must reach this test's app too.
        case.operation.app = case.operation.schema.app = app
        case.call_and_validate(headers=world.headers(principal), checks=CHECKS)
    finally:
        example.rollback()
