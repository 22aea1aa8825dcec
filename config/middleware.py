"""A database outage answers 503 with a clear page (or JSON for the API), never a stack trace;
and pages go out compressed (CompressPagesMiddleware).

Two hooks, because Django turns an exception into a response in the layer that raised it:
- DatabaseUnavailableMiddleware.process_exception catches errors raised by views;
- server_error (handler500) catches those raised elsewhere, e.g. by the session or
  authentication middleware loading the signed-in user while the database is down.
Recovery needs nothing from here: CONN_HEALTH_CHECKS makes the next request after the
database returns open a fresh connection instead of reusing the dead one.
"""

import logging
import sys
import time

import psycopg
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from psycopg_pool import PoolTimeout
from django.http import HttpResponse, JsonResponse
from django.middleware.gzip import GZipMiddleware
from django.template.loader import render_to_string
from django.views import defaults

logger = logging.getLogger(__name__)

# Connection refused or lost, server shutting down, too many clients, a serialization
# failure: all transient, all answered "try again shortly".
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)

RETRY_AFTER_SECONDS = 30
# A saturated pool (every connection in use for DB_POOL_TIMEOUT) is not an outage: the
# database is up and the next try, a moment later, usually gets a connection.
BUSY_RETRY_AFTER_SECONDS = 2
BUSY_CHECK_SECONDS = 1.0
_database_answered = [float("-inf")]  # when a direct connection last got through (monotonic)


def is_database_unavailable(exc) -> bool:
    return isinstance(exc, DATABASE_UNAVAILABLE)


def is_pool_exhausted(exc) -> bool:
    """The pool had no connection to give (Django wraps its PoolTimeout: the cause) while the
    database itself answers: a pool also times out when the database is down, so that is
    asked directly, on a connection of its own outside the pool (only after a timeout)."""
    if not (isinstance(exc, PoolTimeout) or isinstance(getattr(exc, "__cause__", None), PoolTimeout)):
        return False
    # A saturated pool fails many requests at once: one direct check a second answers them all,
    # rather than a new connection each to a database that is already at its busiest.
    now = time.monotonic()
    if now - _database_answered[0] < BUSY_CHECK_SECONDS:
        return True
    try:
        psycopg.connect(**{**connections[DEFAULT_DB_ALIAS].get_connection_params(), "connect_timeout": 2}).close()
    except psycopg.Error:
        return False
    _database_answered[0] = now
    return True


def database_unavailable_response(request, exc=None) -> HttpResponse:
    busy = exc is not None and is_pool_exhausted(exc)
    retry_after = BUSY_RETRY_AFTER_SECONDS if busy else RETRY_AFTER_SECONDS
    # Rendered without the request's context processors: they would ask the (absent or
    # saturated) database for the signed-in user.
    if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
        detail = ("The server is busy. Please try again in a moment." if busy
                  else "The database is unavailable. Please try again shortly.")
        response = JsonResponse({"detail": detail}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html", {"retry_after": retry_after, "busy": busy}), status=503)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_unavailable(exception):
            logger.warning("Database unavailable during %s %s: %s", request.method, request.path, exception)
            return database_unavailable_response(request, exception)
        return None


def server_error(request, template_name="500.html"):
    """handler500: a 503 for database outages raised outside views, Django's 500 otherwise."""
    exc = sys.exc_info()[1]
    if is_database_unavailable(exc):
        return database_unavailable_response(request, exc)
    return defaults.server_error(request, template_name=template_name)


class CompressPagesMiddleware(GZipMiddleware):
    """Django's gzip (with its BREACH mitigation: random bytes in the gzip header), for whole
    responses only. A stream is left alone: gzip would hold a live stream's events back until
    its buffer fills (compress_sequence never flushes), or, under ASGI, make each event a gzip
    member of its own, which not every client reads past the first; an export is a download."""

    def process_response(self, request, response):
        if response.streaming:
            return response
        return super().process_response(request, response)

