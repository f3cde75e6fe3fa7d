"""A real RQ worker for the job tests: the platform's `core.jobs.worker.run` with the test plugins.

Started by the job tests (tests/core/jobs/conftest.py), or once by .ci/run in
the background for all of them. It works the queue JOBS_QUEUE at REDIS_URL.
Each test has a database of its own: before queueing, a test puts the
settings its app differs in (DATABASE_URL, mail) under `<queue>:config` in
Redis, and each job runs in an app built with them, as `regio worker` runs
jobs in the app built from its environment.

    python -m tests.core.jobs.worker_process [--burst]
"""
from __future__ import annotations

import json
import os
import sys
import tempfile


def main() -> int:
    from redis import Redis

    from core.jobs import worker
    from tests.conftest import build_app

    redis_url, queue_name = os.environ["REDIS_URL"], os.environ["JOBS_QUEUE"]
    instance = tempfile.mkdtemp(prefix="regio-test-worker-")
    common = {"REDIS_URL": redis_url, "JOBS_QUEUE": queue_name}
    apps: dict[str, object] = {}

    def app_of_the_test():
        raw = Redis.from_url(redis_url).get(f"{queue_name}:config")
        overrides = json.loads(raw) if raw else {}
        key = json.dumps(overrides, sort_keys=True)
        if key not in apps:
            apps[key] = build_app(overrides.pop("DATABASE_URL"), instance, **common, **overrides)
        return apps[key]

    worker.worker_app = app_of_the_test  # core.jobs.runner.perform asks this for the app of each job

    from rq import Worker

    fork_and_run = Worker.execute_job

    def execute_job(self, job, queue):  # in the worker, before it forks the job's work horse:
        app_of_the_test()  # build the test's app once here, so every work horse inherits it
        return fork_and_run(self, job, queue)

    Worker.execute_job = execute_job
    base = build_app(f"sqlite:///{instance}/unused.db", instance, **common)
    return 0 if worker.run(base, burst="--burst" in sys.argv) else 1


if __name__ == "__main__":
    sys.exit(main())
