"""Requests refused before any view sees them: a clear 4xx instead of a database error or an
unbounded read.

- RequestGuardMiddleware: a NUL character in the path, the query string or a form field can
  never be stored in PostgreSQL text, so each view would fail on it with a DataError (500).
  Refused once here with 400 (422 from the API, as its other bad input). Uploaded files'
  bytes are not form fields and are not checked.
- limit_request_size (ASGI, wraps the app in config/asgi.py): headers and body are counted as
  they arrive, so a chunked body (no Content-Length) cannot walk around the limit, and
  nothing over it is ever spooled. Django's test client and WSGI read at most Content-Length
  bytes, so there the middleware's Content-Length check is a check on the bytes read.
"""

import json

from django.conf import settings
from django.http import HttpResponse, JsonResponse

FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def body_limit(path: str) -> int:
    """The most body bytes a request to `path` may send: the API's own limit, else the site's."""
    return settings.API_MAX_BODY_BYTES if path.startswith("/api/") else settings.MAX_REQUEST_BODY_BYTES


def _refusal(path: str, status: int, message: str) -> HttpResponse:
    if path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def _nul_refusal(path: str, where: str, name: str | None) -> HttpResponse:
    """400 with the reason; the API answers bad input as 422 with its field errors' shape."""
    if path.startswith("/api/"):
        loc = [where] if name is None else [where, name]
        return JsonResponse({"detail": [{"loc": loc, "msg": "must not contain NUL characters", "type": "value_error"}]},
                            status=422)
    return _refusal(path, 400, f"The {'address' if where != 'form' else 'form'} contains a NUL character, "
                               "which nothing here can hold.")


def _nul_field(querydict) -> str | None:
    """The name of the first field (or key) holding a NUL character, or None."""
    for key, values in querydict.lists():
        if "\x00" in key or any("\x00" in value for value in values):
            return key
    return None


class RequestGuardMiddleware:
    """400 (API: 422) for a NUL character in the path, the query string or a form field; 413
    for a declared body over the limit (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > body_limit(request.path):
            return _refusal(request.path, 413, f"The request body is over {body_limit(request.path)} bytes.")
        if "\x00" in request.path:
            return _nul_refusal(request.path, "path", None)
        if (name := _nul_field(request.GET)) is not None:
            return _nul_refusal(request.path, "query", name)
        if request.method == "POST" and request.content_type in FORM_CONTENT_TYPES:
            if (name := _nul_field(request.POST)) is not None:
                return _nul_refusal(request.path, "form", name)
        return self.get_response(request)


async def _send_refusal(scope, send, status: int, message: str):
    if scope["path"].startswith("/api/"):
        body, content_type = json.dumps({"detail": message}).encode(), b"application/json"
    else:
        body, content_type = message.encode(), b"text/plain; charset=utf-8"
    await send({
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", content_type), (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close")],
    })
    await send({"type": "http.response.body", "body": body})


def limit_request_size(app):
    """ASGI middleware: 431 for headers over MAX_REQUEST_HEADER_BYTES (all of them together),
    413 for a body over body_limit(path), counted on the bytes received."""

    async def guarded(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        headers = scope["headers"]
        if sum(len(name) + len(value) for name, value in headers) > settings.MAX_REQUEST_HEADER_BYTES:
            return await _send_refusal(scope, send, 431, "The request headers are too large.")
        limit = body_limit(scope["path"])
        too_big = f"The request body is over {limit} bytes."
        declared = next((value for name, value in headers if name == b"content-length"), b"0")
        if declared.isdigit() and int(declared) > limit:
            return await _send_refusal(scope, send, 413, too_big)
        # Django reads the whole body before the view runs anyway; reading it here first, with
        # a count, keeps an endless chunked body from being spooled to disk.
        messages, size = [], 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > limit:
                return await _send_refusal(scope, send, 413, too_big)
            if not message.get("more_body"):
                break
        buffered = iter(messages)

        async def replay():
            # The buffered messages first, then the live channel (a stream waits on it for the
            # client going away).
            return next(buffered, None) or await receive()

        return await app(scope, replay, send)

    return guarded
