"""The gradebook's CSV: the page's numbers, one row a student, with the sentence the LMS receives;
text that looks like a formula is defused."""

import csv
import io

import pytest
from django.urls import reverse

from courses.models import ScoreOverride
from tests.courses_support import course  # noqa: F401  (a fixture)
from tests.discussions_support import client_for


def rows(response):
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_csv_holds_the_gradebooks_numbers(course):
    course.member.display_name = "=HYPERLINK(evil)"
    course.member.save()
    ScoreOverride.objects.create(
        assignment=course.assignment, student=course.member, points=6, reason="Extension granted"
    )
    response = client_for(course.instructor).get(reverse("gradebook_csv", args=[course.assignment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="week-one-the-short-paper-scores.csv"'
    header, *body = rows(response)  # by name: "=HYPERLINK(evil)" sorts before "Sam Reader"
    assert header == [
        "Student", "Username", "Score", "Out of", "Set by the instructor", "Reason",
        "Notes written (count)", "Notes written (points)", "Replies written (count)", "Replies written (points)",
        "Reading covered (count)", "Reading covered (points)", "Replies received (count)", "Replies received (points)",
        "Upvotes and endorsements received (count)", "Upvotes and endorsements received (points)",
        "Questions asked or answered (count)", "Questions asked or answered (points)", "Explanation",
    ]
    assert body == [
        ["'=HYPERLINK(evil)", "mia", "6.00", "10.00", "yes", "Extension granted", "0", "0.00", "0", "0.00", "0", "0.00",
         "0", "0.00", "0", "0.00", "0", "0.00",
         "Score set by the instructor: Extension granted (participation alone earned 0.00 of 10.00: 0 of 5 notes, "
         "0 of 3 replies, 0 of 4 paragraphs, 0 of 2 replies received, 0 of 2 upvotes and endorsements, 0 of 1 "
         "question asked or answered.)"],
        ["Sam Reader", "sam", "2.50", "10.00", "", "", "3", "1.50", "0", "0.00", "2", "1.00", "0", "0.00", "0", "0.00",
         "0", "0.00",
         "3 of 5 notes, 0 of 3 replies, 2 of 4 paragraphs, 0 of 2 replies received, 0 of 2 upvotes and "
         "endorsements, 0 of 1 question asked or answered; 1 note late at half credit."],
    ]
    page = client_for(course.instructor).get(reverse("gradebook", args=[course.assignment.pk]))
    assert [str(s.points) for s in page.context["scores"]] == ["6.00", "2.50"]  # by name, as the CSV


@pytest.mark.parametrize("role, status", [("outsider", 404), ("member", 403), ("moderator", 403), ("instructor", 200)])
def test_who_may_download_it(course, request_as, role, status):
    assert request_as(role, "GET", reverse("gradebook_csv", args=[course.assignment.pk])).status_code == status
