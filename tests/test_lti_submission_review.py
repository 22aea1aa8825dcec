"""Submission review: from the LMS's gradebook an instructor opens one student's work."""

import pytest
from urllib.parse import parse_qs, urlsplit

from lti.models import LinkedAssignment
from tests.test_lti_deep_linking import place_reading
from tests.lti_support import ADA, LEA, launch, lms  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_instructor_opens_the_students_notes_on_the_assignments_reading(client, lms, document):
    course = lms.course("bio-101", "Biology 101", [ADA, LEA])
    place_reading(client, lms, course, document)
    linked = LinkedAssignment.objects.select_related("assignment").get()
    lineitem = lms.lineitem_for("link-1")
    response = launch(client, lms, ADA, course, message="submission_review", lineitem=lineitem, for_user=LEA,
                      custom=lms.deep_linked[0]["custom"])
    assert response.status_code == 200, response.content.decode()
    where = urlsplit(response.redirect_chain[-1][0])
    assert where.path == "/search/"
    assert parse_qs(where.query) == {
        "author": ["lea"], "group": [str(linked.assignment.group_id)], "document": [document.slug],
    }


def test_a_student_cannot_review_anyone(client, lms, document):
    course = lms.course("bio-101", "Biology 101", [ADA, LEA])
    place_reading(client, lms, course, document)
    client.logout()
    response = launch(client, lms, LEA, course, message="submission_review", lineitem=lms.lineitem_for("link-1"),
                      for_user=ADA, custom=lms.deep_linked[0]["custom"])
    assert response.status_code == 400
    assert "review students" in response.content.decode()
