"""Gunicorn's settings for Carepath in production (README, "Production"):

    gunicorn -c deploy/gunicorn.conf.py carepath.wsgi

Every value can be changed on the command line (``--workers 4``) or in ``GUNICORN_CMD_ARGS``; the few that depend
on the machine are read from the environment below. Carepath's own settings stay in ``carepath/settings.py``.
"""

import os
import re

from gunicorn.glogging import Logger


def _whole(name: str, default: int, least: int = 1) -> int:
    """A whole number from the environment (blank counts as unset); anything else stops the start."""
    raw = os.getenv(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < least:
        raise SystemExit(f"{name}={raw!r} is not a whole number of at least {least}.")
    return int(raw)


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may use (a container's share, say)
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


bind = os.getenv("GUNICORN_BIND", "127.0.0.1:8000").strip() or "127.0.0.1:8000"

# One worker per core. A request's work is mostly CPU in Python (the navigator's engine, templates, HSDS pages),
# and each database query is short, so a worker seldom waits: more workers than cores would only share the same
# cores and each would hold its own navigator snapshots (about 23 MB per 100,000 services) and its own database
# connection. The development machine has 2 cores, so 2 workers (bench/navigator.py: 423 requests a second);
# on a web host that does nothing else, 2 x cores (WEB_CONCURRENCY) lets one worker run while another waits on
# PostgreSQL. Slow clients never hold a worker: the proxy in front (nginx) buffers requests and answers.
workers = _whole("WEB_CONCURRENCY", _cores())
# Threads per worker: 1 is the sync worker (one request at a time, no keep-alive, the proxy keeps the client's
# connection). More than 1 switches to the gthread worker, which keeps connections from the proxy alive.
threads = _whole("GUNICORN_THREADS", 1)

# A worker silent for this long is killed and replaced. The navigator answers in milliseconds; the long requests
# are HSDS uploads imported in the request (a 50 MB file takes tens of seconds) until they run as tasks.
timeout = _whole("GUNICORN_TIMEOUT", 60)
# On a restart (HUP) or a stop (TERM), what a worker has in hand gets this long to finish.
graceful_timeout = 30
# Connections from the proxy stay open this long between requests (gthread only; the sync worker closes each).
keepalive = 5

# Recycle each worker after about this many requests, so memory a long-lived Python process fragments comes
# back. The jitter spreads the restarts so that workers never restart together. A recycled worker imports the
# app and rebuilds its navigator snapshots on first use (about 1.6 s for 100,000 services), so not too often.
max_requests = _whole("GUNICORN_MAX_REQUESTS", 10_000, least=0)
max_requests_jitter = max_requests // 10

# Each worker imports the app itself (not the master before forking). The navigator's snapshots are built by each
# worker on its first request after a change (per-worker caches, rebuilt when the data version changes), so
# preloading would share none of them; what preloading would share is the imported code, at the price of
# anything the master opened being inherited by every worker (numpy's thread pool, any connection opened at
# import). Without it, `kill -HUP` on the master starts workers on the new code, so a deploy drops no request.
preload_app = False
# Gunicorn 25.1 and later open a control socket in $HOME (one path for every gunicorn the user runs): signals do
# the same work (HUP reloads, TTIN and TTOU add and remove a worker, TERM stops), so none. Older ones ignore this.
control_socket_disable = True
# The workers' heartbeat files in memory, not on a disk that may stall (a container's overlay, say).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - as gunicorn advises

# Logs on standard output and error, for systemd's journal or the container's log.
accesslog = "-"
errorlog = "-"
loglevel = os.getenv("GUNICORN_LOG_LEVEL", "info").strip() or "info"
# Who asked (the proxy's address behind one), the method and path, the status, bytes, milliseconds and the
# worker. Never the query string nor the referrer: a plan's address holds the family's answers (the child's age,
# the worries), and nothing about a family is kept (README, "Privacy").
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms %(p)s'
# Private links are secrets: a saved plan's and a review's token never reach the log.
PRIVATE_LINK = re.compile(r"^(/(?:en|fr)/(?:plan|review)/)[^/]+")


class AccessLogger(Logger):
    """Gunicorn's logger, with the token of a private link replaced by ``:token`` in the path it logs."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = PRIVATE_LINK.sub(r"\1:token", atoms["U"] or "")
        return atoms


logger_class = AccessLogger
