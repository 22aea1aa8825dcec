"""The instructor's gradebook: one row a student with the breakdown and a link to their notes,
the same numbers as courses.scoring, who may open it, and constant queries for any class size."""

import pytest
from django.urls import reverse

from courses.models import ScoreOverride
from groups.models import Membership, Role
from tests.courses_support import course, written  # noqa: F401  (course is a fixture)
from tests.discussions_support import client_for


def url(assignment):
    return reverse("gradebook", args=[assignment.pk])


@pytest.mark.parametrize("role, status", [
    ("anonymous", 302), ("outsider", 404), ("other_instructor", 404), ("member", 403), ("moderator", 403),
    ("instructor", 200), ("superuser", 200),
])
def test_who_may_open_the_gradebook(course, request_as, role, status):
    response = request_as(role, "GET", url(course.assignment))
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("login"))


def test_one_row_a_student_with_the_breakdown_and_a_link_to_their_notes(course):
    ScoreOverride.objects.create(assignment=course.assignment, student=course.member, points=7, reason="Spoke well")
    response = client_for(course.instructor).get(url(course.assignment))
    assert response.status_code == 200
    rows = {str(s.user): s for s in response.context["scores"]}
    assert list(rows) == ["mia", "Sam Reader"]  # by name; no instructor or moderator
    assert str(rows["Sam Reader"].points) == "2.50"
    assert str(rows["mia"].points) == "7.00" and rows["mia"].overridden
    html = response.content.decode()
    assert "Sam Reader" in html and "2.50" in html and "Overridden" in html and "Spoke well" in html
    notes = 'href="/search/?document=short-paper&amp;author=sam"'
    assert notes in html
    # The link opens sam's notes on this reading.
    found = client_for(course.instructor).get("/search/?document=short-paper&author=sam")
    assert found.status_code == 200 and found.context["results"].count == 3


def test_the_gradebook_costs_the_same_queries_for_two_students_or_forty(
    course, make_user, django_assert_num_queries
):
    client = client_for(course.instructor)
    # session, user, assignment (with group, paper, guide), roles; then gradebook's six: members,
    # written work, coverage, replies received, upvotes, overrides.
    with django_assert_num_queries(10):
        small = client.get(url(course.assignment))
    paragraph = course.document.paragraphs.get(anchor="p4")
    for i in range(40):
        student = make_user(f"student{i}")
        Membership.objects.create(group=course.group, user=student, role=Role.MEMBER)
        written(student, paragraph, group=course.group)
    with django_assert_num_queries(10):
        large = client.get(url(course.assignment))
    assert len(large.context["scores"]) == len(small.context["scores"]) + 40
