"""`make run` serves config.asgi with uvicorn in DEBUG: the stylesheets must come through that
same ASGI app (runserver served them itself), fresh from their source folder as they are edited."""

import runpy

from asgiref.testing import ApplicationCommunicator
from django.test import override_settings

from tests.live_support import run_async


async def asgi_get(application, path):
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
        "headers": [(b"host", b"127.0.0.1")], "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000),
    }
    communicator = ApplicationCommunicator(application, scope)
    await communicator.send_input({"type": "http.request", "body": b"", "more_body": False})
    start = await communicator.receive_output(5)
    body = b""
    while True:
        message = await communicator.receive_output(5)
        body += message.get("body", b"")
        if not message.get("more_body"):
            return start["status"], {name.lower(): value for name, value in start["headers"]}, body


def test_in_development_the_asgi_app_serves_a_stylesheet_written_after_it_started(tmp_path):
    with override_settings(DEBUG=True, STATICFILES_DIRS=[tmp_path]):
        # A fresh app, built as the server process builds it (config.asgi runs at its start).
        application = runpy.run_module("config.asgi")["application"]
        (tmp_path / "edited.css").write_text("p { color: teal; }")
        # (in a thread of its own: after the browser tests, Playwright's loop runs in this one)
        status, headers, body = run_async(asgi_get(application, "/static/edited.css"))
    assert status == 200
    assert headers[b"content-type"].startswith(b"text/css")
    assert body == b"p { color: teal; }"
