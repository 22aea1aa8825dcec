"""Bounded cost: a real ASGI server (uvicorn, in a subprocess on loopback) holds 200 open live
streams while an ordinary page still answers, and one new note reaches all 200."""

import asyncio

import pytest

from tests.discussions_support import note
from tests.live_support import AsgiServer, closing_connection, run_async

pytestmark = pytest.mark.django_db(transaction=True)

CONNECTIONS = 200
PORT = 8113  # this helper's range; a free one is taken if it is busy


@pytest.fixture
def server():
    try:
        asgi = AsgiServer(port=PORT).wait_ready()
    except (RuntimeError, TimeoutError):
        asgi = AsgiServer().wait_ready()
    yield asgi
    asgi.stop()


async def open_stream(port, path):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\nLast-Event-ID: 0\r\n\r\n".encode()
    )
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), head[:200]
    assert b"text/event-stream" in head
    first = await reader.readuntil(b"\n\n")
    assert b"retry:" in first
    return reader, writer


async def get(port, path):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode())
    await writer.drain()
    response = await reader.read()
    writer.close()
    return response


async def wait_for_event(reader, marker: bytes):
    seen = b""
    while marker not in seen:
        seen += await reader.readuntil(b"\n\n")
    return seen


def test_200_open_streams_while_pages_still_answer(server, document, make_user):
    stream_path = f"/d/{document.slug}/live/stream/"
    author = make_user("writer")
    paragraph = document.paragraphs.get(anchor="p2")

    async def scenario():
        streams = []
        # Opened in batches, as browsers would arrive; all stay open.
        for start in range(0, CONNECTIONS, 50):
            streams += await asyncio.wait_for(
                asyncio.gather(*[open_stream(server.port, stream_path) for _ in range(start, min(start + 50, CONNECTIONS))]),
                60,
            )
        assert len(streams) == CONNECTIONS
        try:
            # Ordinary pages answer while all 200 streams are open.
            page = await asyncio.wait_for(get(server.port, document.get_absolute_url()), 30)
            assert page.startswith(b"HTTP/1.1 200") and document.title.encode() in page
            health = await asyncio.wait_for(get(server.port, "/livez"), 30)
            assert health.startswith(b"HTTP/1.1 200")
            # One public note reaches every open stream.
            created = await asyncio.to_thread(closing_connection(note), author, paragraph, "To all of you")
            marker = f'"annotation": {created.pk}'.encode()
            arrived = await asyncio.wait_for(
                asyncio.gather(*[wait_for_event(reader, marker) for reader, _ in streams]), 60
            )
            assert len(arrived) == CONNECTIONS
        finally:
            for _reader, writer in streams:
                writer.close()

    run_async(scenario())
    assert server.process.poll() is None  # still serving
