"""Helpers for the participation-score tests: a seminar with an assignment on the small paper
(tests/conftest.py `document`: body paragraphs p2, p3, p4, all in section 1), and notes
written at a chosen time."""

from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from annotations.models import Annotation
from courses.models import Assignment
from groups.models import Membership, Role
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


@pytest.fixture
def course(group_roles, document, make_user):
    """The seminar of `group_roles` (ines instructor, moritz moderator, mia member) with sam as a
    second member and an assignment on the small paper: sam wrote two notes on time and one
    late (at half credit), mia nothing. Sam: notes 2.5/5 of 3 = 1.50, paragraphs 2/4 of 2 = 1.00."""
    group, other, cast = group_roles
    sam = make_user("sam", display_name="Sam Reader")
    Membership.objects.create(group=group, user=sam, role=Role.MEMBER)
    assignment = make_assignment(group, document)
    p2, p3 = document.paragraphs.get(anchor="p2"), document.paragraphs.get(anchor="p3")
    written(sam, p2, group=group)
    written(sam, p3, group=group)
    written(sam, p2, group=group, at=DUE + timedelta(hours=3))
    return SimpleNamespace(group=group, other=other, assignment=assignment, sam=sam, document=document, **cast)
