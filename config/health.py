"""Health probes for load balancers and orchestrators.

/livez  answers 200 while the process can serve requests at all; it touches nothing else
        (and is the benchmark's floor: what a request costs through Django on this machine).
/healthz answers whether this process is ready: the database answers and every migration
        is applied. 200 when ready, 503 when not, with a JSON body saying which check failed.
        A saturated connection pool is not an outage: 200 with "status": "busy" (taking a busy
        process out of rotation would only push its load onto the others).
"""

import logging

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.middleware import DATABASE_UNAVAILABLE, is_pool_exhausted

logger = logging.getLogger(__name__)

# Once this process has seen every migration applied it stops re-reading the migration graph
# (tens of milliseconds) on each probe: migrations are not un-applied under a running app.
_migrations_seen_applied = False


def _database_check(connection) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _migrations_check(connection) -> str:
    global _migrations_seen_applied
    if not _migrations_seen_applied:
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            return "pending"
        _migrations_seen_applied = True
    return "ok"


@never_cache
@require_GET
def healthz(request):
    connection = connections[DEFAULT_DB_ALIAS]
    checks = {"database": "unavailable", "migrations": "unknown"}
    try:
        checks["database"] = _database_check(connection)
        checks["migrations"] = _migrations_check(connection)
    except DATABASE_UNAVAILABLE as exc:
        if is_pool_exhausted(exc):
            return JsonResponse({"status": "busy", "database": "busy", "migrations": "unknown"})
        # The reason goes to the log, not to whoever asks: it can name hosts and users.
        logger.warning("healthz: database unavailable: %s", exc)
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if ready else "unavailable", **checks}, status=200 if ready else 503)


@never_cache
@require_GET
def livez(request):
    return JsonResponse({"status": "ok"})
