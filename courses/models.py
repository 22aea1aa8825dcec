"""A course's work: assignments on a reading (or a guide through it), their scores, and terms.

An assignment belongs to a study group; the LTI app links an LMS resource link and line item to
it, but a group made in Marginalia uses the same rows without any LMS.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from discussions.models import Guide
from groups.models import StudyGroup
from reader.models import Document


class LatePolicy(models.TextChoices):
    FULL = "full", "Late work counts in full"
    PARTIAL = "partial", "Late work counts partly"
    DECAY = "decay", "Late work loses credit for each day it is late"


class CoverageUnit(models.TextChoices):
    PARAGRAPH = "paragraph", "Paragraphs"
    SECTION = "section", "Sections"


def _target(default):
    return models.PositiveSmallIntegerField(default=default, validators=[MinValueValidator(1), MaxValueValidator(1000)])


def _weight(default):
    return models.PositiveSmallIntegerField(
        default=default, validators=[MaxValueValidator(100)], help_text="0 leaves this part out."
    )


class Assignment(models.Model):
    """A reading, or a guide through it, that a group is to annotate by a due date.

    The rubric is plain fields of the row (courses.scoring reads them), so copying an
    assignment's fields into a new term carries its rubric. Each part has a target (reaching
    it earns the part in full) and a weight (its share of the points)."""

    group = models.ForeignKey(StudyGroup, on_delete=models.CASCADE, related_name="assignments")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="assignments")
    guide = models.ForeignKey(Guide, on_delete=models.SET_NULL, null=True, blank=True, related_name="assignments")
    title = models.CharField(max_length=200)
    due_at = models.DateTimeField(null=True, blank=True, help_text="Work after this counts as late.")
    points_possible = models.DecimalField(max_digits=7, decimal_places=2, default=10)
    # The rubric (defaults a seminar would accept: five good notes, a few replies, spread over the reading).
    min_length = models.PositiveIntegerField(
        "minimum length", default=80, validators=[MaxValueValidator(5000)],
        help_text="Notes and replies shorter than this many characters do not count.",
    )
    notes_target = _target(5)
    notes_weight = _weight(3)
    replies_target = _target(3)
    replies_weight = _weight(2)
    coverage_unit = models.CharField(max_length=10, choices=CoverageUnit.choices, default=CoverageUnit.PARAGRAPH)
    coverage_target = _target(4)
    coverage_weight = _weight(2)
    replies_received_target = _target(2)
    replies_received_weight = _weight(1)
    votes_received_target = _target(2)
    votes_received_weight = _weight(1)
    questions_target = _target(1)
    questions_weight = _weight(1)
    late_policy = models.CharField(max_length=10, choices=LatePolicy.choices, default=LatePolicy.PARTIAL)
    late_factor = models.DecimalField(
        max_digits=3, decimal_places=2, default=Decimal("0.50"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="What a late note or reply is worth when late work counts partly (0.5: half).",
    )
    late_decay_per_day = models.DecimalField(
        max_digits=3, decimal_places=2, default=Decimal("0.10"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="What a note or reply loses for each day (or part of one) it is late (0.1: a tenth a day).",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["group", "due_at", "pk"]
        indexes = [
            # A group's page and gradebook list its assignments by due date.
            models.Index(fields=["group", "due_at"], name="assignment_group_due_idx"),
        ]
        constraints = [
            # The score divides by the weights' sum: at least one part must count.
            models.CheckConstraint(
                condition=Q(notes_weight__gt=0) | Q(replies_weight__gt=0) | Q(coverage_weight__gt=0)
                | Q(replies_received_weight__gt=0) | Q(votes_received_weight__gt=0) | Q(questions_weight__gt=0),
                name="assignment_some_weight",
            ),
            models.CheckConstraint(condition=Q(points_possible__gt=0), name="assignment_points_positive"),
            # Each part's credit is divided by its target.
            models.CheckConstraint(
                condition=Q(notes_target__gt=0, replies_target__gt=0, coverage_target__gt=0,
                            replies_received_target__gt=0, votes_received_target__gt=0, questions_target__gt=0),
                name="assignment_targets_positive",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("assignment", args=[self.pk])


class ScoreOverride(models.Model):
    """An instructor's score for one student on one assignment, with why: it wins over the
    computed score (and is labelled so) until it is cleared."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="overrides")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    points = models.DecimalField(max_digits=7, decimal_places=2, validators=[MinValueValidator(0)])
    reason = models.CharField(max_length=500)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            # One override per student and assignment; the gradebook reads them by assignment.
            models.UniqueConstraint(fields=["assignment", "student"], name="scoreoverride_once"),
        ]

    def __str__(self):
        return f"{self.points} for {self.student} on {self.assignment}"

    def get_absolute_url(self):
        return reverse("gradebook", args=[self.assignment_id])


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
