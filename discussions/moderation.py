"""Flags, hiding and restoring, and the moderation log.

Who may do what is decided by annotations.permissions; this module does it, in a
transaction, and writes the log line (who, what, when, why) with every action.
"""

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from annotations.models import Annotation, Visibility
from annotations.signals import send_changed
from discussions.models import Flag, ModerationAction, Notification
from discussions.notifications import notify_moderated


class AlreadyFlagged(Exception):
    pass


def log(actor, annotation, action, reason=""):
    return ModerationAction.objects.create(
        actor=actor, annotation=annotation, group_id=annotation.group_id, action=action, reason=reason
    )


def flag(user, annotation, reason) -> Flag:
    """Flag once per person; a second flag raises AlreadyFlagged."""
    try:
        with transaction.atomic():
            return Flag.objects.create(annotation=annotation, user=user, reason=reason)
    except IntegrityError as error:
        raise AlreadyFlagged from error


def hide(actor, annotation, reason) -> None:
    with transaction.atomic():
        Annotation.objects.filter(pk=annotation.pk).update(hidden_at=timezone.now())
        Flag.objects.filter(annotation=annotation, settled_at__isnull=True).update(settled_at=timezone.now())
        log(actor, annotation, ModerationAction.Kind.HIDE, reason)
        notify_moderated(annotation, actor, Notification.Kind.HIDDEN)
        send_changed(annotation)
    annotation.refresh_from_db(fields=["hidden_at"])


def restore(actor, annotation, reason) -> None:
    with transaction.atomic():
        Annotation.objects.filter(pk=annotation.pk).update(hidden_at=None)
        Flag.objects.filter(annotation=annotation, settled_at__isnull=True).update(settled_at=timezone.now())
        log(actor, annotation, ModerationAction.Kind.RESTORE, reason)
        notify_moderated(annotation, actor, Notification.Kind.RESTORED)
        send_changed(annotation)
    annotation.refresh_from_db(fields=["hidden_at"])


def dismiss(actor, annotation, reason) -> None:
    """Keep the annotation shown and close its open flags."""
    with transaction.atomic():
        Flag.objects.filter(annotation=annotation, settled_at__isnull=True).update(settled_at=timezone.now())
        log(actor, annotation, ModerationAction.Kind.DISMISS, reason)


def queue(user, group):
    """Annotations of `group` with open flags (or hidden ones, to restore), most flagged first.
    One query: the annotations with their flag counts, first/last flag time and author."""
    return (
        Annotation.objects.filter(group=group, visibility=Visibility.GROUP, deleted_at__isnull=True)
        .annotate(
            open_flags=Count("flags", filter=Q(flags__settled_at__isnull=True)),
            first_flagged=Min("flags__created", filter=Q(flags__settled_at__isnull=True)),
            last_flagged=Max("flags__created", filter=Q(flags__settled_at__isnull=True)),
        )
        .filter(Q(open_flags__gt=0) | Q(hidden_at__isnull=False))
        .select_related("author", "paragraph__document", "curation")
        .order_by("-open_flags", "first_flagged", "-hidden_at")
    )


def open_flag_reasons(annotations) -> dict[int, list[Flag]]:
    """Open flags of these annotations, by annotation id (one query)."""
    out = {}
    for f in Flag.objects.filter(annotation__in=annotations, settled_at__isnull=True).select_related("user"):
        out.setdefault(f.annotation_id, []).append(f)
    return out
