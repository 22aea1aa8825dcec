"""Who hears about a new note or reply, and the e-mail outbox.

Notifications are rows written in the same transaction as the note: replies to my note,
mentions of me, activity in threads, documents-in-a-group and groups I follow. Only people
who may see the new note are told. What a notification shows is decided when it is shown
(annotations.permissions.author_label), so an anonymous post stays anonymous there too.

E-mail (off by default; NotificationPreference.email) never slows the request: the row is
marked email_pending and the `send_notification_emails` command, run by a timer, drains the
outbox. A database outbox rather than a thread started after commit, because the app is
stateless: a process may die after answering, and any process (or machine) may send.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from access.policy import can_view
from annotations.models import Annotation
from annotations.permissions import annotation_visibility_q, author_label
from discussions.mentions import mentioned_members
from discussions.models import Follow, Notification, NotificationPreference
from discussions.threads import root_id_of

# When one person has several reasons to hear about a note, the strongest one is told.
PRIORITY = [Notification.Kind.MENTION, Notification.Kind.REPLY, Notification.Kind.THREAD, Notification.Kind.ACTIVITY]


def recipients_for(annotation) -> dict:
    """{user: kind} for a new annotation (a reply or a new note in a group)."""
    reasons: dict = {}

    def add(user, kind):
        if user.pk == annotation.author_id:
            return
        current = reasons.get(user)
        if current is None or PRIORITY.index(kind) < PRIORITY.index(current):
            reasons[user] = kind

    for user in mentioned_members(annotation):
        add(user, Notification.Kind.MENTION)
    if annotation.parent_id is not None:
        parent = Annotation.objects.select_related("author").get(pk=annotation.parent_id)
        add(parent.author, Notification.Kind.REPLY)
        root_id = root_id_of(annotation)
        if root_id != parent.pk:
            root = Annotation.objects.select_related("author").get(pk=root_id)
            add(root.author, Notification.Kind.THREAD)
        for follow in Follow.objects.filter(annotation_id=root_id).select_related("user"):
            add(follow.user, Notification.Kind.THREAD)
    if annotation.group_id is not None:
        document_id = annotation.paragraph.document_id
        follows = Follow.objects.filter(group_id=annotation.group_id).filter(
            Q(document__isnull=True) | Q(document_id=document_id)
        ).select_related("user")
        for follow in follows:
            add(follow.user, Notification.Kind.ACTIVITY)
    return reasons


def notify(annotation) -> list[Notification]:
    """Write the notifications for a new annotation; call inside its transaction."""
    reasons = recipients_for(annotation)
    if not reasons:
        return []
    wants_email = set(
        NotificationPreference.objects.filter(user__in=list(reasons), email=True).values_list("user_id", flat=True)
    )
    rows = [
        Notification(
            recipient=user, kind=kind, annotation=annotation, actor_id=annotation.author_id,
            email_pending=user.pk in wants_email,
        )
        for user, kind in reasons.items()
        if can_view(user, annotation)
    ]
    return Notification.objects.bulk_create(rows, ignore_conflicts=True)


def notify_orphaned(annotations, actor) -> None:
    """Tell each author that a new version could not place their note (call inside the
    version's transaction). Said again if a later version orphans it again."""
    notify_authors(annotations, actor, Notification.Kind.ORPHANED)


def notify_moderated(annotation, actor, kind) -> None:
    """Tell a note's author that a moderator hid it (HIDDEN) or restored it (RESTORED); call
    inside the moderation's transaction. Not when they did it themselves."""
    if actor.pk != annotation.author_id:
        notify_authors([annotation], actor, kind)


def notify_authors(annotations, actor, kind) -> None:
    """One notification of `kind` to each note's author, replacing any earlier one about that
    note (one per person and note), unread again, e-mailed if they want e-mail."""
    authors = {a.author_id for a in annotations}
    wants_email = set(
        NotificationPreference.objects.filter(user__in=authors, email=True).values_list("user_id", flat=True)
    )
    rows = [
        Notification(
            recipient_id=a.author_id, kind=kind, annotation=a,
            actor_id=actor.pk if actor else a.author_id, email_pending=a.author_id in wants_email,
        )
        for a in annotations
    ]
    Notification.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["recipient", "annotation"],
        update_fields=["kind", "actor", "created", "read_at", "email_pending"],
    )


def visible_notifications(user, roles_in_sql=False):
    """The user's notifications about annotations they may still see (one query with a subquery)."""
    visible = Annotation.objects.live().filter(annotation_visibility_q(user, roles_in_sql=roles_in_sql))
    return Notification.objects.filter(recipient=user, annotation__in=visible)


def unread_count(user) -> int:
    """One query, on every page: roles are read inside it rather than loaded separately."""
    return visible_notifications(user, roles_in_sql=True).filter(read_at__isnull=True).count()


def describe(notification, viewer=None) -> str:
    """'Anonymous classmate replied to your note' — the actor's name as the recipient may see it."""
    viewer = viewer or notification.recipient
    if notification.kind == Notification.Kind.ORPHANED:
        title = notification.annotation.paragraph.document.title
        return f"A new version of “{title}” could not place your note: attach it again"
    if notification.kind in (Notification.Kind.HIDDEN, Notification.Kind.RESTORED):
        return notification.get_kind_display().capitalize()
    return f"{author_label(viewer, notification.annotation)} {notification.get_kind_display()}"


def send_pending_emails(limit=200) -> tuple[int, int]:
    """Send up to `limit` pending notification e-mails; safe to run in several processes at once
    (rows are claimed with SKIP LOCKED). Returns (rows taken from the outbox, e-mails sent):
    a row is dropped unsent if its recipient has no address or may no longer see the note."""
    sent = 0
    with transaction.atomic():
        batch = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(email_pending=True)
            .select_related("recipient", "annotation__author", "annotation__paragraph__document", "annotation__curation")
            .order_by("created")[:limit]
        )
        for notification in batch:
            recipient = notification.recipient
            if recipient.email and can_view(recipient, notification.annotation):
                context = {"notification": notification, "summary": describe(notification), "site_url": settings.SITE_URL}
                send_mail(
                    subject=f"Marginalia: {describe(notification)}",
                    message=render_to_string("discussions/notification_email.txt", context),
                    from_email=None,
                    recipient_list=[recipient.email],
                )
                sent += 1
            notification.email_pending = False
            notification.emailed_at = timezone.now()
        Notification.objects.bulk_update(batch, ["email_pending", "emailed_at"])
    return len(batch), sent
