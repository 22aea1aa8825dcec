"""Resource launches from the test LMS: each role lands in the course's group with the LMS's
role, signed in without a password, and the reading opens."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from lti_tool.models import LtiUser

from groups.models import Membership, Role, StudyGroup
from lti.models import CourseLink
from tests.lti_platform import path_of
from tests.lti_support import ADA, LEA, TOM, launch, lms, start_launch  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_learner_launch_makes_the_person_and_the_course_group(client, lms):
    course = lms.course("bio-101", "Biology 101: Cells", [ADA, LEA])
    response = launch(client, lms, LEA, course)
    assert response.status_code == 200
    group = StudyGroup.objects.get()
    assert group.name == "Biology 101: Cells"
    assert response.redirect_chain[-1][0] == group.get_absolute_url()
    lea = LtiUser.objects.get(sub=LEA.sub).auth_user
    assert (lea.email, lea.display_name, lea.has_usable_password()) == ("lea@uni.example.edu", "Lea Learner", False)
    assert response.wsgi_request.user == lea
    assert Membership.objects.get(group=group, user=lea).role == Role.MEMBER
    # The launch read the roster too: the instructor is in before her first launch.
    ada = LtiUser.objects.get(sub=ADA.sub).auth_user
    assert Membership.objects.get(group=group, user=ada).role == Role.INSTRUCTOR


@pytest.mark.parametrize(("person", "role"), [(ADA, Role.INSTRUCTOR), (TOM, Role.MODERATOR), (LEA, Role.MEMBER)])
def test_each_lms_role_becomes_its_group_role(client, lms, person, role):
    course = lms.course("bio-101", "Biology 101", [person])
    launch(client, lms, person, course)
    user = LtiUser.objects.get(sub=person.sub).auth_user
    assert Membership.objects.get(user=user).role == role


def test_a_second_launch_finds_the_same_person_and_keeps_name_and_email_current(client, lms):
    course = lms.course("bio-101", "Biology 101", [LEA])
    launch(client, lms, LEA, course)
    renamed = type(LEA)(LEA.sub, "Lea Married-Name", "lea.m@uni.example.edu", LEA.roles)
    client.logout()
    launch(client, lms, renamed, course)
    users = get_user_model().objects.filter(lti_users__sub=LEA.sub)
    assert [(u.display_name, u.email) for u in users] == [("Lea Married-Name", "lea.m@uni.example.edu")]
    assert CourseLink.objects.count() == 1 and StudyGroup.objects.count() == 1


def directives(response) -> dict[str, str]:
    """The Content-Security-Policy's directives by name (their order in the header is not fixed)."""
    parts = (part.strip().partition(" ") for part in response.headers["Content-Security-Policy"].split(";"))
    return {name: value for name, _, value in parts if name}


def test_launched_pages_may_be_framed_by_the_lms_only(client, lms, document):
    course = lms.course("bio-101", "Biology 101", [LEA])
    response = launch(client, lms, LEA, course)
    assert directives(response)["frame-ancestors"] == f"{lms.base} {lms.issuer}"
    assert "X-Frame-Options" not in response.headers
    # The reading page, built and then served from the kept copy, is framable by the LMS alike.
    for _view in range(2):
        page = client.get(document.get_absolute_url())
        assert directives(page)["frame-ancestors"] == f"{lms.base} {lms.issuer}"
        assert "X-Frame-Options" not in page.headers
    stranger = type(client)()
    assert stranger.get("/").headers["X-Frame-Options"] == "DENY"
    assert directives(stranger.get("/"))["frame-ancestors"] == "'none'"


def test_the_instructor_opening_the_courses_link_lands_on_its_lms_page(client, lms):
    course = lms.course("bio-101", "Biology 101", [ADA, LEA])
    response = launch(client, lms, ADA, course)
    group = StudyGroup.objects.get()
    assert response.redirect_chain[-1][0] == f"/lti/groups/{group.pk}/"
    page = response.content.decode()
    assert "Synced" in page or "synced" in page
    assert "Sync the roster now" in page


def test_a_class_opening_a_new_course_at_once_gets_one_group(lms):
    """Every student's first launch at 9:00: the course's group is made once, each person once."""
    course = lms.course("bio-101", "Biology 101", [LEA, ADA])
    prepared = []
    for person in (LEA, ADA, LEA):
        browser = Client()
        prepared.append((browser, *start_launch(browser, lms, person, course)))
    start = threading.Barrier(len(prepared))

    def post(browser, action, fields):
        start.wait()
        try:
            return browser.post(path_of(action), fields).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(prepared)) as pool:
        statuses = list(pool.map(lambda args: post(*args), prepared))
    assert statuses == [302, 302, 302]
    assert StudyGroup.objects.count() == 1 and CourseLink.objects.count() == 1
    assert get_user_model().objects.filter(lti_users__sub=LEA.sub).count() == 1
