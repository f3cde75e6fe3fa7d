"""`regio serve`: gunicorn with the repository's configuration; two servers on one host do not collide.

Two servers are started for real (one worker each, on Unix sockets in a
temporary directory): both answer, neither creates gunicorn's control socket,
the request lines on stderr are JSON, readiness says the empty database is
behind, and /metrics adds up the worker's requests.
"""
from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time

from core.cli import GUNICORN_CONFIG, gunicorn_command
from core.config import PROJECT_ROOT

TOKEN = "token-of-the-metrics-scraper-0123456789"


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str):
        super().__init__("localhost", timeout=30)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(30)
        self.sock.connect(self.path)


def get(sock: str, path: str, headers=None) -> tuple[int, str]:
    connection = UnixConnection(sock)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def server_header(sock: str) -> str | None:
    connection = UnixConnection(sock)
    try:
        connection.request("GET", "/healthz")
        return connection.getresponse().getheader("Server")
    finally:
        connection.close()


def wait_for(sock: str, process, deadline: float) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server ended: {process.stderr.read()[-3000:]}")
        try:
            if get(sock, "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError("server did not answer in time")


def test_the_command_uses_the_repository_configuration():
    args = gunicorn_command("unix:/tmp/x.sock", 3)
    assert args[:4] == [sys.executable, "-m", "gunicorn", "--config"] and args[4] == GUNICORN_CONFIG
    assert args[-1] == "core:create_app()" and "--workers" in args and "unix:/tmp/x.sock" in args


def test_the_configuration_reads_the_environment_and_has_no_control_socket(tmp_path):
    env = {**os.environ, "GUNICORN_TIMEOUT": "17", "WEB_CONCURRENCY": "3", "BIND": "unix:/tmp/regio.sock",
           "GUNICORN_GRACEFUL_TIMEOUT": "9"}
    printed = subprocess.run([sys.executable, "-m", "gunicorn", "--config", GUNICORN_CONFIG, "--print-config",
                              "core:create_app()"], env=env, cwd=tmp_path, capture_output=True, text=True,
                             timeout=120, check=True).stdout
    settings = dict(line.split("=", 1) for line in printed.splitlines() if "=" in line)
    settings = {k.strip(): v.strip() for k, v in settings.items()}
    assert settings["timeout"] == "17" and settings["graceful_timeout"] == "9" and settings["workers"] == "3"
    assert settings["bind"] == "['unix:/tmp/regio.sock']"
    assert settings["control_socket_disable"] == "True"
    assert settings["accesslog"] == "-"


def test_two_servers_on_one_host(tmp_path):
    env = {**os.environ, "HOME": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}",
           "INSTANCE_PATH": str(tmp_path), "REGIONS_DIR": str(PROJECT_ROOT / "regions"), "LOG_FORMAT": "json",
           "METRICS_TOKEN": TOKEN, "GUNICORN_ACCESS_LOG": ""}
    env.pop("XDG_RUNTIME_DIR", None)
    servers = []
    try:
        for name in ("een", "twee"):
            sock = str(tmp_path / f"{name}.sock")
            metrics_dir = {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path / f"metrics-{name}")}  # one per server
            process = subprocess.Popen([sys.executable, "-c", "from core.cli import main; main()", "serve",
                                        "--bind", f"unix:{sock}", "--workers", "1"], env={**env, **metrics_dir},
                                       cwd=tmp_path,
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                       start_new_session=True)
            servers.append((sock, process))
        deadline = time.monotonic() + 180
        for sock, process in servers:
            wait_for(sock, process, deadline)
        for sock, _process in servers:
            status, body = get(sock, "/readyz")
            assert status == 503 and json.loads(body)["checks"]["migrations"].startswith("behind")
            status, body = get(sock, "/metrics", {"Authorization": f"Bearer {TOKEN}"})
            assert status == 200 and 'regio_http_requests_total{endpoint="operations.healthz"' in body
        assert not (tmp_path / ".gunicorn").exists()  # no control socket, shared or not
        assert {server_header(sock) for sock, _process in servers} == {"regioplatform"}  # no component, no version
    finally:
        for _sock, process in servers:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        outputs = [process.communicate(timeout=60) for _sock, process in servers]
    for _out, err in outputs:
        requests = [json.loads(line) for line in err.splitlines()
                    if line.startswith("{") and '"logger": "regioplatform.request"' in line]
        assert any(r["path"] == "/readyz" and r["status"] == 503 and r["request_id"] for r in requests), err[-3000:]
        assert "not ready" in err  # the clear log line of a server on a database that is behind
