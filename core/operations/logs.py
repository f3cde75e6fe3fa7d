"""Structured logs: one JSON line per request, and security events as their own lines.

Every request gets an id (the proxy's `X-Request-ID` when it looks like one,
else a new one), returned in the `X-Request-ID` header and carried by every
log line written during the request. The request line (logger
`regioplatform.request`) has the id, the user id, method, path, endpoint,
status and duration in ms. Security events (logger `regioplatform.security`):
`signin.success`, `signin.failure` and `signin.throttled` (each with `step`:
password or second factor), `signout`, `access.forbidden` (a 403),
`password.changed`, `twofactor.enabled` and `twofactor.reset`, each with the
user id or the account tried; each is also stored in the `security_event`
table (core.operations.security_log) that platform admins filter at
/beheer/beveiliging.

`LOG_FORMAT=json` (the default in production) writes JSON lines to stderr;
`text` writes plain lines; tests see both through the standard logging.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sys
import time
import uuid

from flask import Flask, g, has_request_context, request

from core.operations import security_log

REQUEST_LOG = logging.getLogger("regioplatform.request")
SECURITY_LOG = logging.getLogger("regioplatform.security")
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
SIGN_IN_ENDPOINTS = {"auth.login": "password", "auth.two_factor": "second factor"}
STANDARD_ATTRS = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}
HANDLER_NAME = "regioplatform-stderr"


class JsonFormatter(logging.Formatter):
    """A log record as one JSON object: time, level, logger, message, request id and the record's extras."""

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": dt.datetime.fromtimestamp(record.created, dt.timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in STANDARD_ATTRS and not key.startswith("_"):
                data[key] = value
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, default=str, ensure_ascii=False)


class RequestIdFilter(logging.Filter):
    """Give every record written during a request that request's id."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id") and has_request_context():
            request_id = g.get("request_id")
            if request_id:
                record.request_id = request_id
        return True


def configure(log_format: str, level: str = "INFO") -> None:
    """Send the platform's loggers to stderr, once per process (json or text)."""
    root = logging.getLogger("regioplatform")
    root.setLevel(level.upper())
    if any(h.get_name() == HANDLER_NAME for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(HANDLER_NAME)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter() if log_format == "json"
                         else logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root.addHandler(handler)


def _user_id() -> int | None:
    """The signed-in user's id when Flask-Login loaded one during the request (never loads it)."""
    user = g.get("_login_user")
    return getattr(user, "id", None) if user is not None and user.is_authenticated else None


def security_event(event: str, *, email: str | None = None, **fields) -> None:
    """Log one security event with the request's context, and keep it for the security log's table.

    `email`: the account's address when the event is about another user than the signed-in one (or none is
    signed in); else the signed-in user's, or the `account` typed into a sign-in form.
    """
    extra = {"event": event, "request_id": g.get("request_id"), "user_id": _user_id(), "ip": request.remote_addr,
             "path": request.path, **fields}
    SECURITY_LOG.info(event, extra=extra)
    user = g.get("_login_user")
    if email is None and fields.get("account"):
        email = fields["account"]
    elif email is None and user is not None and getattr(user, "is_authenticated", False):
        email = getattr(user, "email", None)
    detail = " ".join(str(fields[key]) for key in ("step", "endpoint", "detail") if fields.get(key))
    security_log.remember(event, user_id=extra["user_id"], email=email, address=request.remote_addr,
                          path=request.path, detail=detail, request_id=extra["request_id"])


def _sign_in_events(response) -> None:
    step = SIGN_IN_ENDPOINTS.get(request.endpoint or "")
    if step is None or request.method != "POST":
        return
    if response.status_code == 429:
        security_event("signin.throttled", step=step, account=_account_tried())
    elif response.status_code < 300 or response.status_code >= 400:
        security_event("signin.failure", step=step, account=_account_tried())


def _account_tried() -> str | None:
    """The e-mail address typed, when it looks like one (never a password typed in the wrong field)."""
    email = (request.form.get("email") or "").strip().lower()
    return email if "@" in email and " " not in email and len(email) <= 254 else None


def _signed_in(_sender, user, **_extra) -> None:
    security_event("signin.success", user_id=user.id, email=user.email)


def _signed_out(_sender, user, **_extra) -> None:
    security_event("signout", user_id=getattr(user, "id", None), email=getattr(user, "email", None))


def install(app: Flask) -> None:
    """Request ids, the request line and the security events; call before other after_request hooks
    are registered, so the line shows the status the client finally gets."""
    from flask_login import user_logged_in, user_logged_out

    from core.operations import metrics

    if app.testing:  # tests read the records (caplog); a stream bound to one test's capture would outlive it
        logging.getLogger("regioplatform").setLevel(app.config.get("LOG_LEVEL", "INFO").upper())
    else:
        configure(app.config.get("LOG_FORMAT", "text"), app.config.get("LOG_LEVEL", "INFO"))

    @app.before_request
    def start_request():
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if REQUEST_ID.match(incoming) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response):
        started = g.get("request_started")
        seconds = time.perf_counter() - started if started is not None else 0.0
        if not g.get("request_id"):  # refused before start_request ran
            g.request_id = uuid.uuid4().hex
        response.headers.setdefault("X-Request-ID", g.request_id)
        _sign_in_events(response)
        if response.status_code == 403:
            security_event("access.forbidden", endpoint=request.endpoint)
        metrics.observe(request.endpoint, request.method, response.status_code, seconds)
        REQUEST_LOG.info("%s %s %s", request.method, request.path, response.status_code, extra={
            "event": "request", "request_id": g.request_id, "user_id": _user_id(), "method": request.method, "path": request.path,
            "endpoint": request.endpoint, "status": response.status_code,
            "duration_ms": round(seconds * 1000, 1),
        })
        return response

    # Registered first, so it runs after every other teardown_request handler: the request is done with its session.
    app.teardown_request(security_log.store_pending)
    user_logged_in.connect(_signed_in)  # a module-level receiver: blinker keeps it (weakly), once for all apps
    user_logged_out.connect(_signed_out)
