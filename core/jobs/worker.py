"""`regio worker`: an RQ worker with the app's configuration.

The worker keeps one app (made from the same environment as the app
servers); RQ forks a work horse per job, which runs it in that app's context
(core/jobs/runner.py: `perform`). The worker also runs RQ's scheduler, which
re-queues failed mail after its back-off. It runs at a lower CPU priority
(JOBS_NICE) than the app servers on the same host, so that a long import
does not slow down pages.
"""
from __future__ import annotations

import os

from flask import Flask

_APP: Flask | None = None


def worker_app() -> Flask:
    """The app jobs run in: the one `run` was given, else one made from the environment."""
    global _APP
    if _APP is None:
        from core import create_app

        _APP = create_app()
    return _APP


def run(app: Flask, *, burst: bool = False, name: str | None = None) -> bool:
    """Work the platform's queue until stopped (or, with `burst`, until it is empty)."""
    from rq import Worker

    from core.jobs import queue

    global _APP
    _APP = app
    config = app.config
    if not queue.enabled(config):
        raise RuntimeError("REDIS_URL is not set: jobs run inline in the app and need no worker")
    if config.get("JOBS_NICE"):
        os.nice(config["JOBS_NICE"])  # background work yields the CPU to web requests; work horses inherit it
    platform_queue = queue.queue(config, worker=True)
    worker = Worker([platform_queue], connection=platform_queue.connection, name=name)
    return worker.work(burst=burst, with_scheduler=True, logging_level=config.get("LOG_LEVEL", "INFO"))
