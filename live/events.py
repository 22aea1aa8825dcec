"""Publishing live events: one row in live_event and a PostgreSQL NOTIFY, after the write commits.

Every app process LISTENs on CHANNEL (live.listener); the notification carries the event (id,
kind, annotation id, paragraph anchor, a vote's new count, a reply's thread root: never content) and its audience keys (live.audience),
worked out once here, so that each process hands it to exactly the open streams whose person
may see it, without a query per stream.

Events are written in transaction.on_commit, in a short transaction of their own that holds
an advisory lock: ids are therefore handed out in commit order, and a reader that has seen id
N can ask for "id > N" without missing an event that was still being committed. A rolled-back
note publishes nothing.
"""

import json
import logging
import random
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from annotations.models import Annotation
from discussions.models import Vote
from live.audience import event_audience
from live.models import LiveEvent
from reader.models import Paragraph

logger = logging.getLogger(__name__)

CHANNEL = "marginalia_live"
# Any fixed 64-bit key, shared by every process: serialises event inserts (held for one INSERT).
LOCK_KEY = 0x6D61726C6976
# How long events are kept for reconnecting and polling clients.
RETENTION = timedelta(hours=1)
# PostgreSQL refuses notifications over 8000 bytes; a longer audience (a huge withholding
# group) is left out, and the streams on the document read the event from the table.
MAX_PAYLOAD = 7900
# Pruning runs with about one publish in PRUNE_EVERY, so no scheduler is needed.
PRUNE_EVERY = 200

# A vote's event carries the note's count after it, a reply's its thread root (a note's own
# replies at any depth are counted on the root's card): counted under the lock, in commit order,
# so the last count a page is sent is the newest.
_INSERT = f"""
INSERT INTO {LiveEvent._meta.db_table}
    (kind, annotation_id, paragraph_id, document_id, created, vote_count, thread_root_id)
SELECT %(kind)s::varchar, a.id, a.paragraph_id, p.document_id, clock_timestamp(),
    CASE WHEN %(kind)s::varchar = 'vote' THEN (SELECT count(*) FROM {Vote._meta.db_table} v WHERE v.annotation_id = a.id) END,
    CASE WHEN %(kind)s::varchar = 'reply' THEN (
        WITH RECURSIVE up(id, parent_id) AS (
            SELECT t.id, t.parent_id FROM {Annotation._meta.db_table} t WHERE t.id = a.parent_id
            UNION ALL
            SELECT u.id, u.parent_id FROM {Annotation._meta.db_table} u JOIN up ON u.id = up.parent_id
        ) SELECT id FROM up WHERE parent_id IS NULL
    ) END
FROM {Annotation._meta.db_table} a JOIN {Paragraph._meta.db_table} p ON p.id = a.paragraph_id
WHERE a.id = %(annotation)s
RETURNING id, document_id, (SELECT anchor FROM {Paragraph._meta.db_table} WHERE id = paragraph_id),
    vote_count, thread_root_id
"""


def publish(kind: str, annotation_id: int, also=()) -> int | None:
    """Record the event and notify the listeners; returns the event id (None if the
    annotation is gone by now). Never raises: a live update is not worth failing a write for."""
    try:
        audience = event_audience(annotation_id, kind, also)  # before the lock, which serialises every publish
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
            cursor.execute(_INSERT, {"kind": kind, "annotation": annotation_id})
            row = cursor.fetchone()
            if row is None:
                return None
            event_id, document_id, anchor, votes, root = row
            # Delivered by PostgreSQL when this transaction commits, to every listening process.
            payload = notification(event_id, document_id, kind, annotation_id, anchor, audience, votes, root)
            cursor.execute("SELECT pg_notify(%s, %s)", [CHANNEL, payload])
        if random.randrange(PRUNE_EVERY) == 0:
            prune()
        return event_id
    except Exception:  # noqa: BLE001
        logger.exception("Could not publish a live event for annotation %s", annotation_id)
        return None


def notification(event_id, document_id, kind, annotation_id, anchor, audience, votes=None, root=None) -> str:
    event = {"id": event_id, "document": document_id, "kind": kind, "annotation": annotation_id, "paragraph": anchor,
             "votes": votes, "root": root}
    payload = json.dumps({**event, "audience": audience.readers, "waiting": audience.waiting})
    return payload if len(payload) <= MAX_PAYLOAD else json.dumps({**event, "audience": None})


def publish_roles_changed(user_id: int) -> None:
    """After the write commits, tell every process that `user_id`'s groups changed: their open
    streams take new audience keys at once, so someone removed from a group stops receiving its
    events now, not at the next re-read."""

    def notify():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, %s)", [CHANNEL, json.dumps({"roles_of": user_id})])

    transaction.on_commit(notify)


def publish_on_commit(kind: str, annotation_id: int, also=()) -> None:
    transaction.on_commit(lambda: publish(kind, annotation_id, also))


def prune(now=None) -> int:
    """Drop events older than RETENTION; returns how many."""
    cutoff = (now or timezone.now()) - RETENTION
    deleted, _ = LiveEvent.objects.filter(created__lt=cutoff).delete()
    return deleted
