"""Deep linking: the instructor picks a reading in the LMS's assignment editor; the LMS gets a
resource link and a gradebook column, Marginalia an assignment tied to them."""

from decimal import Decimal

import pytest

from courses.models import Assignment
from discussions.models import Guide
from groups.models import StudyGroup
from lti.models import LinkedAssignment
from tests.lti_platform import launch_form, path_of
from tests.lti_support import ADA, LEA, launch, lms  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def place_reading(client, lms, course, document, **choices):
    """The instructor's deep-linking launch, the picker filled in, the answer posted to the LMS."""
    picker = launch(client, lms, ADA, course, message="deep_linking")
    assert picker.redirect_chain[-1][0] == "/lti/deep-link/"
    assert "Add a reading to your course" in picker.content.decode()
    data = {"document": document.pk, "title": "Week 1: close reading", "points_possible": "15", **choices}
    answer = client.post("/lti/deep-link/", data)
    assert answer.status_code == 200, answer.content.decode()[:3000]
    action, fields = launch_form(answer.content.decode())
    assert action == lms.url("deep_link_return/")
    assert client.post(path_of(action), fields).status_code == 200
    return answer


def test_the_lms_gets_a_resource_link_and_a_gradebook_column(client, lms, document):
    course = lms.course("bio-101", "Biology 101", [ADA, LEA])
    answer = place_reading(client, lms, course, document, due_at="2027-01-15T17:00")
    assignment = Assignment.objects.get()
    assert (assignment.document, assignment.title, assignment.points_possible, assignment.guide) == (
        document, "Week 1: close reading", Decimal("15"), None,
    )
    assert assignment.due_at.isoformat().startswith("2027-01-15T17:00")
    assert assignment.group.name == "Biology 101"
    assert "form-action 'self' " + lms.base in answer.headers["Content-Security-Policy"]
    [item] = lms.deep_linked
    assert item["type"] == "ltiResourceLink" and item["url"].endswith("/lti/launch/")
    assert item["custom"]["assignment"] == str(assignment.pk)
    assert item["submission"] == {"endDateTime": assignment.due_at.isoformat()}
    assert item["lineItem"] == {
        "scoreMaximum": 15.0, "label": "Week 1: close reading",
        "resourceId": f"marginalia-assignment-{assignment.pk}", "tag": "participation",
        "submissionReview": {"reviewableStatus": ["Completed"], "label": "Open in Marginalia"},
    }
    # A student opening the placed link lands on the reading, and the link learns its column.
    lineitem = lms.lineitem_for("link-1")
    client.logout()
    response = launch(client, lms, LEA, course, resource_link="link-1", custom=item["custom"])
    assert response.redirect_chain[-1][0] == document.get_absolute_url()
    assert LinkedAssignment.objects.get().lineitem_url == lineitem


def test_a_guide_is_where_students_land(client, lms, document):
    course = lms.course("bio-101", "Biology 101", [ADA, LEA])
    launch(client, lms, ADA, course)  # the course's group exists once its instructor has opened it
    guide = Guide.objects.create(group=StudyGroup.objects.get(), document=document, title="Close reading guide")
    client.logout()
    place_reading(client, lms, course, document, guide=guide.pk)
    client.logout()
    response = launch(client, lms, LEA, course, resource_link="link-1", custom=lms.deep_linked[0]["custom"])
    assert response.redirect_chain[-1][0] == guide.get_absolute_url()


def test_a_guide_of_another_reading_is_refused_with_the_choice_kept(client, lms, document):
    course = lms.course("bio-101", "Biology 101", [ADA])
    launch(client, lms, ADA, course, message="deep_linking")
    other = type(document).objects.create(title="Another Paper", slug="another-paper")
    guide = Guide.objects.create(group=StudyGroup.objects.get(), document=other)
    answer = client.post("/lti/deep-link/", {"document": document.pk, "guide": guide.pk, "title": "Kept title",
                                             "points_possible": "10"})
    assert answer.status_code == 400
    assert "This guide is for “Another Paper”" in answer.content.decode()
    assert 'value="Kept title"' in answer.content.decode()
    assert not Assignment.objects.exists() and not lms.deep_linked


def test_only_instructors_may_place_readings(client, lms):
    course = lms.course("bio-101", "Biology 101", [LEA])
    response = launch(client, lms, LEA, course, message="deep_linking")
    assert response.status_code == 400
    assert "Only the course&#x27;s instructors add readings" in response.content.decode()
