"""A group's LMS page (/lti/groups/<pk>/): its courses and rosters, its placed assignments
and their scores, failures listed with the reason; for the group's instructors only."""

from decimal import Decimal

import pytest
from lti_tool.models import LtiContext, LtiDeployment, LtiRegistration

from courses.models import Assignment
from lti.models import CourseLink, LinkedAssignment, ScoreSend


@pytest.fixture
def lms_group(group_roles, document):
    group, _other, cast = group_roles
    registration = LtiRegistration.objects.create(
        name="LMS", issuer="https://lms.example.edu", client_id="c", auth_url="https://lms.example.edu/auth",
        token_url="https://lms.example.edu/token", keyset_url="https://lms.example.edu/jwks",
    )
    deployment = LtiDeployment.objects.create(registration=registration, deployment_id="d", is_active=True)
    context = LtiContext.objects.create(deployment=deployment, id_on_platform="bio", title="Biology 101")
    CourseLink.objects.create(context=context, group=group, roster_error="The LMS did not send the roster: 503")
    for week in (1, 2):
        assignment = Assignment.objects.create(group=group, document=document, title=f"Week {week}")
        linked = LinkedAssignment.objects.create(assignment=assignment, context=context)
        ScoreSend.objects.create(
            linked=linked, user=cast["member"], points=Decimal("4.50"), points_possible=Decimal("10"),
            status=ScoreSend.Status.FAILED, error="The gradebook is down", attempts=2,
        )
    return group, cast


def test_the_instructor_sees_rosters_and_every_failed_score(client, lms_group):
    group, cast = lms_group
    client.force_login(cast["instructor"])
    page = client.get(f"/lti/groups/{group.pk}/").content.decode()
    assert "Last sync failed: The LMS did not send the roster: 503" in page
    assert page.count("1 score could not be sent; the next sync tries again") == 2
    assert f"{cast['member']}: 4.50 of 10.00 — The gradebook is down (2 tries)" in page
    assert page.count("Send scores now") == 2 and "Sync the roster now" in page


def test_the_page_costs_the_same_queries_for_more_assignments(client, lms_group, django_assert_num_queries):
    group, cast = lms_group
    client.force_login(cast["instructor"])
    # session, user, group, roles (get_group_for), the courses, the assignments with their
    # sent counts, their failed sends with students.
    with django_assert_num_queries(7):
        client.get(f"/lti/groups/{group.pk}/")


@pytest.mark.parametrize(("who", "status"), [("moderator", 403), ("member", 403), ("outsider", 404)])
def test_others_may_not_see_it(client, lms_group, who, status):
    group, cast = lms_group
    client.force_login(cast[who])
    assert client.get(f"/lti/groups/{group.pk}/").status_code == status
    assert client.post(f"/lti/groups/{group.pk}/roster/").status_code == status
