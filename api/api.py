"""The JSON API: one NinjaAPI at /api/, its schema at /api/openapi.json and docs at /api/docs.

Cross-cutting rules live here: the body size limit (413, checked before anything is
parsed), write rate limits (429 + Retry-After, counted in the database), ETags on every
successful GET, and error answers that are always JSON and never a 500 for bad input.
"""

import hashlib
import logging
from functools import wraps

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import DataError
from django.http import JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from annotations.editing import InvalidInput
from api.auth import CHALLENGE
from api.concurrency import not_modified
from api.endpoints import annotations, documents, groups, tags
from api.throttling import WriteThrottle

logger = logging.getLogger(__name__)


class MarginaliaAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        # The schema depends only on the routes, fixed at start-up; ninja builds it anew for
        # every request of /api/openapi.json (tens of milliseconds of pydantic work): keep it.
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        schemas = self.__dict__.setdefault("_schemas", {})
        if path_prefix not in schemas:
            schemas[path_prefix] = super().get_openapi_schema(path_prefix=path_prefix)
        return schemas[path_prefix]

    def create_response(self, request, data, *, status=None, temporal_response=None):
        response = super().create_response(request, data, status=status, temporal_response=temporal_response)
        if request.method == "GET" and response.status_code == 200 and not response.has_header("ETag"):
            # Lists and other reads get a content ETag, so clients can revalidate cheaply.
            response["ETag"] = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
        return not_modified(request, response) or response


api = MarginaliaAPI(
    title="Marginalia API",
    version="1",
    description=(
        "Documents, paragraphs, annotations, replies, tags and your groups. Authenticate with "
        "`Authorization: Bearer <token>` (create tokens at /api/tokens/) or the browser session "
        "(with the CSRF token on changes). Private things answer 404."
    ),
    urls_namespace="api",
    throttle=[WriteThrottle()],
)


def limit_body_size(run):
    """413 before the body is read or parsed, when Content-Length is over the limit."""

    @wraps(run)
    def wrapper(request, *args, **kwargs):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.API_MAX_BODY_BYTES:
            return JsonResponse({"detail": f"Request body over {settings.API_MAX_BODY_BYTES} bytes."}, status=413)
        return run(request, *args, **kwargs)

    return wrapper


api.add_decorator(limit_body_size, mode="view")


@api.exception_handler(InvalidInput)
def input_errors(request, exc):
    detail = [{"loc": ["body", *field.split(".")], "msg": msg, "type": "value_error"} for field, msg in exc.errors.items()]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(AuthenticationError)
def unauthorized(request, exc):
    response = api.create_response(request, {"detail": "Unauthorized"}, status=401)
    response["WWW-Authenticate"] = CHALLENGE
    return response


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return api.create_response(request, {"detail": "You may not do this."}, status=403)


@api.exception_handler(RequestDataTooBig)
def too_big(request, exc):
    return api.create_response(request, {"detail": "Request body too large."}, status=413)


@api.exception_handler(DataError)
def data_error(request, exc):
    # Input the schema let through but PostgreSQL refused (an out-of-range value): bad input, not a crash.
    logger.warning("API input refused by the database: %s", exc)
    return api.create_response(request, {"detail": "A value is out of range or malformed."}, status=400)


api.add_router("", documents.router)
api.add_router("", annotations.router)
api.add_router("", tags.router)
api.add_router("", groups.router)
