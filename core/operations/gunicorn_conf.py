"""gunicorn's configuration for `regio serve` (`gunicorn -c python:core.operations.gunicorn_conf`).

Every value comes from the environment, with defaults for one small server:

    BIND                    127.0.0.1:8000   address (or unix:/path) nginx proxies to
    WEB_CONCURRENCY         2 x cores + 1    worker processes
    GUNICORN_THREADS        1                threads per worker (gthread when more than 1)
    GUNICORN_TIMEOUT        60               seconds a worker may spend on one request before it is restarted
    GUNICORN_GRACEFUL_TIMEOUT 30             seconds to finish requests on a restart or deploy
    GUNICORN_KEEPALIVE      5                seconds to keep an idle connection from nginx open
    GUNICORN_MAX_REQUESTS   1000             restart a worker after this many requests (with jitter)
    GUNICORN_ACCESS_LOG     -                gunicorn's own access log ("-" stderr, "" off); the app
                                             also writes one JSON line per request (core/operations/logs.py)
    GUNICORN_LOG_LEVEL      info

Proxy headers are not trusted here: the app decides that with its own setting
(docs/deploy.md). gunicorn's control socket (gunicorn >= 25.1) is disabled: by
default every server of a user shares one path, so a second server on the host
trips over the first; nothing here uses `gunicornc`. Responses say
`Server: regioplatform`, naming no component or version.
"""
from __future__ import annotations

import multiprocessing
import os

import gunicorn.http.wsgi

# ASVS 14.3.3: the Server header names the platform, not the web server (gunicorn's own default says
# "gunicorn"). gunicorn writes this module global into every response; workers inherit it from the master.
gunicorn.http.wsgi.SERVER = "regioplatform"


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    return int(raw) if raw.strip() else default


bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)
threads = _int("GUNICORN_THREADS", 1)
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = max(1, max_requests // 10) if max_requests else 0
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
access_log_format = ('{"remote":"%(h)s","request":"%(r)s","status":%(s)s,"bytes":"%(B)s",'
                     '"duration_ms":%(M)s,"request_id":"%({x-request-id}o)s"}')
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
control_socket_disable = True  # no shared control socket (gunicorn >= 25.1; older ones have none)
forwarded_allow_ips = "127.0.0.1"  # gunicorn's own default; the app decides which proxy headers to trust
proc_name = os.environ.get("GUNICORN_PROC_NAME", "regioplatform")


def child_exit(_server, worker) -> None:
    """A worker ended: its Prometheus values stop counting as live (multi-process mode)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
