"""gunicorn settings for `make serve` and the benchmark; each can be overridden on the command line
or with GUNICORN_CMD_ARGS."""

import multiprocessing
import os

# Sync workers: the app is CPU- and database-bound, and PostgreSQL connections are per worker.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 10
# Recycle workers now and then so a slow leak can never grow a worker without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
# Heartbeat files in memory, not on a possibly slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
