"""Who may receive a live event, said once per event as audience keys, and which keys a
stream listens for, said once per stream: delivery is then a set intersection in memory, with
no query per stream and per event (a class of 300 on one paper made every note cost 600).

The keys mirror annotation.view (annotations/permissions.py); the paper itself was checked
when the stream opened:

    user:<id>       the author (and, in a group that hides notes until one has posted there,
                    each member who has posted on that paragraph)
    public          a live, visible public note
    group:<id>      a live, visible group note, to the group's members
    moderate:<id>   a live group note, hidden or not, to the group's moderators and instructors
    superuser       any live note that is not private

A change to a note (an edit, a delete, a hide, a restore) is told, naming only its paragraph,
to everyone who was or now is in the note's audience ignoring withholding and its deleted or
hidden state (change_keys): their margin of that paragraph is fetched afresh, through the
permissions, so a deleted note leaves it and a restored one comes back.

An event has a second, smaller audience, `waiting`: in a group that hides notes until one has
posted, a classmate's new note is held back from the members who have not posted on its
paragraph, and they are told only that one more is waiting there (the count the margin
shows), as a "waiting" delivery; whoever may read the note gets the note's own event.
"""

from typing import NamedTuple

from access.policy import MODERATING_ROLES
from annotations.models import Annotation, Visibility
from groups.models import GroupSettings
from groups.roles import forget_roles, roles_of
from live.models import LiveEvent

PUBLIC = "public"


class Audience(NamedTuple):
    readers: list[str]  # who may see the note
    waiting: list[str]  # who is told a note waits for them to post (a stream matching readers too reads it)


def change_keys(author_id, visibility, group_id) -> list[str]:
    """Who hears that a note of this audience changed: its author, and whoever its audience
    holds whatever the note's state (all the group: those it is held back from count it)."""
    keys = [f"user:{author_id}"]
    if visibility == Visibility.PUBLIC:
        keys += [PUBLIC, "superuser"]
    elif visibility == Visibility.GROUP:
        keys += [f"group:{group_id}", f"moderate:{group_id}", "superuser"]
    return keys


def event_audience(annotation_id: int, kind: str = "", also=()) -> Audience:
    """The keys of those who may see this annotation now, and of those it is held back from.
    Two or three queries, once per event. A change goes to change_keys, now's and `also`."""
    annotation = Annotation.objects.select_related("curation").filter(pk=annotation_id).first()
    if annotation is None:
        return Audience([], [])
    if kind == LiveEvent.Kind.CHANGE:
        now = change_keys(annotation.author_id, annotation.visibility, annotation.group_id)
        return Audience(list(dict.fromkeys([*now, *also])), [])
    keys = [f"user:{annotation.author_id}"]
    if annotation.deleted_at is not None:
        return Audience(keys, [])
    if annotation.visibility != Visibility.PRIVATE:
        keys.append("superuser")
    if annotation.visibility == Visibility.PUBLIC and annotation.hidden_at is None:
        keys.append(PUBLIC)
    elif annotation.visibility == Visibility.GROUP:
        keys.append(f"moderate:{annotation.group_id}")
        if annotation.hidden_at is None:
            readers, waiting = _group_readers(annotation)
            return Audience(keys + readers, waiting)
    return Audience(keys, [])


def _group_readers(annotation) -> tuple[list[str], list[str]]:
    group_id = annotation.group_id
    curation = getattr(annotation, "curation", None)
    withholding = GroupSettings.objects.filter(group_id=group_id, hide_until_posted=True).exists()
    if not withholding or (curation is not None and curation.is_prompt):
        return [f"group:{group_id}"], []
    # Classmates' notes are held back until one has posted on the paragraph: those who have.
    posted = Annotation.objects.filter(
        paragraph_id=annotation.paragraph_id, group_id=group_id, deleted_at__isnull=True,
        author__memberships__group_id=group_id,
    ).values_list("author_id", flat=True).distinct()
    # The margin counts held-back notes, not replies: only a note tells the others it waits.
    waiting = [f"group:{group_id}"] if annotation.parent_id is None else []
    return [f"user:{author_id}" for author_id in posted], waiting


def stream_keys(user) -> frozenset[str]:
    """The keys a stream of `user` listens for (roles read afresh: one query)."""
    keys = {PUBLIC}
    if not user.is_authenticated:
        return frozenset(keys)
    forget_roles(user)
    keys.add(f"user:{user.pk}")
    if user.is_superuser:
        keys.add("superuser")
    for group_id, role in roles_of(user).items():
        keys.add(f"group:{group_id}")
        if role in MODERATING_ROLES:
            keys.add(f"moderate:{group_id}")
    return frozenset(keys)
