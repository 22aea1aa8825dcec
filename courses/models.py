"""A course's work: assignments on a reading (or a guide through it), their scores, and terms.

An assignment belongs to a study group; the LTI app links an LMS resource link and line item to
it, but a group made in Marginalia uses the same rows without any LMS.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse

from discussions.models import Guide
from groups.models import StudyGroup
from reader.models import Document


class Assignment(models.Model):
    """A reading, or a guide through it, that a group is to annotate by a due date."""

    group = models.ForeignKey(StudyGroup, on_delete=models.CASCADE, related_name="assignments")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="assignments")
    guide = models.ForeignKey(Guide, on_delete=models.SET_NULL, null=True, blank=True, related_name="assignments")
    title = models.CharField(max_length=200)
    due_at = models.DateTimeField(null=True, blank=True, help_text="Work after this counts as late.")
    points_possible = models.DecimalField(max_digits=7, decimal_places=2, default=10)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["group", "due_at", "pk"]
        indexes = [
            # A group's page and gradebook list its assignments by due date.
            models.Index(fields=["group", "due_at"], name="assignment_group_due_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("assignment", args=[self.pk])


class TermCopy(models.Model):
    """`copy` was made from `source` for a new term: launches from a copied LMS course whose
    context history names the source's course land in the copy, never in last year's group."""

    source = models.ForeignKey(StudyGroup, on_delete=models.CASCADE, related_name="term_copies")
    copy = models.OneToOneField(StudyGroup, on_delete=models.CASCADE, related_name="copied_from")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]
        verbose_name_plural = "term copies"

    def __str__(self):
        return f"{self.copy} (copied from {self.source})"

    def get_absolute_url(self):
        return self.copy.get_absolute_url()
