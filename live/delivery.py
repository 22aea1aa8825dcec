"""Which events a person may receive: the permission module decides, per event, per person.

An event is delivered only if its annotation is one `visible_annotations(user)` returns now
(a vote on a note I may see tells me its count changed, never who voted). Roles are re-read
for every batch, so someone removed from a group stops receiving its events at once.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef

from annotations.models import Annotation
from annotations.permissions import visible_annotations
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

    def as_json(self):
        return {"id": self.id, "kind": self.kind, "annotation": self.annotation, "paragraph": self.paragraph}


def events_for(user, document_id: int, after: int) -> tuple[list[Delivery], int]:
    """(events after `after` that `user` may see, the last id examined). Two queries as a
    rule: the person's roles, then the events with their visibility worked out in the same
    statement (more only to read past a long run of events this person may not see)."""
    forget_roles(user)
    visible = visible_annotations(user, Annotation.objects.filter(pk=OuterRef("annotation_id")))
    deliveries = []
    for _ in range(MAX_BATCHES):
        rows = list(
            LiveEvent.objects.filter(document_id=document_id, id__gt=after)
            .annotate(may_see=Exists(visible))
            .values_list("id", "kind", "annotation_id", "paragraph__anchor", "may_see")
            .order_by("id")[:BATCH]
        )
        if rows:
            after = rows[-1][0]
        deliveries += [Delivery(*row[:4]) for row in rows if row[4]]
        if deliveries or len(rows) < BATCH:
            break
    return deliveries, after


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
