"""The OpenAPI spec tells the truth about errors: every one is an RFC 9457 problem+json body.

FastAPI documents its 422 as ``application/json`` with its own ``HTTPValidationError`` shape and knows
nothing of the 401/403 that the auth dependencies answer or the 404 of a path id, while
``store.app`` renders every error as ``application/problem+json``. Routes still list the statuses their
services raise (``responses={409: {}}``); this fills in the common ones and the body of each.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

PROBLEM_JSON = "application/problem+json"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "An RFC 9457 problem: the body of every API error; `type` is stable, `detail` readable.",
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "description": "Stable URI naming the kind of problem"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string", "description": "What is wrong, for a person"},
        "instance": {"type": "string", "description": "The path that was called"},
        "errors": {
            "type": "array",
            "description": "Each wrong field: `loc` (where) and `msg` (why)",
            "items": {"type": "object", "properties": {"loc": {"type": "array"}, "msg": {"type": "string"}}},
        },
    },
}

DESCRIPTIONS = {
    "400": "The request breaks a business rule; `errors` names each wrong field",
    "401": "No valid staff token or device key",
    "403": "The caller's role or device may not do this",
    "404": "Not found (or not in the caller's store or shop)",
    "409": "Conflicts with what is stored",
    "413": "The request body is larger than the server takes (SMARTSTORE_MAX_BODY_BYTES)",
    "422": "The request is malformed; `errors` names each wrong field",
    "429": "Too many attempts; see Retry-After",
}


def _document_operation(operation: dict[str, Any]) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    if operation.get("security"):
        responses.setdefault("400", {})  # two credentials at once (store.auth.deps)
        responses.setdefault("401", {})
        responses.setdefault("403", {})
    if any(p.get("in") == "path" for p in operation.get("parameters", [])):
        responses.setdefault("404", {})
    if "requestBody" in operation:
        responses.setdefault("400", {})  # FastAPI's own answer to a body it cannot parse
        responses.setdefault("413", {})  # store.http_guard.BodyLimit
    for code, response in responses.items():
        if code[0] in "45":
            generic = {"", "Validation Error", "Additional Response", HTTPStatus(int(code)).phrase}
            if response.get("description", "") in generic:
                response["description"] = DESCRIPTIONS.get(code, HTTPStatus(int(code)).phrase)
            response["content"] = {PROBLEM_JSON: {"schema": PROBLEM_REF}}


def document_problems(spec: dict[str, Any]) -> dict[str, Any]:
    """``spec`` with every error response documented as problem+json (changed in place, and returned)."""
    for item in spec.get("paths", {}).values():
        for operation in item.values():
            if isinstance(operation, dict) and "responses" in operation:
                _document_operation(operation)
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = PROBLEM_SCHEMA
    if "#/components/schemas/HTTPValidationError" not in json.dumps(spec):
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)
    return spec
