"""Helpers for the participation-score tests: a seminar with an assignment on the small paper
(tests/conftest.py `document`: body paragraphs p2, p3, p4, all in section 1), and notes
written at a chosen time."""

from datetime import datetime, timedelta, timezone

from annotations.models import Annotation
from courses.models import Assignment
from tests.discussions_support import note

DUE = datetime(2026, 3, 2, 17, 0, tzinfo=timezone.utc)
LONG = "This paragraph claims that industrial policy sets the pace; I doubt it, because the evidence is thin."
SHORT = "Good point."


def make_assignment(group, document, **rubric):
    """The default rubric on 10 points: each weight (3, 2, 2, 1, 1, 1) is worth its number of points."""
    return Assignment.objects.create(
        group=group, document=document, title="Week one: the short paper", due_at=DUE, points_possible=10, **rubric
    )


def written(author, paragraph=None, body=LONG, at=None, **kwargs):
    """A note (or a reply, with parent=) written `at` (default: a day before the due date)."""
    annotation = note(author, paragraph, body, **kwargs)
    Annotation.objects.filter(pk=annotation.pk).update(created=at or DUE - timedelta(days=1))
    annotation.refresh_from_db()
    return annotation
