"""Size limits hold on the real stack (`make serve`: gunicorn, uvicorn workers, ASGI): a body
is counted as it arrives, so a chunked one (no Content-Length) cannot walk around the limit,
and oversized headers are refused (config/request_guards.py)."""

import socket

import pytest

from tests import live_support
from tests.ops_support import Gunicorn, app_env, free_port

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def served():
    app = Gunicorn(
        app_env(live_support.test_database_url(), LOG_LEVEL="ERROR"), free_port(range(8131, 8140)), workers=1,
        extra_args=("--config", "config/gunicorn.conf.py", "--worker-class", "uvicorn_worker.UvicornWorker"),
        app="config.asgi:application",
    )
    yield app
    app.stop()


def _status(port, head: bytes, chunks=()) -> int:
    """Send a request (the body chunked, as given) and read the answer's status code."""
    with socket.create_connection(("127.0.0.1", port), timeout=15) as conn:
        try:
            conn.sendall(head)
            for chunk in chunks:
                conn.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            if chunks:
                conn.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused part-way, as it should be: the answer is waiting
        answer = b""
        while b"\r\n" not in answer:
            data = conn.recv(4096)
            if not data:
                break
            answer += data
    return int(answer.split(b" ", 2)[1])


def _chunked_post(path, port):
    return (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
            "X-Forwarded-Proto: https\r\nTransfer-Encoding: chunked\r\n\r\n").encode()


def test_a_chunked_body_over_the_limit_is_refused_with_413(served):
    chunk = b'"' + b"x" * 8190 + b'"'
    # 200 KB to the API (limit 64 KiB) and 5 MB to a form (limit 4 MiB): refused while arriving.
    assert _status(served.port, _chunked_post("/api/annotations", served.port), [chunk] * 25) == 413
    assert _status(served.port, _chunked_post("/import/", served.port), [chunk] * 640) == 413
    # Under the limit the same request reaches the app (which wants a signed-in person).
    assert _status(served.port, _chunked_post("/api/annotations", served.port), [b"{}"]) in (401, 403)


def test_a_declared_body_over_the_limit_is_refused_before_it_is_sent(served):
    head = (f"POST /api/annotations HTTP/1.1\r\nHost: 127.0.0.1:{served.port}\r\n"
            "Content-Type: application/json\r\nContent-Length: 10000000\r\n\r\n").encode()
    assert _status(served.port, head) == 413


def test_a_100_kb_header_is_refused(served):
    head = (f"GET /livez HTTP/1.1\r\nHost: 127.0.0.1:{served.port}\r\nX-Padding: {'a' * 100_000}\r\n\r\n").encode()
    assert _status(served.port, head) in (400, 431)
    ok = f"GET /livez HTTP/1.1\r\nHost: 127.0.0.1:{served.port}\r\nX-Padding: {'a' * 1000}\r\n\r\n".encode()
    assert _status(served.port, ok) == 200
