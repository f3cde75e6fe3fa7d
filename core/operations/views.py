"""Probes for load balancers and the metrics endpoint.

    /healthz     liveness: the process answers (no database); 200 {"status": "ok"}
    /readyz      readiness: database reachable, schema at the head of every migration line,
                 Redis reachable when REDIS_URL is set; 200 or 503 with {"status", "checks"}
    /gezondheid  the older name of /readyz (endpoint `home.health`, kept in core/home.py)
    /metrics     Prometheus text format, for a platform admin or `Authorization: Bearer $METRICS_TOKEN`
"""
from __future__ import annotations

import hmac

from flask import Blueprint, Response, current_app, g, request
from flask_login import current_user

from core.authz import authorize
from core.operations import metrics as prometheus
from core.operations.readiness import readiness
from core.security import public

bp = Blueprint("operations", __name__)


@bp.route("/healthz")
@public
def healthz():
    """Liveness: answers without touching the database."""
    return {"status": "ok"}


@bp.route("/readyz")
@public
def readyz():
    """Readiness: 200 when this server can serve, else 503 with what is wrong."""
    ready, checks = readiness(current_app)
    body = {"status": "ready" if ready else "not ready", "checks": checks}
    return body, 200 if ready else 503


def _token_matches() -> bool:
    token = current_app.config.get("METRICS_TOKEN") or ""
    header = request.headers.get("Authorization", "")
    return bool(token) and header.startswith("Bearer ") and hmac.compare_digest(header[7:].encode(),
                                                                                token.encode())


@bp.route("/metrics")
@public
def metrics():
    """Prometheus metrics, for a platform admin (signed in) or a scraper with the bearer token."""
    if not _token_matches():
        if not current_user.is_authenticated:
            return Response("metrics: sign in as a platform admin or send the bearer token\n", status=401,
                            mimetype="text/plain", headers={"WWW-Authenticate": 'Bearer realm="metrics"'})
        authorize("admin.access")  # platform admins only: the one authorization function decides
    g.authorized = True
    body, content_type = prometheus.exposition()
    return Response(body, mimetype=None, content_type=content_type)
