"""Configuration from the environment, with safe defaults for a laptop."""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SECRET_KEY = "dev-only-change-me"


class ConfigError(RuntimeError):
    """The configuration cannot be used; the message says what to change."""


def _months_env(name: str) -> dict[str, int]:
    """{instrument key: months} from "key=months,key=months" (empty: none)."""
    out = {}
    for part in os.environ.get(name, "").split(","):
        if part.strip():
            key, _, months = part.partition("=")
            try:
                out[key.strip()] = int(months)
            except ValueError as exc:
                raise ConfigError(f"{name}: '{part}' is not key=months") from exc
    return out


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name}: '{raw}' is not a whole number") from exc


def load_config(instance_path: str | os.PathLike) -> dict:
    """Read the settings from the environment.

    DATABASE_URL defaults to SQLite under the instance folder; REGIONS_DIR to
    the repository's `regions/`; REDIS_URL (optional) moves rate-limit
    counters out of process memory and runs background jobs on RQ workers.
    """
    instance = Path(instance_path)
    env = os.environ.get("REGIO_ENV", "development")
    redis_url = os.environ.get("REDIS_URL", "")
    return {
        "ENV_NAME": env,
        "SECRET_KEY": os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY),
        # Fernet key(s) for secrets at rest, comma-separated, the first encrypts (core/secret_box.py).
        "SECRETS_KEY": os.environ.get("SECRETS_KEY", ""),
        # The platform's Ed25519 signing key (core/signing.py); empty: instance/signing-key.pem, created once.
        "SIGNING_KEY": os.environ.get("SIGNING_KEY", ""),
        # The audit log's HMAC key (core/audit/keyed.py) and where `regio audit checkpoint` writes.
        "AUDIT_KEY": os.environ.get("AUDIT_KEY", ""),
        "AUDIT_CHECKPOINT_DIR": os.environ.get("AUDIT_CHECKPOINT_DIR", str(instance / "audit-checkpoints")),
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{instance / 'regioplatform.db'}"),
        "REGIONS_DIR": os.environ.get("REGIONS_DIR", str(PROJECT_ROOT / "regions")),
        "REDIS_URL": redis_url,
        # Empty: the counters follow REDIS_URL (also when that is set in the config dict).
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", ""),
        "LOGIN_LIMIT": os.environ.get("LOGIN_LIMIT", "10 per 15 minutes"),
        # Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host are trusted (core/proxies.py);
        # 0: forwarded headers are ignored and the client is the connection's address.
        "TRUSTED_PROXY_HOPS": _int_env("TRUSTED_PROXY_HOPS", 0),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": _int_env("MAIL_PORT", 587),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "noreply@regioplatform.local"),
        "MAX_CONTENT_LENGTH": _int_env("MAX_UPLOAD_MB", 10) * 1024 * 1024,  # also the Excel upload limit
        # Excel engine (core/excel): what an upload may unpack to and contain, how long a preview lives.
        "EXCEL_MAX_ROWS": _int_env("EXCEL_MAX_ROWS", 200_000),
        # The most rows a list page renders (core/pagination.py); exports give every row.
        "LIST_PAGE_SIZE": _int_env("LIST_PAGE_SIZE", 100),
        "EXCEL_MAX_COLUMNS": _int_env("EXCEL_MAX_COLUMNS", 200),
        "EXCEL_MAX_CELLS": _int_env("EXCEL_MAX_CELLS", 4_000_000),  # grid the reader may allocate
        "EXCEL_MAX_UNCOMPRESSED_MB": _int_env("EXCEL_MAX_UNCOMPRESSED_MB", 100),
        "EXCEL_MAX_RATIO": _int_env("EXCEL_MAX_RATIO", 100),  # zip-bomb guard for entries over 1 MB
        "EXCEL_MAX_ZIP_ENTRIES": _int_env("EXCEL_MAX_ZIP_ENTRIES", 1000),
        "EXCEL_STAGE_MINUTES": _int_env("EXCEL_STAGE_MINUTES", 60),  # a preview expires after this
        "EXCEL_ERRORS_SHOWN": _int_env("EXCEL_ERRORS_SHOWN", 200),
        "EXCEL_MARK_MAX_ROWS": _int_env("EXCEL_MARK_MAX_ROWS", 50_000),  # larger files get no marked copy
        "EXCEL_TEMPLATE_ROWS": _int_env("EXCEL_TEMPLATE_ROWS", 1000),  # rows with drop-downs in a template
        # Background jobs (core/jobs) on RQ when REDIS_URL is set, else inline: what runs as a job, for how long.
        "JOBS_UPLOAD_MIN_BYTES": _int_env("JOBS_UPLOAD_MIN_BYTES", 1024 * 1024),  # larger uploads: a job
        "JOBS_CONFIRM_MIN_ROWS": _int_env("JOBS_CONFIRM_MIN_ROWS", 5000),  # confirms writing this many rows: a job
        "JOBS_EXPORT_MIN_ROWS": _int_env("JOBS_EXPORT_MIN_ROWS", 20_000),  # exports of sheets this large: a job
        "API_JOB_MIN_ROWS": _int_env("API_JOB_MIN_ROWS", 5000),  # API batches of more rows: a job (202 Accepted)
        "JOBS_QUEUE": os.environ.get("JOBS_QUEUE", "regioplatform"),  # the RQ queue's name (one per deployment)
        "JOBS_TIMEOUT": _int_env("JOBS_TIMEOUT", 3600),  # seconds before RQ ends a job (nothing is stored)
        "JOBS_NICE": _int_env("JOBS_NICE", 10),  # `regio worker` runs this much lower in CPU priority (0: as is)
        "JOBS_KEEP_DAYS": _int_env("JOBS_KEEP_DAYS", 7),  # job records (and export workbooks) kept this long
        # Retention (core/operations/purge.py, `regio purge`): how long logs of what happened are kept.
        "RETENTION_SECURITY_EVENTS_DAYS": _int_env("RETENTION_SECURITY_EVENTS_DAYS", 365),  # the security log
        "RETENTION_MAIL_DAYS": _int_env("RETENTION_MAIL_DAYS", 365),  # the outbox (recipients, subject, status)
        # an instrument's detailed rows (its retention_rules), when a region sets no retention_months/_days:
        # "key=months,key=months"; an instrument not named keeps its rows (core/retention/apply.py)
        "INSTRUMENT_RETENTION_MONTHS": _months_env("INSTRUMENT_RETENTION_MONTHS"),
        "JOBS_MAIL_RETRIES": _int_env("JOBS_MAIL_RETRIES", 4),  # times failed mail is tried again (on RQ)
        "JOBS_MAIL_BACKOFF": os.environ.get("JOBS_MAIL_BACKOFF", "60,300,1800,7200"),  # seconds before each retry
        "BASE_URL": os.environ.get("BASE_URL", "http://127.0.0.1:5000"),
        # Operations (core/operations): log lines as JSON (production default) or text; /metrics token.
        "LOG_FORMAT": os.environ.get("LOG_FORMAT", "json" if env == "production" else "text"),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
        "METRICS_TOKEN": os.environ.get("METRICS_TOKEN", ""),
        # Argon2id cost; tests lower it, production keeps argon2-cffi's defaults.
        "ARGON2_TIME_COST": _int_env("ARGON2_TIME_COST", 3),
        "ARGON2_MEMORY_COST": _int_env("ARGON2_MEMORY_COST", 65536),
        # Sessions (core/identity/sessions.py): ended after this long without a request, and
        # after this long in any case (ASVS 3.3.2). Invite and reset links (core/identity/password_links.py).
        "SESSION_IDLE_MINUTES": _int_env("SESSION_IDLE_MINUTES", 30),
        "SESSION_ABSOLUTE_MINUTES": _int_env("SESSION_ABSOLUTE_MINUTES", 12 * 60),
        "INVITE_HOURS": _int_env("INVITE_HOURS", 7 * 24),
        "RESET_MINUTES": _int_env("RESET_MINUTES", 60),
        "MANDATE_WARNING_DAYS": _int_env("MANDATE_WARNING_DAYS", 60),  # "ends soon" on the mandate overviews
        # __Host-: the browser only accepts it Secure, for Path=/ and without Domain (no subdomain can set it).
        "SESSION_COOKIE_NAME": "__Host-regio-session" if env == "production" else "session",
        "SESSION_COOKIE_PATH": "/",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env == "production",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": env == "production",  # unused: there is no "remember me"
        "WTF_CSRF_TIME_LIMIT": None,
    }


def check_config(config: dict) -> None:
    """Refuse settings that are unsafe in production, or unusable anywhere."""
    hops = config.get("TRUSTED_PROXY_HOPS", 0)
    if not isinstance(hops, int) or isinstance(hops, bool) or not 0 <= hops <= 10:
        raise ConfigError(f"TRUSTED_PROXY_HOPS: '{hops}' is not a number of proxies from 0 to 10")
    if config.get("ENV_NAME") == "production":
        key = config.get("SECRET_KEY") or ""
        if key == DEFAULT_SECRET_KEY or len(key) < 32:
            raise ConfigError(
                "SECRET_KEY: set a random value of at least 32 characters in production "
                "(for example: python -c 'import secrets; print(secrets.token_hex(32))')"
            )
        if not (config.get("SECRETS_KEY") or "").strip():
            raise ConfigError(
                "SECRETS_KEY: set one or more Fernet keys (comma-separated, the first encrypts) in production; "
                "make one with: regio keys generate"
            )
        if len((config.get("AUDIT_KEY") or "").strip()) < 32:
            raise ConfigError(
                "AUDIT_KEY: set a random value of at least 32 characters in production, kept outside the database "
                "(for example: python -c 'import secrets; print(secrets.token_hex(32))')"
            )
