"""Names and Role Provisioning (rosters) and Assignment and Grade Services (scores) against the
test LMS: what the platform lists becomes the group; what gradebook() says reaches the LMS."""

from io import StringIO

import pytest
from django.core.management import call_command
from lti_tool.models import LtiUser

from access.policy import has_permission
from annotations.editing import create_annotation
from annotations.models import Visibility
from courses import scoring
from groups.models import Membership, Role, StudyGroup
from lti import roster
from lti.models import CourseLink, LinkedAssignment, ScoreSend
from tests.test_lti_deep_linking import place_reading
from tests.lti_support import ADA, LEA, SAM, launch, lms  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def person(lms_person):
    return LtiUser.objects.get(sub=lms_person.sub).auth_user


def test_the_roster_brings_students_who_never_launched_and_drops_those_who_left(client, lms, document):
    course = lms.course("bio-101", "Biology 101", [ADA, LEA, SAM])
    launch(client, lms, ADA, course)
    group = StudyGroup.objects.get()
    assert {(m.user.display_name, m.role) for m in group.memberships.select_related("user")} == {
        ("Ada Lovelace", Role.INSTRUCTOR), ("Lea Learner", Role.MEMBER), ("Sam Student", Role.MEMBER),
    }
    # The instructor's dashboard knows the students before any of them has launched.
    dashboard = client.get(f"/groups/{group.pk}/dashboard/{document.slug}/").content.decode()
    assert "Lea Learner" in dashboard and "Sam Student" in dashboard
    # Sam drops the course; the instructor syncs from the group's LMS page.
    course.dropped.add(SAM.sub)
    page = client.post(f"/lti/groups/{group.pk}/roster/", follow=True)
    assert "1 removed" in page.content.decode()
    assert not Membership.objects.filter(group=group, user=person(SAM)).exists()
    # Listed no more at all (not even as Deleted): Lea leaves too, by the cron command.
    course.people.remove(LEA)
    call_command("lti_sync_rosters", stdout=StringIO())
    assert [m.user for m in group.memberships.all()] == [person(ADA)]


def test_a_dropped_student_loses_the_groups_private_notes(client, lms):
    course = lms.course("bio-101", "Biology 101", [ADA, SAM])
    launch(client, lms, ADA, course)
    group = StudyGroup.objects.get()
    sam = person(SAM)
    assert has_permission(sam, "group.view", group)
    course.dropped.add(SAM.sub)
    client.post(f"/lti/groups/{group.pk}/roster/")
    sam = type(sam).objects.get(pk=sam.pk)  # a fresh copy: roles are cached per object
    assert not has_permission(sam, "group.view", group)
    assert not has_permission(sam, "group.post", group)


def test_a_failed_roster_sync_is_shown(client, lms):
    course = lms.course("bio-101", "Biology 101", [ADA])
    launch(client, lms, ADA, course)
    group = StudyGroup.objects.get()
    lms.courses.pop("bio-101")  # the LMS no longer answers for the course
    page = client.post(f"/lti/groups/{group.pk}/roster/", follow=True).content.decode()
    assert "could not be synced" in page and "Last sync failed" in page


def sent_by_gradebook(assignment):
    return {
        LtiUser.objects.get(auth_user=score.user).sub: (
            float(score.points), float(score.points_possible), score.comment
        )
        for score in scoring.gradebook(assignment)
    }


def received(lms, lineitem):
    return {
        sub: (score["scoreGiven"], score["scoreMaximum"], score["comment"])
        for sub, score in lms.received(lineitem).items()
    }


def write_notes(user, group, document, count):
    for paragraph in document.paragraphs.filter(kind="body")[:count]:
        create_annotation(user, paragraph, {
            "body": "This sentence carries the paper's claim about policy and pace; the evidence comes later.",
            "visibility": Visibility.GROUP, "group": group.pk,
        })


def test_scores_reach_the_lms_as_gradebook_computes_them(client, lms, document):
    course = lms.course("bio-101", "Biology 101", [ADA, LEA, SAM])
    place_reading(client, lms, course, document)
    linked = LinkedAssignment.objects.select_related("assignment__group").get()
    write_notes(person(LEA), linked.assignment.group, document, 3)  # Lea works; Sam does not
    scores = {score.user: score.points for score in scoring.gradebook(linked.assignment)}
    assert scores[person(LEA)] > scores[person(SAM)]  # so the LMS must tell them apart
    page = client.post(f"/lti/assignments/{linked.pk}/scores/", follow=True).content.decode()
    assert "2 scores for “Week 1: close reading” sent to the LMS." in page
    lineitem = lms.lineitem_for("link-1")
    assert received(lms, lineitem) == sent_by_gradebook(linked.assignment)
    assert set(received(lms, lineitem)) == {LEA.sub, SAM.sub}  # students only
    assert {s["gradingProgress"] for s in lms.received(lineitem).values()} == {"FullyGraded"}


def test_failed_scores_are_recorded_shown_and_sent_by_the_next_sync(client, lms, document):
    course = lms.course("bio-101", "Biology 101", [ADA, LEA, SAM])
    place_reading(client, lms, course, document)
    linked = LinkedAssignment.objects.select_related("assignment").get()
    lms.score_outage = True
    page = client.post(f"/lti/assignments/{linked.pk}/scores/", follow=True).content.decode()
    assert "0 scores for “Week 1: close reading” sent; 2 failed" in page
    assert "2 scores could not be sent; the next sync tries again" in page
    lea = scoring.score_for(linked.assignment, person(LEA))
    assert f"Lea Learner: {lea.points} of {lea.points_possible}" in page
    assert set(ScoreSend.objects.values_list("status", "attempts")) == {("failed", 1)}
    assert lms.received(lms.lineitem_for("link-1")) == {}
    with pytest.raises(SystemExit):
        call_command("lti_send_scores", stdout=StringIO(), stderr=StringIO())  # cron sees the failure
    lms.score_outage = False
    call_command("lti_send_scores", stdout=StringIO())
    assert set(ScoreSend.objects.values_list("status", "attempts")) == {("sent", 0)}
    assert received(lms, lms.lineitem_for("link-1")) == sent_by_gradebook(linked.assignment)
    page = client.get(f"/lti/groups/{linked.assignment.group_id}/").content.decode()
    assert "could not be sent" not in page


def test_the_lms_page_is_for_the_groups_instructors(client, lms, make_user):
    course = lms.course("bio-101", "Biology 101", [ADA, LEA])
    launch(client, lms, LEA, course)
    group = StudyGroup.objects.get()
    assert client.get(f"/lti/groups/{group.pk}/").status_code == 403
    assert client.post(f"/lti/groups/{group.pk}/roster/").status_code == 403
    client.force_login(make_user("stranger"))
    assert client.get(f"/lti/groups/{group.pk}/").status_code == 404


def test_an_assignment_whose_column_cannot_be_found_says_so_on_the_page(client, lms, document):
    course = lms.course("bio-101", "Biology 101", [ADA, LEA])
    place_reading(client, lms, course, document)
    linked = LinkedAssignment.objects.get()
    lms.lineitems.clear()  # the column was deleted in the LMS
    page = client.post(f"/lti/assignments/{linked.pk}/scores/", follow=True).content.decode()
    assert "No scores for “Week 1: close reading” could be sent: The LMS has no gradebook column" in page
    assert "The last sync sent nothing: The LMS has no gradebook column for this assignment yet." in page


def test_a_member_listed_without_a_status_is_active(client, lms):
    """NRPS lets an LMS leave `status` out (Active); lti1p3platform always sends it, so this one
    roster is handed in directly."""
    launch(client, lms, ADA, lms.course("bio-101", "Biology 101", [ADA]))
    course = CourseLink.objects.get()
    listed = [ADA.member(), {"user_id": "lms-user-new", "name": "Nia New", "roles": ["Learner"]}]
    without_status = [{key: value for key, value in member.items() if key != "status"} for member in listed]
    outcome = roster.sync_roster(course, fetch=lambda context: without_status)
    assert [user.display_name for user in outcome.added] == ["Nia New"]
    assert course.group.memberships.get(user__display_name="Nia New").role == Role.MEMBER
