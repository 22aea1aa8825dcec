"""Editing an assignment: its instructors change the rubric, and every score follows at once."""

import pytest
from django.urls import reverse

from courses.scoring import score_for
from tests.courses_support import course  # noqa: F401  (a fixture)
from tests.discussions_support import client_for
from tests.test_assignment_create import post_data


def url(assignment):
    return reverse("assignment_edit", args=[assignment.pk])


@pytest.mark.parametrize("role, status", [
    ("outsider", 404), ("other_instructor", 404), ("member", 403), ("moderator", 403), ("instructor", 200),
])
def test_who_may_edit(course, request_as, role, status):
    assert request_as(role, "GET", url(course.assignment)).status_code == status


def test_a_member_cannot_change_the_rubric(course, request_as):
    assert request_as("member", "POST", url(course.assignment), post_data(course.document)).status_code == 403
    course.assignment.refresh_from_db()
    assert course.assignment.title == "Week one: the short paper"


def test_the_rubric_changes_and_the_score_follows(course):
    assert str(score_for(course.assignment, course.sam).points) == "2.50"
    data = post_data(
        course.document, title="Week one", points_possible="10", min_length="80", late_policy="full",
        due_at="2026-03-02T17:00",
    )
    response = client_for(course.instructor).post(url(course.assignment), data)
    assert response.status_code == 302
    course.assignment.refresh_from_db()
    # Weights 2 + 1 + 1 + 1 on 10 points, late in full: notes 3 of 4 earn 3/4 of 4 = 3.00,
    # one section of 1 earns 2.00.
    assert str(score_for(course.assignment, course.sam).points) == "5.00"
    assert course.assignment.title == "Week one"


def test_edit_form_shows_the_current_values(course):
    html = client_for(course.instructor).get(url(course.assignment)).content.decode()
    assert 'value="Week one: the short paper"' in html and 'value="2026-03-02T17:00"' in html
