"""The spec's OpenAPI links name operations and parameters that exist, so the stateful fuzzer can follow them."""

from __future__ import annotations

import re

from store.openapi_links import LINKS, operation_ref


def _operation(spec, ref: str):
    method = ref.rsplit("/", 1)[1]
    path = ref.removeprefix("#/paths/").rsplit("/", 1)[0].replace("~1", "/").replace("~0", "~")
    return spec["paths"].get(path, {}).get(method)


class TestLinks:
    def test_every_link_is_in_the_spec(self, app):
        spec = app.openapi()
        for (method, path, status), links in LINKS.items():
            response = spec["paths"][path][method]["responses"][status]
            assert set(response["links"]) == set(links), f"{method} {path} {status}"

    def test_every_link_targets_an_operation_and_its_parameters(self, app):
        spec = app.openapi()
        broken = []
        for method, path, status in LINKS:
            for name, link in spec["paths"][path][method]["responses"][status]["links"].items():
                target = _operation(spec, link["operationRef"])
                if target is None:
                    broken.append(f"{name}: no operation {link['operationRef']}")
                    continue
                declared = {(p["in"], p["name"]) for p in target.get("parameters", [])}
                for key in link.get("parameters", {}):
                    where, _, param = key.partition(".")
                    if (where, param) not in declared:
                        broken.append(f"{name}: {link['operationRef']} has no {where} parameter {param}")
                if "requestBody" in link:
                    body = target.get("requestBody", {}).get("content", {}).get("application/json", {})
                    ref = body.get("schema", {}).get("$ref", "")
                    fields = spec["components"]["schemas"][ref.rsplit("/", 1)[-1]]["properties"] if ref else {}
                    broken += [f"{name}: body has no field {f}" for f in link["requestBody"] if f not in fields]
        assert broken == []

    def test_sources_say_where_the_value_comes_from(self):
        expression = re.compile(r"^\$(response\.body#/[a-z_]+|request\.path\.[a-z_]+)$")
        for links in LINKS.values():
            for _method, _path, parameters, body in links.values():
                assert all(expression.match(v) for v in [*parameters.values(), *(body or {}).values()])

    def test_operation_refs_escape_slashes(self):
        assert operation_ref("get", "/api/v1/shops/{shop_id}") == "#/paths/~1api~1v1~1shops~1{shop_id}/get"
