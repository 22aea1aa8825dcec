"""gunicorn settings for `make serve` and the benchmark; each can be overridden on the command line
or with GUNICORN_CMD_ARGS."""

import multiprocessing
import os

# One uvicorn worker per core (at least two, so a crashed worker never leaves nobody serving).
# Each serves many connections at once, every request's sync code in a thread of its own; the
# sync-worker rule of 2 x cores + 1 only split the connections unevenly between processes (one
# holding eight of twenty answered them four times slower): on two cores, five workers gave
# the reading page a p95 of 3.1 s at 20 clients, two gave 1.6 s (same code, minutes apart).
workers = int(os.environ.get("WEB_CONCURRENCY", max(multiprocessing.cpu_count(), 2)))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 10
# Recycle workers now and then so a slow leak can never grow a worker without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
# Heartbeat files in memory, not on a possibly slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
# Whose X-Forwarded-For (and -Proto) uvicorn believes: the same proxies as the app's
# TRUSTED_PROXIES (accounts/throttling.py), a TLS proxy on this machine by default.
forwarded_allow_ips = os.environ.get("TRUSTED_PROXIES", "127.0.0.1,::1")
