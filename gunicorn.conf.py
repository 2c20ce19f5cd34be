"""gunicorn settings for `make serve` and deploy/systemd/gonghui.service (docs/operations.md,
decision D25). Run as ``gunicorn -c gunicorn.conf.py``; every value can be set from the
environment, and a command-line flag overrides this file."""

import gc
import os

wsgi_app = "gonghui.wsgi:application"

# Loopback only: nginx (deploy/nginx/gonghui.conf) is the one client. GUNICORN_BIND may list
# several addresses, comma separated (e.g. a unix socket: unix:/run/gonghui/gunicorn.sock).
bind = [b.strip() for b in os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",") if b]


def _default_workers() -> int:
    # 2 × cores + 1 (gunicorn's rule of thumb) but at most 8: each worker holds a PostgreSQL
    # connection and its own station index (~15 MB at 160,000 stations), and the site's requests
    # wait on the database, not on Python
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return min(2 * (cores or 1) + 1, 8)


workers = int(os.environ.get("WEB_CONCURRENCY") or _default_workers())
worker_class = "sync"  # nginx buffers slow clients; every request is short (exports included)
# Longer than any export or report we render, shorter than nginx's proxy_read_timeout (60 s)
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "55"))
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests (plus jitter): no slow leak lives for ever. Not
# fewer: a new worker starts with a cold finder row cache, its own memory cache (without Redis)
# and a new database connection, and at 2,000 a busy host replaced one every few seconds — the
# stalls showed as p99 spikes in the load benchmark (issue 14).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 10

# The app is imported once, in the master, and its URLconf (every view, the API and its schema)
# built before the workers fork: a new worker serves at once instead of after ~4 s of imports
# (15 s on a busy 2-core machine, decision D25), also when one is replaced after max_requests.
# The price: SIGHUP (systemctl reload) re-reads this file but not the code; after an upgrade,
# restart. GUNICORN_PRELOAD=0 imports in each worker instead (then HUP reloads the code).
preload_app = os.environ.get("GUNICORN_PRELOAD", "1").lower() not in {"0", "false", "no", "off"}


def when_ready(server):
    """In the master, after the preload and before the first fork."""
    if not server.cfg.preload_app:
        return
    from django.db import DatabaseError, connections
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every view module now
    try:  # the station finder's index, built once here and inherited by every worker (its
        # token is still checked on each search, so a stale copy is rebuilt, never served)
        from gonghui.stations.finder import current_index

        current_index()
    except DatabaseError:  # no database yet: each worker builds its own on first use
        pass
    connections.close_all()  # no database connection is shared across the fork
    # the imported objects stay out of the workers' garbage collections: their pages stay
    # shared after the fork instead of being copied when the collector touches them
    gc.freeze()


# nginx sets X-Forwarded-Proto to its own $scheme (a client's value never passes), and only a
# connection from forwarded_allow_ips (FORWARDED_ALLOW_IPS, default loopback) is believed: then
# Django sees https (request.is_secure(), CSRF origin checks, absolute URLs) without
# SECURE_PROXY_SSL_HEADER. Only this one header: gunicorn refuses a request whose headers
# disagree, and nginx does not clear X-Forwarded-Ssl or X-Forwarded-Protocol from clients.
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}

# Logs to stdout/stderr (journald under systemd). The access log has the path without the query
# string and no Referer: a query or a referring URL may carry personal data (docs/operations.md,
# gonghui/core/logmask.py masks ID and phone numbers in every line as well). %(h)s is nginx;
# the client is the X-Forwarded-For header nginx sends.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = (
    '%({x-forwarded-for}i)s %(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'
)

# No runtime control socket (gunicornc): one less file in $HOME, and several servers (tests,
# `make serve` beside a deployment) do not fight over the same path.
control_socket_disable = True
proc_name = "gonghui"
