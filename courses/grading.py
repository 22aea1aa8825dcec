"""Writes on scores: an instructor's override of one student's score, and clearing it."""

from django.db import transaction

from courses.models import ScoreOverride


def set_override(assignment, student, points, reason, by) -> ScoreOverride:
    with transaction.atomic():
        override, _ = ScoreOverride.objects.update_or_create(
            assignment=assignment, student=student, defaults={"points": points, "reason": reason, "set_by": by}
        )
    return override


def clear_override(assignment, student) -> bool:
    """Back to the computed score; False if there was no override."""
    with transaction.atomic():
        deleted, _ = ScoreOverride.objects.filter(assignment=assignment, student=student).delete()
    return bool(deleted)
