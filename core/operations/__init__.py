"""Running the platform: health and readiness, the schema gate, request and security logs, metrics,
backups and the gunicorn configuration (docs/deploy.md puts them together).

    readiness.py     database reachable, schema at the head of every migration line, Redis reachable
    views.py         /healthz, /readyz (and /gezondheid), /metrics
    logs.py          one JSON line per request, security events, the request id
    metrics.py       Prometheus counters and histograms (multi-process under gunicorn)
    backup.py        `regio backup` / `regio restore`: SQLite online backup, pg_dump / pg_restore
    gunicorn_conf.py the configuration `regio serve` hands to gunicorn
"""
