"""One LISTEN connection per app process, shared by every open stream in it.

Streams subscribe to a document and get an asyncio.Event that is set whenever PostgreSQL
reports a new event for that document; the stream then reads the rows itself (live.delivery).
The notification is only a wake-up call: if the connection drops, the listener reconnects and
wakes every stream, which catch up from the table, so nothing is lost in between. A process
with 200 open streams holds one database connection for them, not 200.
"""

import asyncio
import logging
import weakref
from collections import defaultdict

import psycopg
from django.db import connections

from live.events import CHANNEL

logger = logging.getLogger(__name__)

RECONNECT_DELAY = 2.0
IDLE_CHECK = 30.0


def _conninfo() -> dict:
    """psycopg connection arguments for the primary database (also in tests, where Django has
    already switched the settings to the test database)."""
    params = connections["default"].get_connection_params()
    for key in ("cursor_factory", "context", "prepare_threshold", "pool"):
        params.pop(key, None)
    return params


class Listener:
    def __init__(self):
        self.subscribers: dict[int, set[asyncio.Event]] = defaultdict(set)
        self.task: asyncio.Task | None = None
        self.connected = asyncio.Event()

    def subscribe(self, document_id: int) -> asyncio.Event:
        wake = asyncio.Event()
        self.subscribers[document_id].add(wake)
        if self.task is None or self.task.done():
            self.task = asyncio.get_running_loop().create_task(self._run(), name="live-listener")
        return wake

    def unsubscribe(self, document_id: int, wake: asyncio.Event) -> None:
        waiting = self.subscribers.get(document_id)
        if waiting is not None:
            waiting.discard(wake)
            if not waiting:
                del self.subscribers[document_id]

    def _wake(self, document_id=None):
        groups = self.subscribers.values() if document_id is None else [self.subscribers.get(document_id, ())]
        for group in groups:
            for wake in group:
                wake.set()

    async def _run(self):
        while self.subscribers:
            try:
                conn = await psycopg.AsyncConnection.connect(autocommit=True, **_conninfo())
            except Exception:  # noqa: BLE001
                logger.warning("Live updates: cannot connect to LISTEN; retrying", exc_info=True)
                await asyncio.sleep(RECONNECT_DELAY)
                continue
            try:
                async with conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    self.connected.set()
                    self._wake()  # anything missed while not listening is in the table
                    # The timeout lets an idle listener notice that nobody listens any more.
                    while self.subscribers:
                        async for notify in conn.notifies(timeout=IDLE_CHECK):
                            _event_id, _, document_id = notify.payload.partition(":")
                            if document_id.isdigit():
                                self._wake(int(document_id))
            except Exception:  # noqa: BLE001
                logger.warning("Live updates: LISTEN connection lost; reconnecting", exc_info=True)
            finally:
                self.connected.clear()
            if self.subscribers:
                await asyncio.sleep(RECONNECT_DELAY)


# One listener per event loop (a server process has one; tests may start several).
_listeners: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Listener]" = weakref.WeakKeyDictionary()


def get_listener() -> Listener:
    loop = asyncio.get_running_loop()
    listener = _listeners.get(loop)
    if listener is None:
        listener = _listeners[loop] = Listener()
    return listener
