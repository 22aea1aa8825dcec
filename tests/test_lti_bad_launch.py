"""Bad and replayed launches get a clear page in the site's frame and change nothing."""

import pytest
from django.contrib.auth import get_user_model
from lti_tool.models import Key, LtiContext, LtiDeployment, LtiResourceLink, LtiUser

from groups.models import Membership, StudyGroup
from tests.lti_platform import path_of
from tests.lti_support import ADA, LEA, launch, lms, start_launch  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db(transaction=True)
CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"


def rows():
    return [model.objects.count() for model in (
        get_user_model(), LtiUser, LtiContext, LtiResourceLink, LtiDeployment, StudyGroup, Membership,
    )]


@pytest.mark.parametrize(("launch_options", "title"), [
    ({"expires_in": -60}, "This launch has expired"),
    ({"overrides": {"aud": "some-other-tool"}}, "This LMS is not registered with Marginalia"),
    ({"overrides": {CLAIM + "deployment_id": "deployment-nobody-registered"}}, "This LMS deployment is not registered"),
    ({"overrides": {"sub": ""}}, "The LMS sent an incomplete launch"),
    ({"overrides": {CLAIM + "roles": None}}, "The LMS sent an incomplete launch"),
    ({"overrides": {CLAIM + "resource_link": {"title": "no id"}}}, "The LMS sent an incomplete launch"),
])
def test_a_bad_launch_is_refused_and_changes_nothing(client, lms, launch_options, title):
    course = lms.course("bio-101", "Biology 101", [LEA])
    before = rows()
    response = launch(client, lms, LEA, course, **launch_options)
    assert response.status_code == 400
    page = response.content.decode()
    assert title in page and "Nothing was changed in Marginalia." in page
    assert 'class="site-header"' in page  # the site's own frame, not a bare error
    assert "id_token" not in page and "Lti" not in page  # the libraries' words go to the log
    assert rows() == before
    assert not response.wsgi_request.user.is_authenticated


def test_a_launch_without_a_course_is_refused(client, lms):
    before = rows()
    response = launch(client, lms, LEA, None)
    assert response.status_code == 400
    assert "The LMS did not say which course this is" in response.content.decode()
    assert rows() == before


def test_a_replayed_launch_is_refused_even_with_the_browsers_cookies(client, lms):
    course = lms.course("bio-101", "Biology 101", [LEA])
    action, fields = start_launch(client, lms, LEA, course)
    assert client.post(path_of(action), fields).status_code == 302
    client.logout()
    before = rows()
    replay = client.post(path_of(action), fields)
    assert replay.status_code == 400
    assert "This launch was already used, or did not start here" in replay.content.decode()
    assert rows() == before
    assert not replay.wsgi_request.user.is_authenticated


def test_a_launch_posted_from_elsewhere_without_the_login_step_is_refused(client, lms):
    course = lms.course("bio-101", "Biology 101", [LEA])
    action, fields = start_launch(client, lms, LEA, course)
    stranger = type(client)()  # another browser: no state cookie of this login
    response = stranger.post(path_of(action), fields)
    assert response.status_code == 400
    assert "did not start here" in response.content.decode()


def test_the_login_address_opened_by_hand_explains_itself(client, lms):
    response = client.get("/lti/login/")
    assert response.status_code == 400
    assert "Marginalia opens from a link in your course" in response.content.decode()


def test_an_unregistered_lms_is_refused_at_login(client, lms):
    url = path_of(lms.login_url(ADA, lms.course("c", "C"))).replace("lms.example.edu", "evil.example.com")
    response = client.get(url + "&cookies=ok")
    assert response.status_code == 400
    assert "This LMS is not registered with Marginalia" in response.content.decode()


def test_without_a_signing_key_the_login_says_what_the_administrator_must_do(client, lms):
    Key.objects.all().delete()
    response = client.get(path_of(lms.login_url(LEA, lms.course("c", "C"))) + "&cookies=ok")
    assert response.status_code == 400
    assert "Marginalia is not ready for LMS launches yet" in response.content.decode()
