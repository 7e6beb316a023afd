"""Serving in production: database connection settings, the gunicorn configuration,
the secret key `make serve` keeps, and gunicorn really serving /healthz."""

import os
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from partnerships.gunicorn_conf import MAX_DEFAULT_WORKERS, available_cores

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = [sys.executable, "-m", "gunicorn", "--config", "python:partnerships.gunicorn_conf"]
PRODUCTION = {"DEBUG": "0", "SECRET_KEY": "a-long-random-production-secret-for-the-tests"}
# What the tests set for themselves; each test passes what it needs.
OWN_VARIABLES = {
    "DEBUG",
    "SECRET_KEY",
    "DB_CONN_MAX_AGE",
    "WEB_CONCURRENCY",
    "GUNICORN_THREADS",
    "GUNICORN_TIMEOUT",
    "GUNICORN_GRACEFUL_TIMEOUT",
    "GUNICORN_MAX_REQUESTS",
    "BIND",
}


def environment(**env) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if k not in OWN_VARIABLES}
    return {**base, "DJANGO_SETTINGS_MODULE": "partnerships.settings", **env}


def database_settings(**env) -> tuple[int, bool]:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "db = settings.DATABASES['default']; "
            "print(db['CONN_MAX_AGE'], db['CONN_HEALTH_CHECKS'])",
        ],
        cwd=ROOT,
        env=environment(**env),
        capture_output=True,
        text=True,
        check=True,
    )
    max_age, health_checks = result.stdout.split()
    return int(max_age), health_checks == "True"


def test_production_keeps_database_connections_with_health_checks():
    assert database_settings(**PRODUCTION) == (60, True)


def test_development_opens_a_connection_per_request():
    assert database_settings(DEBUG="1") == (0, True)


def test_db_conn_max_age_overrides_the_default():
    assert database_settings(**PRODUCTION, DB_CONN_MAX_AGE="0") == (0, True)
    assert database_settings(DEBUG="1", DB_CONN_MAX_AGE="30") == (30, True)


def gunicorn_settings(**env) -> dict[str, str]:
    """The configuration as gunicorn itself resolves it from our module."""
    result = subprocess.run(
        [*GUNICORN, "--print-config"],
        cwd=ROOT,
        env=environment(**PRODUCTION, **env),
        capture_output=True,
        text=True,
        check=True,
    )
    pairs = (line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    return {name.strip(): value.strip() for name, value in pairs}


def test_gunicorn_defaults():
    config = gunicorn_settings()
    assert config["wsgi_app"] == "partnerships.wsgi:application"
    assert config["workers"] == str(min(2 * available_cores() + 1, MAX_DEFAULT_WORKERS))
    assert config["threads"] == "1"
    assert config["timeout"] == "60"
    assert config["graceful_timeout"] == "30"
    assert config["max_requests"] == "1000"
    assert config["max_requests_jitter"] == "100"
    assert config["bind"] == "['127.0.0.1:8000']"
    assert config["accesslog"] == "-"
    assert config["control_socket_disable"] == "True"


def test_a_gunicorn_worker_freezes_what_it_loaded_out_of_the_garbage_collector():
    import gc

    from partnerships import gunicorn_conf

    frozen_before = gc.get_freeze_count()
    try:
        gunicorn_conf.post_worker_init(worker=None)
        assert gc.get_freeze_count() > frozen_before
    finally:
        gc.unfreeze()


def test_gunicorn_reads_the_environment():
    config = gunicorn_settings(
        WEB_CONCURRENCY="3",
        GUNICORN_THREADS="4",
        GUNICORN_TIMEOUT="120",
        GUNICORN_MAX_REQUESTS="0",
        BIND="0.0.0.0:9000, unix:/tmp/partnerships.sock",
    )
    assert config["workers"] == "3"
    assert config["threads"] == "4"
    assert config["timeout"] == "120"
    assert config["max_requests"] == "0"
    assert config["max_requests_jitter"] == "0"
    assert config["bind"] == "['0.0.0.0:9000', 'unix:/tmp/partnerships.sock']"


def test_serve_keeps_one_generated_secret_key(tmp_path):
    def secret_key(path: Path) -> str:
        result = subprocess.run(
            [ROOT / "bin" / "secret-key", path], capture_output=True, text=True, check=True
        )
        return result.stdout.strip()

    first = secret_key(tmp_path / "var" / "secret_key")
    assert len(first) >= 50
    assert secret_key(tmp_path / "var" / "secret_key") == first
    assert stat.S_IMODE((tmp_path / "var" / "secret_key").stat().st_mode) == 0o600
    assert secret_key(tmp_path / "another") != first


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_gunicorn_serves_healthz_with_the_serve_configuration(tmp_path):
    port = free_port()
    env = environment(
        **PRODUCTION,
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="1",
    )
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    server = subprocess.Popen(
        GUNICORN, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, server.communicate()[1]
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
                    status, body = r.status, r.read()
                break
            except urllib.error.HTTPError as error:  # answered, but not 200
                status, body = error.code, error.read()
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline:
                    pytest.fail("gunicorn did not answer /healthz within 60 seconds")
                time.sleep(0.2)
    finally:
        server.send_signal(signal.SIGTERM)
        stdout, stderr = server.communicate(timeout=60)
    assert (status, body) == (200, b"ok")
    # A graceful stop, and the access log on stdout as the configuration asks.
    assert server.returncode == 0, stderr
    assert '"GET /healthz HTTP/1.1" 200' in stdout
