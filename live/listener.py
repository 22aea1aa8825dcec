"""One LISTEN connection per app process, fanning each event out to the open streams in it.

PostgreSQL's notification carries the whole event with its audience keys (live.events,
live.audience), so the listener hands it, without any query, to the queue of every stream
on that document whose keys meet the event's: the permission filtering was done once per
event, at publish time. The LISTEN connection is psycopg's own, outside Django's pool, and
an idle stream holds no database connection at all.

If the connection drops, the listener reconnects and tells every stream to catch up from
the table (RESYNC), so nothing is lost in between; so does an event whose audience was too
long for a notification.
"""

import asyncio
import json
import logging
import weakref
from collections import defaultdict
from dataclasses import dataclass, field

import psycopg
from django.db import connections

from live.delivery import Delivery
from live.events import CHANNEL

logger = logging.getLogger(__name__)

RECONNECT_DELAY = 2.0
IDLE_CHECK = 30.0
RESYNC = object()  # "read the table": events may have been missed
REKEY = object()  # "read the person's groups again": a membership changed


def _conninfo() -> dict:
    """psycopg connection arguments for the primary database (also in tests, where Django has
    already switched the settings to the test database)."""
    params = connections["default"].get_connection_params()
    for key in ("cursor_factory", "context", "prepare_threshold", "pool"):
        params.pop(key, None)
    return params


@dataclass(eq=False)
class Subscription:
    document_id: int
    keys: frozenset
    queue: asyncio.Queue = field(default_factory=asyncio.Queue)


class Listener:
    def __init__(self):
        # {document id: {audience key: subscriptions}}
        self.subscribers: dict[int, dict[str, set[Subscription]]] = defaultdict(lambda: defaultdict(set))
        self.task: asyncio.Task | None = None
        self.connected = asyncio.Event()

    def subscribe(self, document_id: int, keys: frozenset) -> Subscription:
        subscription = Subscription(document_id, frozenset())
        self.set_keys(subscription, keys)
        if self.task is None or self.task.done():
            self.task = asyncio.get_running_loop().create_task(self._run(), name="live-listener")
        return subscription

    def set_keys(self, subscription: Subscription, keys: frozenset) -> None:
        by_key = self.subscribers[subscription.document_id]
        for key in subscription.keys - keys:
            self._discard(by_key, key, subscription)
        for key in keys:
            by_key[key].add(subscription)
        subscription.keys = frozenset(keys)

    def unsubscribe(self, subscription: Subscription) -> None:
        by_key = self.subscribers.get(subscription.document_id)
        if by_key is None:
            return
        for key in subscription.keys:
            self._discard(by_key, key, subscription)
        if not by_key:
            del self.subscribers[subscription.document_id]

    @staticmethod
    def _discard(by_key, key, subscription):
        subscribed = by_key.get(key)
        if subscribed is not None:
            subscribed.discard(subscription)
            if not subscribed:
                del by_key[key]

    def _all(self, document_id=None) -> set[Subscription]:
        documents = self.subscribers.values() if document_id is None else [self.subscribers.get(document_id, {})]
        return {s for by_key in documents for subscribed in by_key.values() for s in subscribed}

    def dispatch(self, payload: str) -> None:
        """One notification: to each stream on its document that may see it, once."""
        try:
            event = json.loads(payload)
        except ValueError:
            logger.warning("Live updates: unreadable notification %r", payload[:200])
            return
        if "roles_of" in event:
            key = f"user:{event['roles_of']}"
            for subscription in {s for by_key in self.subscribers.values() for s in by_key.get(key, ())}:
                subscription.queue.put_nowait(REKEY)
            return
        document_id = event["document"]
        if event.get("audience") is None:
            recipients, item = self._all(document_id), RESYNC
        else:
            by_key = self.subscribers.get(document_id, {})
            recipients = {s for key in event["audience"] for s in by_key.get(key, ())}
            item = Delivery(event["id"], event["kind"], event["annotation"], event["paragraph"],
                            event.get("votes"), event.get("root"))
            # Those the note is held back from hear only that it waits (a reader hears the note).
            waiting = {s for key in event.get("waiting", ()) for s in by_key.get(key, ())} - recipients
            for subscription in waiting:
                subscription.queue.put_nowait(item.waiting())
        for subscription in recipients:
            subscription.queue.put_nowait(item)

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
                    for subscription in self._all():  # anything missed while not listening is in the table
                        subscription.queue.put_nowait(RESYNC)
                    # The timeout lets an idle listener notice that nobody listens any more.
                    while self.subscribers:
                        async for notify in conn.notifies(timeout=IDLE_CHECK):
                            self.dispatch(notify.payload)
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
