"""The RQ queue in Redis, or none: with REDIS_URL unset (the embedded default) jobs run inline.

`submit` hands a function call to RQ when REDIS_URL is set and Redis
answers; otherwise it returns None and the caller runs the same code in the
request (a fresh machine needs no Redis; with Redis down the user still gets
the work done, and a warning is logged). A worker (`regio worker`, or any
`rq worker` with the same environment) takes the jobs off the queue.
"""
from __future__ import annotations

import logging

from flask import current_app

log = logging.getLogger("regioplatform.jobs")

QUEUE_NAME = "regioplatform"


def enabled(config) -> bool:
    """Whether jobs go to RQ (REDIS_URL set) rather than inline."""
    return bool(config.get("REDIS_URL"))


def connection(config, *, worker: bool = False):
    """A Redis connection for RQ: for a request it fails within seconds when Redis is down, never hangs;
    a worker's waits on the queue for minutes, so its reads have no timeout."""
    from redis import Redis

    return Redis.from_url(config["REDIS_URL"], socket_connect_timeout=1 if not worker else 5,
                          socket_timeout=None if worker else 5)


def queue(config, *, worker: bool = False):
    """The platform's one RQ queue."""
    from rq import Queue

    return Queue(config.get("JOBS_QUEUE") or QUEUE_NAME, connection=connection(config, worker=worker),
                 default_timeout=config.get("JOBS_TIMEOUT", 3600))


def submit(func: str, *args, config=None, **options):
    """Enqueue `func(*args)` (a dotted path) on RQ; None when jobs run inline or Redis does not answer.

    `options` go to RQ's enqueue_call (retry, failure_ttl, ...).
    """
    from redis.exceptions import RedisError

    config = current_app.config if config is None else config
    if not enabled(config):
        return None
    try:
        return queue(config).enqueue_call(func, args=args, **options)
    except RedisError as exc:
        log.warning("Redis does not answer (%s): job %s runs inline", exc, func)
        return None


def rq_status(config, rq_id: str) -> str | None:
    """RQ's status of job `rq_id` ("queued", "started", "finished", "failed", "stopped", ...);
    "gone" when RQ no longer knows it; None when Redis does not answer (nothing can be told).

    A started job whose worker stopped sending heartbeats (the whole worker was killed) is moved
    to "failed" by RQ's registry clean-up first, as a worker's maintenance would.
    """
    from redis.exceptions import RedisError
    from rq.exceptions import NoSuchJobError
    from rq.job import Job

    try:
        redis = connection(config)
        job = Job.fetch(rq_id, connection=redis)
        status = job.get_status()
        if status == "started":
            queue(config).started_job_registry.cleanup()
            status = job.get_status()
        return str(getattr(status, "value", status))
    except NoSuchJobError:
        return "gone"
    except RedisError:
        return None
