"""Every answer carries a request id: the caller's own, or a new one, and the access log names it."""

from __future__ import annotations

import logging


class TestRequestId:
    def test_the_callers_request_id_comes_back(self, client):
        assert client.get("/healthz", headers={"X-Request-ID": "till-7-42"}).headers["X-Request-ID"] == "till-7-42"

    def test_a_request_without_one_gets_a_new_id_in_the_answer_and_the_log(self, client, caplog):
        with caplog.at_level(logging.INFO, logger="store.http"):
            response = client.get("/healthz")
        request_id = response.headers["X-Request-ID"]
        assert len(request_id) == 16
        logged = [r for r in caplog.records if r.name == "store.http" and r.msg == "request"]
        assert [(r.path, r.status, r.request_id) for r in logged] == [("/healthz", 200, request_id)]
