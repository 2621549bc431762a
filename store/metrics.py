"""Prometheus metrics of the system itself, served at ``/metrics``.

Several processes: with ``PROMETHEUS_MULTIPROC_DIR`` set (the systemd units set it for ``serve`` and
``worker`` alike, and empty it before a start), every process writes its samples to files there and
``/metrics`` adds them up (prometheus_client's multiprocess mode), so a scrape that lands on any
``serve`` process sees the totals of all of them and of the worker. Without it, one process's registry.

Labels never carry ids: routes are templates (``/api/v1/sales/orders/{order_id}``), statuses are
classes (``2xx``), MQTT outcomes and job names are short fixed lists. Figures read from the database
at scrape time (devices live, alerts active, last good backup) come from collectors that domains add
to ``COLLECTORS``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.registry import REGISTRY, Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HTTP_REQUESTS = Counter(
    "store_http_requests_total",
    "HTTP requests answered, by method, route template and status class",
    ["method", "route", "status"],
)
HTTP_LATENCY = Histogram(
    "store_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template",
    ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
SALES_POSTED = Counter("store_sales_posted_total", "Sales recorded through the API (single and batch posts)")
MQTT_MESSAGES = Counter("store_mqtt_messages_total", "MQTT messages taken by the worker, by outcome", ["outcome"])
JOB_RUNS = Counter("store_job_runs_total", "Scheduled job runs of the worker, by job and result", ["job", "result"])

COLLECTORS: list[Collector] = []  # scrape-time collectors that read the database (added by domains)
UNMATCHED = "unmatched"  # a path no route answers (404s): one label, never the raw path
_STATUS_CLASSES = {n: f"{n}xx" for n in range(1, 6)}


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def render() -> bytes:
    """The exposition text of every process (multiprocess mode) or of this one, plus the database figures."""
    if multiprocess_dir():
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    text = generate_latest(registry)
    if COLLECTORS:
        extra = CollectorRegistry()
        for collector in COLLECTORS:
            extra.register(collector)
        text += generate_latest(extra)
    return text


router = APIRouter()


@router.get("/metrics", include_in_schema=False)
def metrics() -> Response:
    """Prometheus metrics (text exposition format)."""
    return Response(render(), media_type=CONTENT_TYPE_LATEST)


def _route(scope: Scope) -> str:
    """The matched route's template, with the prefix it is served under (``/api/v1``): the route knows its
    path below the prefix only, so the request path's leading segments give the prefix."""
    template = getattr(scope.get("route"), "path", None)
    if not template:
        return UNMATCHED
    segments = scope["path"].rstrip("/").split("/")
    below = template.rstrip("/").count("/")
    return "/".join(segments[: len(segments) - below]) + template


class Metrics:
    """Counts every HTTP request by route template and status class, and times it (plain ASGI).

    The labelled series are kept once found: ``labels()`` checks and locks on every call, which cost more
    than a till's whole bare request (issue 7's ingest budget). Their number is bounded by the routes.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._counts: dict[tuple[str, str, str], Any] = {}
        self._latencies: dict[str, Any] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), [500]

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route = _route(scope)
            if route != "/metrics":
                key = (scope["method"], route, _STATUS_CLASSES.get(status[0] // 100) or f"{status[0] // 100}xx")
                count = self._counts.get(key)
                if count is None:
                    count = self._counts[key] = HTTP_REQUESTS.labels(*key)
                count.inc()
                latency = self._latencies.get(route)
                if latency is None:
                    latency = self._latencies[route] = HTTP_LATENCY.labels(route)
                latency.observe(time.perf_counter() - started)


def counted(job: Callable[[], Any]) -> Callable[[], Any]:
    """``job`` counting its runs in ``store_job_runs_total`` (ok or failed), for the worker's scheduler."""
    name = job.__name__

    @wraps(job)
    def run() -> Any:
        try:
            result = job()
        except Exception:
            JOB_RUNS.labels(name, "failed").inc()
            raise
        JOB_RUNS.labels(name, "ok").inc()
        return result

    return run
