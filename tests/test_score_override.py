"""Overriding one student's score: an instructor sets a score with a reason (it wins, and the
gradebook and the student's page label it); clearing it restores the computed score."""

import pytest
from django.urls import reverse

from courses.models import ScoreOverride
from courses.scoring import score_for
from tests.courses_support import course  # noqa: F401  (a fixture)
from tests.discussions_support import client_for


def url(course, username="sam"):
    return reverse("score_override", args=[course.assignment.pk, username])


@pytest.mark.parametrize("role, status", [
    ("anonymous", 302), ("outsider", 404), ("other_instructor", 404), ("member", 403), ("moderator", 403),
    ("instructor", 200), ("superuser", 200),
])
def test_who_may_override(course, request_as, role, status):
    assert request_as(role, "GET", url(course)).status_code == status


def test_a_member_cannot_set_a_score(course, request_as):
    response = request_as("member", "POST", url(course), {"points": "10", "reason": "I deserve it"})
    assert response.status_code == 403 and not ScoreOverride.objects.exists()


def test_only_students_of_the_group_can_be_overridden(course):
    client = client_for(course.instructor)
    for username in ("ines", "moritz", "otto", "nobody"):
        assert client.get(url(course, username)).status_code == 404


def test_set_then_clear(course):
    client = client_for(course.instructor)
    response = client.post(url(course), {"points": "9.25", "reason": "  Led Thursday's discussion  "})
    assert response.status_code == 302 and response["Location"] == reverse("gradebook", args=[course.assignment.pk])
    override = ScoreOverride.objects.get()
    assert (str(override.points), override.set_by) == ("9.25", course.instructor)
    assert override.reason == "Led Thursday's discussion"  # trimmed
    assert str(score_for(course.assignment, course.sam).points) == "9.25"
    # Changing it keeps one row.
    client.post(url(course), {"points": "9.5", "reason": "Led Thursday's discussion"})
    assert ScoreOverride.objects.get().points == 9.5
    page = client.get(url(course)).content.decode()
    assert "Go back to the computed score" in page and "Participation earns 2.50 of 10; you set 9.50." in page
    response = client.post(url(course), {"clear": "1"})
    assert response.status_code == 302 and not ScoreOverride.objects.exists()
    score = score_for(course.assignment, course.sam)
    assert (str(score.points), score.overridden) == ("2.50", False)


@pytest.mark.parametrize("data, field, message", [
    ({"points": "11", "reason": "Extra"}, "points", "The score can be at most 10."),
    ({"points": "-1", "reason": "Less"}, "points", "Ensure this value is greater than or equal to 0."),
    ({"points": "8", "reason": "   "}, "reason", "This field is required."),
    ({"points": "eight", "reason": "Typed a word"}, "points", "Enter a number."),
])
def test_bad_input_is_refused_with_what_was_typed_kept(course, data, field, message):
    response = client_for(course.instructor).post(url(course), data)
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert data["reason"].strip() in response.content.decode()
    assert not ScoreOverride.objects.exists()
