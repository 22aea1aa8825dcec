"""The live stream: Server-Sent Events from an async view, so an open connection costs a
coroutine and a socket, not a worker thread (serve the project with an ASGI server: uvicorn).

A client starts after the last event it has (Last-Event-ID, as EventSource sends it on every
reconnection), or, on a fresh page, after the events older than the page (?since=<epoch ms>).
Each event it may see (live.delivery) is sent as

    id: <event id>
    event: <annotation|reply|vote|waiting|change>
    data: {"id": ..., "kind": ..., "annotation": ..., "paragraph": "<anchor>"}

with, for a vote, "votes" (the note's count now) and, for a reply, "root" (its thread's root):
what the page changes without fetching anything.

An open stream holds no database connection: the view's checks (session, the paper readable,
where to start) and the catch-up from the table run first, each giving its connection back;
after that, events come from the process's one LISTEN connection (live.listener) with their
audience worked out once per event (live.audience), so a quiet class costs no queries.
A comment line every HEARTBEAT seconds keeps proxies from closing a quiet connection; every
KEYS_TTL seconds the person's groups are read again, so someone removed from a group stops
receiving its events within that time.
"""

import asyncio
import functools
import json
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
from live.audience import stream_keys
from live.listener import REKEY, RESYNC, get_listener

HEARTBEAT = 15.0
RETRY_MS = 3000  # what EventSource waits before reconnecting
# A stream ends after this long; the client reconnects at once with Last-Event-ID, so nothing
# is lost, and a server being replaced is not held up by long-lived connections.
MAX_DURATION = 30 * 60.0
KEYS_TTL = 60.0

# The ORM is synchronous: the few queries a stream makes (its checks, a catch-up after a
# reconnection) run on a small pool of threads shared by every stream in the process, each
# call giving its connection back to the pool at once: a class opening the paper in the same
# minute takes at most DB_THREADS pooled connections for its streams, and only for moments.
DB_THREADS = settings.LIVE_DB_THREADS
_db_pool = ThreadPoolExecutor(max_workers=DB_THREADS, thread_name_prefix="live-db")


def _returning_connection(func, *args):
    try:
        return func(*args)
    finally:
        connections.close_all()  # with the pool: back to it


async def run_db(func, *args):
    call = functools.partial(_returning_connection, func, *args)
    return await asyncio.get_running_loop().run_in_executor(_db_pool, call)


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


async def event_stream(user, document_id: int, after: int, keys, *, heartbeat=None, max_duration=None):
    """The SSE body. Subscribes before reading the table, so an event committed in between is
    queued rather than lost (one already read is skipped by its id)."""
    heartbeat = heartbeat or HEARTBEAT
    listener = get_listener()
    loop = asyncio.get_running_loop()
    subscription = listener.subscribe(document_id, keys)
    keys_read = loop.time()
    deadline = loop.time() + (max_duration or MAX_DURATION)
    try:
        yield f"retry: {RETRY_MS}\n: connected\n\n"
        # What it missed, on the request's own thread and the connection its checks (and the
        # middleware) used, which is then given back: one connection per opening stream, at
        # once, not queued behind every other opening stream for the shared threads.
        deliveries, after = await sync_to_async(_returning_connection)(events_for, user, document_id, after)
        while True:
            for delivery in deliveries:
                yield format_event(delivery)
            remaining = deadline - loop.time()
            if remaining <= 0:
                return
            try:
                item = await asyncio.wait_for(subscription.queue.get(), timeout=min(heartbeat, remaining))
            except TimeoutError:
                deliveries = []
                yield ": heartbeat\n\n"
                if loop.time() - keys_read > KEYS_TTL:
                    listener.set_keys(subscription, await run_db(stream_keys, user))
                    keys_read = loop.time()
                continue
            if item is REKEY:
                listener.set_keys(subscription, await run_db(stream_keys, user))
                keys_read, deliveries = loop.time(), []
            elif item is RESYNC:
                deliveries, after = await run_db(events_for, user, document_id, after)
            elif item.id > after:
                deliveries, after = [item], item.id
            else:
                deliveries = []  # already read from the table
    finally:
        listener.unsubscribe(subscription)


def _opening(request, slug):
    """The checks before a stream starts, on the request's own thread and connection (the one
    the middleware used for the session; the stream's catch-up gives it back): (document,
    where to start, the person's audience keys). Raises Http404 for a paper one may not read."""
    document = get_document_for(request.user, slug)  # first: a stranger learns nothing
    if not isinstance(request, ASGIRequest):
        return document, None, None
    after = start_after(request.headers.get("Last-Event-ID", ""), request.GET.get("since", ""))
    if after is None:
        after = first_id_since(document.pk, parse_since(request.GET.get("since")))
    return document, after, stream_keys(request.user)


@require_GET
async def stream(request, slug):
    document, after, keys = await sync_to_async(_opening)(request, slug)
    if keys is None:
        # Under WSGI (runserver, the test live server) Django would buffer the whole stream
        # and hold a thread for it. 204 tells EventSource not to retry: the page polls instead.
        return HttpResponse(status=204)
    user = request.user
    response = StreamingHttpResponse(event_stream(user, document.pk, after, keys), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache, no-transform"
    response["X-Accel-Buffering"] = "no"  # nginx: pass events through as they come
    return response
