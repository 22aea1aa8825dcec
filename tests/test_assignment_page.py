"""An assignment's page: a student sees their own score, its breakdown and what would raise it
(and an instructor's override, labelled); instructors get the way to the gradebook; strangers 404."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.models import Assignment, ScoreOverride
from reader.models import Document
from tests.courses_support import course  # noqa: F401  (a fixture)
from tests.discussions_support import client_for
from versions.models import Publication


def url(assignment):
    return reverse("assignment", args=[assignment.pk])


@pytest.mark.parametrize("role, status", [
    ("anonymous", 302), ("outsider", 404), ("other_instructor", 404), ("member", 200), ("moderator", 200),
    ("instructor", 200), ("superuser", 200),
])
def test_who_may_open_it(course, request_as, role, status):
    assert request_as(role, "GET", url(course.assignment)).status_code == status


def test_a_student_sees_their_score_breakdown_and_what_would_raise_it(course):
    response = client_for(course.sam).get(url(course.assignment))
    assert response.status_code == 200
    assert response.context["score"].user == course.sam
    html = response.content.decode()
    assert '<span class="score-points">2.50</span>' in html
    assert "3 of 5 notes, 0 of 3 replies, 2 of 4 paragraphs" in html
    assert "1 note late at half credit" in html
    assert "What would raise it" in html
    # Past the due date a late note is worth half: 2.5 notes missing need 5 more.
    assert "Write 5 more notes of at least 80 characters." in html
    assert "Annotate 4 more paragraphs you have not written on yet." in html  # at half credit too
    assert "Gradebook" not in html  # not for students
    assert course.sam.username not in html.replace(f"Log out {course.sam.username}", "")  # no internals


def test_an_override_is_labelled_with_its_reason(course):
    ScoreOverride.objects.create(
        assignment=course.assignment, student=course.sam, points=8, reason="Presented in class"
    )
    html = client_for(course.sam).get(url(course.assignment)).content.decode()
    assert '<span class="score-points">8.00</span>' in html
    assert "Set by your instructor" in html and "Presented in class" in html
    assert "Your participation alone earns 2.50." in html
    assert "What would raise it" not in html  # writing more cannot change a score the instructor set


def test_before_the_due_date_each_note_counts_in_full(course):
    Assignment.objects.filter(pk=course.assignment.pk).update(due_at=timezone.now() + timedelta(days=1))
    html = client_for(course.sam).get(url(course.assignment)).content.decode()
    assert "Write 2 more notes of at least 80 characters." in html  # all three now on time: 3 of 5


def test_an_instructor_sees_the_rubric_and_the_way_to_the_gradebook_not_a_score(course):
    response = client_for(course.instructor).get(url(course.assignment))
    assert response.context["score"] is None
    html = response.content.decode()
    assert reverse("gradebook", args=[course.assignment.pk]) in html
    assert "Notes written</strong>: 5 notes wanted, weight 3" in html
    assert "a late note or reply is worth 50%" in html


def test_an_assignment_on_a_paper_the_viewer_may_not_read_is_not_there(course):
    """Nested under its paper: a member of the group who cannot read the paper gets 404."""
    hidden = Document.objects.create(title="Elsewhere", slug="elsewhere")
    Publication.objects.create(document=hidden, group=course.other, published_by=course.other_instructor)
    elsewhere = Assignment.objects.create(group=course.group, document=hidden, title="Elsewhere")
    assert client_for(course.sam).get(url(elsewhere)).status_code == 404


def test_a_student_page_costs_constant_queries(course, django_assert_num_queries):
    client = client_for(course.sam)
    # session, user, assignment (group, paper, guide), roles; score_for's five: written work,
    # coverage, replies received, upvotes, override.
    with django_assert_num_queries(9):
        client.get(url(course.assignment))
