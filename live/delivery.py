"""Which events a person may receive: the permission module decides, per event, per person.

An event is delivered only if its annotation is one `visible_annotations(user)` returns now
(a vote on a note I may see tells me its new count, never who voted), or, as a "waiting"
delivery that names no more than its paragraph, if it is a new note "hide until posted" holds
back from them (withheld_annotations): the margin's count of waiting notes goes up. A change
to a note (edited, deleted, hidden, restored) names only its paragraph and goes to whoever its
audience holds whatever its state (change_audience_q): their margin is fetched afresh. Roles are re-read
for every batch, so someone removed from a group stops receiving its events at once.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import BooleanField, Exists, OuterRef, Value

from annotations.models import Annotation
from annotations.permissions import change_audience_q, visible_annotations, withheld_annotations
from groups.roles import forget_roles
from live.models import LiveEvent

# A batch is capped so that a client far behind catches up in steps, not one huge answer.
BATCH = 200
MAX_BATCHES = 10
# A page asks for events since the moment it was rendered; this much earlier, so clocks that
# differ a little between app and database lose nothing (duplicates are harmless: the page
# merges notes by id).
CLOCK_SLACK = timedelta(seconds=5)


@dataclass(frozen=True)
class Delivery:
    id: int
    kind: str
    annotation: int
    paragraph: str  # the paragraph's anchor
    votes: int | None = None  # a vote: the note's count now
    root: int | None = None  # a reply: its thread's root, whose card counts it

    def as_json(self):
        if self.kind in (WAITING, CHANGE):  # which note is not theirs to know (yet, or any more)
            return {"id": self.id, "kind": self.kind, "paragraph": self.paragraph}
        data = {"id": self.id, "kind": self.kind, "annotation": self.annotation, "paragraph": self.paragraph}
        if self.votes is not None:
            data["votes"] = self.votes
        if self.root is not None:
            data["root"] = self.root
        return data

    def waiting(self) -> "Delivery":
        """This new note, to someone it is held back from: that one more waits on its paragraph."""
        return Delivery(self.id, WAITING, self.annotation, self.paragraph)


WAITING = "waiting"
CHANGE = LiveEvent.Kind.CHANGE


def events_for(user, document_id: int, after: int) -> tuple[list[Delivery], int]:
    """(events after `after` that `user` may see, the last id examined). Two queries as a
    rule: the person's roles, then the events with their visibility worked out in the same
    statement (more only to read past a long run of events this person may not see)."""
    forget_roles(user)
    event_note = Annotation.objects.filter(pk=OuterRef("annotation_id"))
    visible = visible_annotations(user, event_note)
    held = withheld_annotations(user, event_note.roots())
    told = Exists(event_note.filter(change_audience_q(user)))
    # Nobody in a group that holds notes back: no such column (and no query to find that out twice).
    may_wait = Exists(held) if not held.query.is_empty() else Value(False, output_field=BooleanField())
    deliveries = []
    for _ in range(MAX_BATCHES):
        rows = list(
            LiveEvent.objects.filter(document_id=document_id, id__gt=after)
            .annotate(may_see=Exists(visible), may_wait=may_wait, told=told)
            .values_list("id", "kind", "annotation_id", "paragraph__anchor", "vote_count", "thread_root_id",
                         "may_see", "may_wait", "told")
            .order_by("id")[:BATCH]
        )
        if rows:
            after = rows[-1][0]
        for *event, may_see, may_wait, told in rows:
            kind = event[1]
            if kind == CHANGE:
                if told:
                    deliveries.append(Delivery(*event))
            elif may_see:
                deliveries.append(Delivery(*event))
            elif may_wait and kind == LiveEvent.Kind.ANNOTATION:
                deliveries.append(Delivery(*event).waiting())
        if deliveries or len(rows) < BATCH:
            break
    return deliveries, after


def last_event_id(document_id: int) -> int:
    """The newest event of the document (0 if none): a page read after it shows everything up to
    it, so the page passes over those events when its stream or polling sends them again. One
    query (live_event_document_idx)."""
    return LiveEvent.objects.filter(document_id=document_id).order_by("-id").values_list("id", flat=True).first() or 0


def first_id_since(document_id: int, since: datetime) -> int:
    """The id to start after for a page rendered at `since`. One query."""
    earlier = (
        LiveEvent.objects.filter(document_id=document_id, created__lt=since - CLOCK_SLACK)
        .order_by("-id").values_list("id", flat=True).first()
    )
    if earlier is not None:
        return earlier
    # Nothing that old is kept: start before the oldest kept event of the document.
    oldest = LiveEvent.objects.filter(document_id=document_id).order_by("id").values_list("id", flat=True).first()
    return (oldest - 1) if oldest is not None else 0
