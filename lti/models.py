"""What Marginalia remembers about an LMS beyond django-lti's own rows (registrations,
deployments, contexts, users, resource links): which study group a course launches into,
which assignment a resource link and its gradebook column stand for, and every score sent.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from lti_tool.models import LtiContext, LtiResourceLink

from courses.models import Assignment
from groups.models import StudyGroup


class CourseLink(models.Model):
    """An LMS course (django-lti's context) and the study group its launches land in."""

    context = models.OneToOneField(LtiContext, on_delete=models.CASCADE, related_name="course_link")
    group = models.ForeignKey(StudyGroup, on_delete=models.CASCADE, related_name="lms_courses")
    created = models.DateTimeField(auto_now_add=True)
    roster_synced_at = models.DateTimeField(null=True, blank=True)
    roster_error = models.TextField(blank=True, help_text="Why the last roster sync failed; empty once one works.")

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return f"{self.context} → {self.group}"

    def get_absolute_url(self):
        return reverse("lti_course", args=[self.group_id])


class LinkedAssignment(models.Model):
    """An assignment placed in an LMS by deep linking: its resource link (known from its first
    launch) and the gradebook column (line item) its scores go to."""

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="lms_link")
    context = models.ForeignKey(LtiContext, on_delete=models.CASCADE, related_name="linked_assignments")
    resource_link = models.OneToOneField(
        LtiResourceLink, on_delete=models.SET_NULL, null=True, blank=True, related_name="linked_assignment"
    )
    lineitem_url = models.URLField(max_length=500, blank=True)
    scores_sent_at = models.DateTimeField(null=True, blank=True)
    send_error = models.TextField(
        blank=True, help_text="Why the last sync could send no score at all; empty once one works."
    )

    class Meta:
        indexes = [
            # A submission review launch names its line item; the assignment is found by it.
            models.Index(fields=["lineitem_url"], name="linkedassignment_lineitem_idx"),
        ]

    def __str__(self):
        return f"{self.assignment} in {self.context}"

    def get_absolute_url(self):
        return reverse("lti_course", args=[self.assignment.group_id])

    @property
    def resource_id(self) -> str:
        """The line item's resourceId: how the column is found before anyone has launched."""
        return f"marginalia-assignment-{self.assignment_id}"


class ScoreSend(models.Model):
    """The last score sent (or tried) for one student and assignment, kept so that a failure
    is shown to the instructor and retried by the next sync, never lost."""

    class Status(models.TextChoices):
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    linked = models.ForeignKey(LinkedAssignment, on_delete=models.CASCADE, related_name="score_sends")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    points = models.DecimalField(max_digits=7, decimal_places=2)
    points_possible = models.DecimalField(max_digits=7, decimal_places=2)
    comment = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0, help_text="Failed tries since the last success.")
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["linked", "user"]
        constraints = [
            models.UniqueConstraint(fields=["linked", "user"], name="scoresend_one_per_student"),
        ]
        indexes = [
            # The course page and the cron command list an assignment's failed sends.
            models.Index(fields=["linked"], name="scoresend_failed_idx", condition=models.Q(status="failed")),
        ]

    def __str__(self):
        return f"{self.user}: {self.points}/{self.points_possible} ({self.get_status_display()})"

    def get_absolute_url(self):
        return self.linked.get_absolute_url()
