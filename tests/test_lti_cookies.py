"""Inside the LMS's frame: cookies fit for a third-party frame over HTTPS, a cookie check before
the launch, and a new window when the browser refused the session cookie."""

import re

import pytest

from tests.lti_platform import launch_form, path_of
from tests.lti_support import LEA, lms  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_login_first_checks_cookies_and_offers_a_new_window(client, lms):
    url = path_of(lms.login_url(LEA, lms.course("bio-101", "Biology 101", [LEA])))
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Open Marginalia in a new window" in html and 'target="_blank"' in html
    assert "frame-ancestors *" in page.headers["Content-Security-Policy"]


def test_session_and_csrf_cookies_of_a_launch_are_fit_for_a_frame_over_https(client, lms):
    course = lms.course("bio-101", "Biology 101", [LEA])
    response = client.get(path_of(lms.login_url(LEA, course)) + "&cookies=ok", secure=True)
    state = [c for name, c in response.cookies.items() if name.startswith("lti1p3-state")]
    assert state and state[0]["samesite"] == "None" and state[0]["secure"]
    authorize = client.get(path_of(response["Location"]))
    action, fields = launch_form(authorize.content.decode())
    launched = client.post(path_of(action), fields, secure=True)
    assert launched.status_code == 302
    for name in ("sessionid", "lti_frame"):
        cookie = launched.cookies[name]
        assert (name, cookie["samesite"], cookie["secure"]) == (name, "None", True)


def test_a_browser_that_refused_the_session_cookie_is_offered_a_new_window_once(client, lms):
    course = lms.course("bio-101", "Biology 101", [LEA])
    response = client.get(path_of(lms.login_url(LEA, course)) + "&cookies=ok")
    action, fields = launch_form(client.get(path_of(response["Location"])).content.decode())
    opened = client.post(path_of(action), fields)["Location"]
    framed = type(client)()  # the frame whose cookies the browser dropped
    page = framed.get(opened)
    assert page.status_code == 200 and "Open Marginalia in a new window" in page.content.decode()
    resume = re.search(r'href="(/lti/resume/[^"]+)"', page.content.decode()).group(1)
    window = type(client)()
    arrived = window.get(resume, follow=True)
    assert arrived.wsgi_request.user.display_name == "Lea Learner"
    assert type(client)().get(resume).status_code == 404  # once only
