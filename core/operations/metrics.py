"""Prometheus metrics: requests by endpoint, method and status, and their durations.

Under gunicorn every worker is its own process: with PROMETHEUS_MULTIPROC_DIR
set (`regio serve` sets it to a fresh directory per server) prometheus-client
writes each worker's values to files there, `/metrics` adds them up, and the
gunicorn configuration marks a worker's files dead when it exits.
"""
from __future__ import annotations

import os

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest

REQUESTS = Counter("regio_http_requests_total", "HTTP requests answered",
                   ["endpoint", "method", "status"])
DURATION = Histogram("regio_http_request_duration_seconds", "Time to answer an HTTP request",
                     ["endpoint"], buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))


def observe(endpoint: str | None, method: str, status: int, seconds: float) -> None:
    """Count one answered request (404s without an endpoint count as `none`)."""
    name = endpoint or "none"
    REQUESTS.labels(name, method, str(status)).inc()
    DURATION.labels(name).observe(seconds)


def exposition() -> tuple[bytes, str]:
    """The text exposition of every metric: of all workers when PROMETHEUS_MULTIPROC_DIR is set."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
