"""The live stream: Server-Sent Events from an async view, so an open connection costs a
coroutine and a socket, not a worker thread (serve the project with an ASGI server: uvicorn).

A client starts after the last event it has (Last-Event-ID, as EventSource sends it on every
reconnection), or, on a fresh page, after the events older than the page (?since=<epoch ms>).
Each event it may see (live.delivery) is sent as

    id: <event id>
    event: <annotation|reply|vote>
    data: {"id": ..., "kind": ..., "annotation": ..., "paragraph": "<anchor>"}

A comment line every HEARTBEAT seconds keeps proxies from closing a quiet connection, and at
the same time re-reads the table in case a notification was missed.
"""

import asyncio
import functools
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from datetime import timezone as dt_timezone

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.db import connections
from django.http import HttpResponse, StreamingHttpResponse
from django.views.decorators.http import require_GET

from access.policy import get_document_for
from live.delivery import events_for, first_id_since
from live.listener import get_listener

HEARTBEAT = 15.0
RETRY_MS = 3000  # what EventSource waits before reconnecting
# A stream ends after this long; the client reconnects at once with Last-Event-ID, so nothing
# is lost, and a server being replaced is not held up by long-lived connections.
MAX_DURATION = 30 * 60.0

# The ORM is synchronous: each short batch of queries runs on a small pool of threads of its
# own, shared by every stream in the process. So 200 open streams use DB_THREADS database
# connections (plus the one LISTEN connection), however many are open.
DB_THREADS = settings.LIVE_DB_THREADS
_db_pool = ThreadPoolExecutor(max_workers=DB_THREADS, thread_name_prefix="live-db")


async def run_db(func, *args):
    return await asyncio.get_running_loop().run_in_executor(_db_pool, functools.partial(func, *args))


def close_db_connections():
    """Close the pool threads' database connections (tests, before dropping their database):
    one task per thread, held at a barrier so that each thread runs exactly one."""
    barrier = threading.Barrier(DB_THREADS)

    def close():
        barrier.wait(timeout=10)
        connections.close_all()

    for future in [_db_pool.submit(close) for _ in range(DB_THREADS)]:
        future.result(timeout=15)


def start_after(last_event_id: str, since: str) -> int | None:
    """The id to resume after from Last-Event-ID, or None to start from `since`."""
    if last_event_id.strip().isdigit():
        return int(last_event_id.strip())
    return None


def parse_since(since: str) -> datetime:
    try:
        return datetime.fromtimestamp(int(since) / 1000, tz=dt_timezone.utc)
    except (TypeError, ValueError, OverflowError, OSError):
        return datetime.now(tz=dt_timezone.utc)


def format_event(delivery) -> str:
    return f"id: {delivery.id}\nevent: {delivery.kind}\ndata: {json.dumps(delivery.as_json())}\n\n"


async def event_stream(user, document_id: int, after: int, *, heartbeat=None, max_duration=None):
    """The SSE body. Subscribes before the first read, so an event committed in between wakes
    it rather than slipping past."""
    heartbeat = heartbeat or HEARTBEAT
    listener = get_listener()
    wake = listener.subscribe(document_id)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + (max_duration or MAX_DURATION)
    try:
        yield f"retry: {RETRY_MS}\n: connected\n\n"
        while True:
            deliveries, after = await run_db(events_for, user, document_id, after)
            for delivery in deliveries:
                yield format_event(delivery)
            remaining = deadline - loop.time()
            if remaining <= 0:
                return
            try:
                await asyncio.wait_for(wake.wait(), timeout=min(heartbeat, remaining))
                wake.clear()
            except TimeoutError:
                yield ": heartbeat\n\n"
    finally:
        listener.unsubscribe(document_id, wake)


@require_GET
async def stream(request, slug):
    user = await request.auser()
    document = await run_db(get_document_for, user, slug)  # first: a stranger learns nothing
    if not isinstance(request, ASGIRequest):
        # Under WSGI (runserver, the test live server) Django would buffer the whole stream
        # and hold a thread for it. 204 tells EventSource not to retry: the page polls instead.
        return HttpResponse(status=204)
    after = start_after(request.headers.get("Last-Event-ID", ""), request.GET.get("since", ""))
    if after is None:
        after = await run_db(first_id_since, document.pk, parse_since(request.GET.get("since")))
    # The middleware's queries (session, user) ran on this request's own thread; give its
    # database connection back now rather than hold it for as long as the stream is open.
    await sync_to_async(connections.close_all)()
    response = StreamingHttpResponse(event_stream(user, document.pk, after), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache, no-transform"
    response["X-Accel-Buffering"] = "no"  # nginx: pass events through as they come
    return response

