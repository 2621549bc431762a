"""The spec states every bound in JSON Schema's own words, so clients and the fuzzer see the limits.

A pydantic ``BeforeValidator`` placed before a field's bounds (``Annotated[int, BeforeValidator(f)]`` with
``Field(ge=1)``, on an optional field or a query parameter) makes pydantic write them as ``ge``/``le``:
keys no JSON Schema reader knows, so the limit silently vanished from the contract. ``store.wire.NotBool``
and ``NotReal`` go after the bounds.
"""

from __future__ import annotations

from typing import Any

import pytest

from store.app import create_app

pytestmark = pytest.mark.dbless  # opens no database: the SQLite pass runs it (tests/conftest.py)

PYDANTIC_ONLY = {"ge", "le", "gt", "lt", "multiple_of"}


def _misnamed(node: Any, path: str = "") -> list[str]:
    if isinstance(node, dict):
        found = [f"{path}/{key}" for key in node if key in PYDANTIC_ONLY]
        return found + [hit for key, value in node.items() for hit in _misnamed(value, f"{path}/{key}")]
    if isinstance(node, list):
        return [hit for index, value in enumerate(node) for hit in _misnamed(value, f"{path}/{index}")]
    return []


class TestSpecBounds:
    def test_no_bound_is_written_in_pydantics_private_words(self):
        assert _misnamed(create_app().openapi()) == []

    def test_a_list_limit_and_an_optional_area_keep_their_bounds(self):
        spec = create_app().openapi()
        limit = next(p for p in spec["paths"]["/api/v1/sales/orders"]["get"]["parameters"] if p["name"] == "limit")
        assert (limit["schema"]["minimum"], limit["schema"]["maximum"]) == (1, 500)
        area = spec["components"]["schemas"]["ShopUpdate"]["properties"]["selling_area_m2"]["anyOf"][0]
        assert (area["exclusiveMinimum"], area["maximum"]) == (0, 100_000)
