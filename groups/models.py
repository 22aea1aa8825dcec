"""Study groups, their members and roles, invite links and a group's discussion settings.

The tables keep the names they had in the annotations and discussions apps (Meta.db_table):
the models moved here without moving data, and reader's reading-cache triggers name them.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone


class Role(models.TextChoices):
    INSTRUCTOR = "instructor", "Instructor"
    MODERATOR = "moderator", "Moderator"
    MEMBER = "member", "Member"


class StudyGroup(models.Model):
    """A study group, reading seminar or course. (Named so as not to clash with auth.Group.)"""

    name = models.CharField(max_length=120)
    description = models.TextField(blank=True, max_length=2000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, through="Membership", related_name="study_groups")

    class Meta:
        db_table = "annotations_studygroup"  # the table predates this app: moved without moving data
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("group", args=[self.pk])


class Membership(models.Model):
    group = models.ForeignKey(StudyGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    joined = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "annotations_membership"
        ordering = ["group", "joined"]
        constraints = [
            # One membership per person and group; permission checks look roles up by this pair.
            models.UniqueConstraint(fields=["group", "user"], name="membership_unique_user"),
        ]

    def __str__(self):
        return f"{self.user} in {self.group} ({self.role})"


def new_invitation_token() -> str:
    return secrets.token_urlsafe(24)


class Invitation(models.Model):
    """A link that joins its group, until it expires, is used up or is revoked."""

    group = models.ForeignKey(StudyGroup, on_delete=models.CASCADE, related_name="invitations")
    token = models.CharField(max_length=64, unique=True, default=new_invitation_token)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    max_uses = models.PositiveIntegerField(null=True, blank=True)
    use_count = models.PositiveIntegerField(default=0)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "annotations_invitation"
        ordering = ["-created"]

    def __str__(self):
        return f"Invitation to {self.group}"

    def get_absolute_url(self):
        return reverse("join_group", args=[self.token])

    def problem(self, now=None) -> str:
        """Why this link cannot be used now, in words for the person holding it; '' if it can."""
        now = now or timezone.now()
        if self.revoked_at:
            return "This invitation has been revoked."
        if self.expires_at and self.expires_at <= now:
            return "This invitation has expired."
        if self.max_uses is not None and self.use_count >= self.max_uses:
            return "This invitation has been used as many times as it allows."
        return ""


class GroupSettings(models.Model):
    """How a group's discussion behaves; the rules in the access policy read it."""

    group = models.OneToOneField(StudyGroup, on_delete=models.CASCADE, primary_key=True, related_name="discussion_settings")
    hide_until_posted = models.BooleanField(
        default=False, help_text="Members see classmates' notes on a paragraph only once they have posted on it."
    )
    allow_anonymous = models.BooleanField(
        default=False, help_text="Members may post anonymously to classmates (instructors still see the name)."
    )

    class Meta:
        db_table = "discussions_groupsettings"
        verbose_name_plural = "group settings"
        indexes = [
            # annotation_visibility_q asks, per group annotation, whether its group hides until posted.
            models.Index(fields=["group"], name="groupsettings_hide_idx", condition=Q(hide_until_posted=True)),
        ]

    def __str__(self):
        return f"Discussion settings of {self.group}"

    def get_absolute_url(self):
        return reverse("group_discussion_settings", args=[self.group_id])
