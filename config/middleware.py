"""A database outage answers 503 with a clear page (or JSON for the API), never a stack trace.

Two hooks, because Django turns an exception into a response in the layer that raised it:
- DatabaseUnavailableMiddleware.process_exception catches errors raised by views;
- server_error (handler500) catches those raised elsewhere, e.g. by the session or
  authentication middleware loading the signed-in user while the database is down.
Recovery needs nothing from here: CONN_HEALTH_CHECKS makes the next request after the
database returns open a fresh connection instead of reusing the dead one.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views import defaults

logger = logging.getLogger(__name__)

# Connection refused or lost, server shutting down, too many clients, a serialization
# failure: all transient, all answered "try again shortly".
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)

RETRY_AFTER_SECONDS = 30


def is_database_unavailable(exc) -> bool:
    return isinstance(exc, DATABASE_UNAVAILABLE)


def database_unavailable_response(request) -> HttpResponse:
    # Rendered without the request's context processors: they would ask the (absent)
    # database for the signed-in user.
    if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
        response = JsonResponse(
            {"detail": "The database is unavailable. Please try again shortly."}, status=503
        )
    else:
        response = HttpResponse(render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
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
            return database_unavailable_response(request)
        return None


def server_error(request, template_name="500.html"):
    """handler500: a 503 for database outages raised outside views, Django's 500 otherwise."""
    exc = sys.exc_info()[1]
    if is_database_unavailable(exc):
        return database_unavailable_response(request)
    return defaults.server_error(request, template_name=template_name)
