"""Gunicorn settings for `make serve` and any deployment, read from the environment.

Load it with `gunicorn --config python:partnerships.gunicorn_conf` (the app is named
here, so no APP_MODULE argument is needed). It lives in the package rather than as a
top-level gunicorn.conf.py so that it is found by module name whatever the working
directory, and so that tests import it like any other module.

    WEB_CONCURRENCY            worker processes (default 2 × cores + 1, at most 8)
    GUNICORN_THREADS           threads per worker (default 1: sync workers)
    GUNICORN_TIMEOUT           seconds a worker may be silent before it is restarted (60)
    GUNICORN_GRACEFUL_TIMEOUT  seconds a stopping worker has to finish its requests (30)
    GUNICORN_MAX_REQUESTS      requests after which a worker is replaced (1000; 0 never)
    BIND                       address(es) to listen on, comma-separated (127.0.0.1:8000)
"""

import gc
import os

from partnerships.env import env_int, env_list

# Each worker holds its own database connection and about 130 MB once booted (more
# after rendering reports): past a handful, more workers cost memory, not speed.
MAX_DEFAULT_WORKERS = 8


def available_cores() -> int:
    # The CPUs this process may run on (a container's cpuset), not the host's count.
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_workers() -> int:
    return min(2 * available_cores() + 1, MAX_DEFAULT_WORKERS)


wsgi_app = "partnerships.wsgi:application"
bind = env_list("BIND", ["127.0.0.1:8000"])
workers = env_int("WEB_CONCURRENCY", default_workers())
# More than one thread turns the workers into gthread workers; each thread then holds
# its own database connection.
threads = env_int("GUNICORN_THREADS", 1)
# Long exports run as background jobs, so a request silent for a minute is stuck. The
# slowest request left is a reviewer's decision (render and sign a PDF, a few seconds).
timeout = env_int("GUNICORN_TIMEOUT", 60)
graceful_timeout = env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Replacing workers now and then bounds the memory a long-running worker accumulates;
# the jitter keeps them from all restarting at the same moment.
max_requests = env_int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = max_requests // 10

# Access log on stdout, errors on stderr: the service manager or container collects both.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'

# Gunicorn's control socket defaults to one path per user ($HOME/.gunicorn/gunicorn.ctl):
# a second server on the machine (tests, a benchmark) would take it from the first.
# Nothing here uses gunicornc.
control_socket_disable = True


def post_worker_init(worker):
    """Once a worker has loaded the app, what it loaded (modules, models, settings) lives
    as long as it does: frozen out of the garbage collector's view, it is not scanned
    again on each full collection. Garbage is collected first, so none is kept."""
    gc.collect()
    gc.freeze()
