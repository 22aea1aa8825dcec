"""Threads, curation, moderation and notifications around annotations.

Replies are annotations with a parent (annotations.Annotation.parent); a reply inherits its
root's visibility and group. Everything else a discussion needs lives here, so the
annotations app keeps its own tables and migrations.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from annotations.models import Annotation
from groups.models import StudyGroup
from reader.models import Document


class Curation(models.Model):
    """Thread and curation state of one annotation (most have none: no row means all off).

    Question, resolved, locked and pinned describe a thread, so they are set on its root;
    endorsed and anonymous may be set on any annotation, replies included."""

    annotation = models.OneToOneField(Annotation, on_delete=models.CASCADE, primary_key=True, related_name="curation")
    is_question = models.BooleanField(default=False)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    locked_at = models.DateTimeField(null=True, blank=True)
    locked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    lock_reason = models.CharField(max_length=300, blank=True)
    pinned_at = models.DateTimeField(null=True, blank=True)
    endorsed_at = models.DateTimeField(null=True, blank=True)
    endorsed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    is_prompt = models.BooleanField(default=False, help_text="A discussion prompt posted by an instructor.")
    is_anonymous = models.BooleanField(default=False, help_text="Shown to classmates as 'Anonymous classmate'.")

    class Meta:
        indexes = [
            # The visibility rules ask "is this a prompt / anonymous?" for each annotation row.
            models.Index(fields=["annotation"], name="curation_prompt_idx", condition=Q(is_prompt=True)),
            models.Index(fields=["annotation"], name="curation_anonymous_idx", condition=Q(is_anonymous=True)),
        ]

    def __str__(self):
        return f"Curation of annotation {self.annotation_id}"

    def get_absolute_url(self):
        return reverse("thread", args=[self.annotation_id])


class Vote(models.Model):
    annotation = models.ForeignKey(Annotation, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="votes")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # One vote per person and annotation; its index also serves the vote counts.
            models.UniqueConstraint(fields=["annotation", "user"], name="vote_once"),
        ]

    def __str__(self):
        return f"{self.user} votes for {self.annotation_id}"

    def get_absolute_url(self):
        return reverse("thread", args=[self.annotation_id])


class Flag(models.Model):
    annotation = models.ForeignKey(Annotation, on_delete=models.CASCADE, related_name="flags")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flags")
    reason = models.CharField(max_length=500)
    created = models.DateTimeField(auto_now_add=True)
    settled_at = models.DateTimeField(null=True, blank=True, help_text="When a moderator hid or restored the item.")

    class Meta:
        ordering = ["created"]
        constraints = [
            # Each person flags an annotation once.
            models.UniqueConstraint(fields=["annotation", "user"], name="flag_once"),
        ]
        indexes = [
            # The moderation queue: open flags, oldest first.
            models.Index(fields=["created"], name="flag_open_idx", condition=Q(settled_at__isnull=True)),
        ]

    def __str__(self):
        return f"{self.user} flagged {self.annotation_id}"

    def get_absolute_url(self):
        return reverse("thread", args=[self.annotation_id])


class ModerationAction(models.Model):
    """The moderation log: who did what to which annotation, when and why."""

    class Kind(models.TextChoices):
        HIDE = "hide", "hid"
        RESTORE = "restore", "restored"
        DISMISS = "dismiss", "dismissed the flags on"
        PIN = "pin", "pinned"
        UNPIN = "unpin", "unpinned"
        ENDORSE = "endorse", "endorsed"
        UNENDORSE = "unendorse", "withdrew the endorsement of"
        LOCK = "lock", "locked"
        UNLOCK = "unlock", "unlocked"
        RESOLVE = "resolve", "marked resolved"
        UNRESOLVE = "unresolve", "reopened"

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    annotation = models.ForeignKey(Annotation, on_delete=models.CASCADE, related_name="moderation_actions")
    group = models.ForeignKey(StudyGroup, on_delete=models.CASCADE, null=True, blank=True, related_name="moderation_actions")
    action = models.CharField(max_length=20, choices=Kind.choices)
    reason = models.CharField(max_length=500, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-pk"]
        indexes = [
            # The group's moderation log, newest first.
            models.Index(fields=["group", "-created"], name="moderation_group_idx"),
        ]

    def __str__(self):
        return f"{self.actor} {self.get_action_display()} {self.annotation_id}"

    def get_absolute_url(self):
        return reverse("thread", args=[self.annotation_id])


class Guide(models.Model):
    """A discussion guide: the instructor's ordered walk through prompts and chosen notes."""

    group = models.ForeignKey(StudyGroup, on_delete=models.CASCADE, related_name="guides")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="guides")
    title = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            # One guide per group and document; the guide page looks it up by this pair.
            models.UniqueConstraint(fields=["group", "document"], name="guide_one_per_group_document"),
        ]

    def __str__(self):
        return self.title or f"Discussion guide to {self.document}"

    def get_absolute_url(self):
        return reverse("guide", args=[self.group_id, self.document.slug])


class GuideStep(models.Model):
    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveIntegerField()
    annotation = models.ForeignKey(Annotation, on_delete=models.CASCADE, related_name="guide_steps")
    note = models.CharField(max_length=500, blank=True, help_text="What to look for at this step.")

    class Meta:
        ordering = ["guide", "position"]
        constraints = [
            # Steps are numbered 1..n; deferred so that moving a step (swapping two numbers)
            # can happen in one transaction.
            models.UniqueConstraint(
                fields=["guide", "position"], name="guidestep_position",
                deferrable=models.Deferrable.DEFERRED,
            ),
        ]

    def __str__(self):
        return f"Step {self.position} of {self.guide}"

    def get_absolute_url(self):
        return reverse("guide_step", args=[self.guide.group_id, self.guide.document.slug, self.position])


class Follow(models.Model):
    """Someone follows a thread (its root), a document in a group, or a whole group."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    annotation = models.ForeignKey(Annotation, on_delete=models.CASCADE, null=True, blank=True, related_name="follows")
    group = models.ForeignKey(StudyGroup, on_delete=models.CASCADE, null=True, blank=True, related_name="follows")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, null=True, blank=True, related_name="follows")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # Exactly one kind of target: a thread, a group, or a document within a group.
            models.CheckConstraint(
                condition=(
                    Q(annotation__isnull=False, group__isnull=True, document__isnull=True)
                    | Q(annotation__isnull=True, group__isnull=False)
                ),
                name="follow_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "annotation"], condition=Q(annotation__isnull=False), name="follow_thread_once"
            ),
            models.UniqueConstraint(
                fields=["user", "group"], condition=Q(group__isnull=False, document__isnull=True),
                name="follow_group_once",
            ),
            models.UniqueConstraint(
                fields=["user", "group", "document"], condition=Q(document__isnull=False),
                name="follow_document_once",
            ),
        ]
        indexes = [
            # Who to notify about new activity: followers of a thread / a group.
            models.Index(fields=["annotation"], name="follow_thread_idx", condition=Q(annotation__isnull=False)),
            models.Index(fields=["group", "document"], name="follow_group_idx", condition=Q(group__isnull=False)),
        ]

    def __str__(self):
        target = self.annotation_id or f"{self.group_id}/{self.document_id or '*'}"
        return f"{self.user} follows {target}"

    def get_absolute_url(self):
        if self.annotation_id:
            return reverse("thread", args=[self.annotation_id])
        return reverse("notifications")


class Notification(models.Model):
    """One item of someone's in-app notifications; also the e-mail outbox (email_pending)."""

    class Kind(models.TextChoices):
        REPLY = "reply", "replied to your note"
        MENTION = "mention", "mentioned you"
        THREAD = "thread", "replied in a thread you follow"
        ACTIVITY = "activity", "posted where you follow"
        ORPHANED = "orphaned", "a new version could not place your note"
        HIDDEN = "hidden", "a moderator hid your note"
        RESTORED = "restored", "a moderator restored your note"

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    annotation = models.ForeignKey(Annotation, on_delete=models.CASCADE, related_name="notifications")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # The outbox: set when the recipient wants e-mail; `send_notification_emails` clears it.
    email_pending = models.BooleanField(default=False)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]
        constraints = [
            # One notification per person and annotation (a mention in a reply to my note is one item).
            models.UniqueConstraint(fields=["recipient", "annotation"], name="notification_once"),
        ]
        indexes = [
            # The unread count in the header, on every page.
            models.Index(fields=["recipient"], name="notification_unread_idx", condition=Q(read_at__isnull=True)),
            # The notifications page, newest first.
            models.Index(fields=["recipient", "-created"], name="notification_list_idx"),
            # The e-mail outbox drained by send_notification_emails.
            models.Index(fields=["created"], name="notification_outbox_idx", condition=Q(email_pending=True)),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.recipient}"

    def get_absolute_url(self):
        return reverse("notification_open", args=[self.pk])


class NotificationPreference(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="notification_preference")
    email = models.BooleanField(default=False, help_text="Also send my notifications by e-mail.")

    def __str__(self):
        return f"Notification preferences of {self.user}"

    def get_absolute_url(self):
        return reverse("notification_settings")
