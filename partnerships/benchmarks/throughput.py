"""Requests per second under gunicorn: the assessment detail page against `/principles/`.

gunicorn runs as a subprocess on a free 127.0.0.1 port with the production configuration
(partnerships/gunicorn_conf.py; no worker replaced during the measure) and settings
(DEBUG=0, a random SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, persistent database connections
DB_CONN_MAX_AGE=60) against the same database; static files are collected first, as
production needs them. A client logs in through the login form (a real session cookie),
then a pool of threads, each with its own keep-alive connection (http.client), requests
one URL for a bounded time; the two URLs take turns over several rounds.
"""

import http.client
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from django.conf import settings

HOST = "127.0.0.1"
CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def server_environment(database_url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        **extra,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "DB_CONN_MAX_AGE": "60",
        "PYTHONUNBUFFERED": "1",
    }


@contextmanager
def gunicorn(*, database_url: str, workers: int = 2, **environment: str):
    """A gunicorn serving the app (with these further environment variables); yields its
    port, stops it afterwards."""
    port = free_port()
    # Steady state: no worker is replaced (and booted again) in the middle of a measure.
    env = server_environment(database_url, **{"GUNICORN_MAX_REQUESTS": "0", **environment})
    python = sys.executable
    subprocess.run(
        [python, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
    )
    # The production configuration (partnerships/gunicorn_conf.py), with this port and
    # number of workers; its access log (stdout) is dropped.
    server = subprocess.Popen(
        [
            python, "-m", "gunicorn", "--config", "python:partnerships.gunicorn_conf",
            "--bind", f"{HOST}:{port}", "--workers", str(workers), "--timeout", "120",
            "--log-level", "warning",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        _wait_until_up(port, server)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_until_up(port: int, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped (exit code {server.returncode}).")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=5)
            connection.request("GET", "/principles/")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer in time.")


def _cookies(response: http.client.HTTPResponse, jar: dict[str, str]) -> None:
    for header in response.headers.get_all("Set-Cookie") or []:
        for name, morsel in SimpleCookie(header).items():
            jar[name] = morsel.value


def _cookie_header(jar: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in jar.items())


def login(port: int, username: str, password: str) -> str:
    """The Cookie header of a session logged in through the login form."""
    jar: dict[str, str] = {}
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    connection.request("GET", "/accounts/login/")
    response = connection.getresponse()
    body = response.read()
    _cookies(response, jar)
    token = CSRF_FIELD.search(body)
    if token is None:
        raise RuntimeError("The login page has no CSRF token.")
    form = urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)}
    )
    connection.request(
        "POST",
        "/accounts/login/",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": _cookie_header(jar),
        },
    )
    response = connection.getresponse()
    response.read()
    _cookies(response, jar)
    if response.status != 302 or "sessionid" not in jar:
        raise RuntimeError(f"Logging in as {username} failed (HTTP {response.status}).")
    return _cookie_header(jar)


@dataclass
class Load:
    clients: int = 10
    seconds: float = 10.0  # per URL, over all rounds
    # The URLs take turns, a share of the time each round: a slow spell of the machine
    # then falls on both, and the median round's ratio is reported.
    rounds: int = 5

    def requests_per_second(self, port: int, path: str, cookie: str) -> float:
        """Completed 200 responses per second, `clients` at once for `seconds`."""
        stop = threading.Event()
        errors: list[str] = []

        def client() -> int:
            connection = http.client.HTTPConnection(HOST, port, timeout=120)
            done = 0
            while not stop.is_set():
                try:
                    connection.request("GET", path, headers={"Cookie": cookie})
                    response = connection.getresponse()
                    response.read()
                except (OSError, http.client.HTTPException):
                    connection.close()  # reconnect: the server closed it
                    continue
                if response.status != 200:
                    errors.append(f"{path}: HTTP {response.status}")
                    stop.set()
                    break
                done += 1
            connection.close()
            return done

        # Warm-up: every worker has served the page once.
        with ThreadPoolExecutor(self.clients) as pool:
            for future in [pool.submit(self._one, port, path, cookie) for _ in range(4)]:
                future.result()
            started = time.perf_counter()
            futures = [pool.submit(client) for _ in range(self.clients)]
            time.sleep(self.seconds)
            stop.set()
            done = sum(future.result() for future in futures)
            elapsed = time.perf_counter() - started
        if errors:
            raise RuntimeError(errors[0])
        return done / elapsed

    @staticmethod
    def _one(port: int, path: str, cookie: str) -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=120)
        connection.request("GET", path, headers={"Cookie": cookie})
        response = connection.getresponse()
        response.read()
        connection.close()
        if response.status != 200:
            raise RuntimeError(f"{path}: HTTP {response.status}")


def _ratio_of_rounds(
    load: Load, port: int, cookie: str, path: str
) -> tuple[float, float, float | None]:
    """`path` and /principles/ in turns, which goes first alternating by round: the
    median requests per second of each, and the median of the rounds' ratios (not the
    ratio of the two medians)."""
    rounds = max(1, load.rounds)
    turn = Load(clients=load.clients, seconds=load.seconds / rounds)
    pages, principles = [], []
    for number in range(rounds):
        order = [(principles, "/principles/"), (pages, path)]
        for measured, url in order if number % 2 == 0 else reversed(order):
            measured.append(turn.requests_per_second(port, url, cookie))
    ratios = [page / base for page, base in zip(pages, principles, strict=True) if base]
    return (
        statistics.median(pages),
        statistics.median(principles),
        statistics.median(ratios) if ratios else None,
    )


def throughput_measure(
    *, database_url: str, username: str, password: str, detail_path: str, load: Load
) -> dict:
    """Requests per second of the (decided) assessment page against /principles/, as
    served (its unchanging parts rendered once and kept), and again rendering them on
    every request (DECIDED_SHEET_CACHE_SECONDS=0): what a first view costs."""
    with gunicorn(database_url=database_url) as port:
        cookie = login(port, username, password)
        detail, principles, ratio = _ratio_of_rounds(load, port, cookie, detail_path)
    with gunicorn(database_url=database_url, DECIDED_SHEET_CACHE_SECONDS="0") as port:
        cookie = login(port, username, password)
        rendered, _, rendered_ratio = _ratio_of_rounds(load, port, cookie, detail_path)
    return {
        "assessment_detail_rps": round(detail, 1),
        "principles_rps": round(principles, 1),
        "ratio": round(ratio, 3) if ratio is not None else None,
        "rounds": load.rounds,
        "assessment_detail_rendered_each_time_rps": round(rendered, 1),
        "ratio_rendered_each_time": (
            round(rendered_ratio, 3) if rendered_ratio is not None else None
        ),
    }
