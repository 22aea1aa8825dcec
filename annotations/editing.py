"""Writing annotations: create, edit (with optimistic locking), delete softly, restore.

Each function runs in one transaction, so an annotation never exists without its tags and
links, and a failed edit changes nothing. Callers have already checked permissions
(annotations/permissions.py) and input (annotations/forms_annotations.py).
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from annotations.models import Annotation, Link


class EditConflict(Exception):
    """Someone (the author, in another tab) saved a newer version first."""

    def __init__(self, current: Annotation):
        super().__init__(f"Annotation {current.pk} is at version {current.version}")
        self.current = current


def _new_link(annotation, data) -> Link | None:
    if not data.get("link"):
        return None
    kind, target = data["link"]
    if kind == "paragraph":
        return Link(annotation=annotation, target=target, relation=data["relation"])
    return Link(annotation=annotation, url=target, relation=data["relation"])


@transaction.atomic
def create_annotation(user, paragraph, data) -> Annotation:
    visibility, group = data["visibility"]
    passage = data.get("passage")
    annotation = Annotation.objects.create(
        paragraph=paragraph,
        author=user,
        body=data.get("body", ""),
        visibility=visibility,
        group=group,
        **(
            {"quote": passage.quote, "start": passage.start, "end": passage.end,
             "prefix": passage.prefix, "suffix": passage.suffix}
            if passage else {}
        ),
    )
    if data.get("tags"):
        annotation.tags.set(data["tags"])
    link = _new_link(annotation, data)
    if link:
        link.save()
    return annotation


@transaction.atomic
def update_annotation(annotation, data, version: int) -> Annotation:
    """Save the edit if `version` is still the current one; else raise EditConflict.

    The check and the write are one conditional UPDATE (... WHERE version = n), so two
    edits racing from the same version cannot both win."""
    visibility, group = data["visibility"]
    changed = Annotation.objects.filter(pk=annotation.pk, version=version, deleted_at__isnull=True).update(
        body=data.get("body", ""),
        visibility=visibility,
        group=group,
        version=F("version") + 1,
        updated=timezone.now(),
    )
    if not changed:
        raise EditConflict(Annotation.objects.select_related("author", "group").get(pk=annotation.pk))
    annotation.tags.set(data.get("tags") or [])
    removed = [int(pk) for pk in data.get("remove_links") or []]
    if removed:
        annotation.links.filter(pk__in=removed).delete()
    link = _new_link(annotation, data)
    if link:
        link.save()
    annotation.refresh_from_db()
    return annotation


def soft_delete(annotation) -> bool:
    """Hide it from everyone at once; the author may restore it for a while."""
    now = timezone.now()
    changed = Annotation.objects.filter(pk=annotation.pk, deleted_at__isnull=True).update(
        deleted_at=now, version=F("version") + 1, updated=now
    )
    annotation.deleted_at = now
    return bool(changed)


def restore(annotation) -> bool:
    changed = Annotation.objects.filter(pk=annotation.pk, deleted_at__isnull=False).update(
        deleted_at=None, version=F("version") + 1, updated=timezone.now()
    )
    annotation.deleted_at = None
    return bool(changed)
