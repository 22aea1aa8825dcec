"""An LMS's course page frames the tool, as Canvas or Moodle do: the launch runs inside the
iframe (cookie check, OIDC login, the platform's auto-posted id_token) and Marginalia opens
there, signed in; a placed assignment's link opens its reading."""

from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from courses.models import Assignment
from groups.models import StudyGroup
from tests.browser_support import shoot
from tests.lti_support import LEA, lms  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser  # live_server makes it transactional


def open_course_page(page, lms, launch_url):
    page.goto(f"/platform/courses/bio-101/?launch={quote(launch_url, safe='')}")
    expect(page.get_by_role("heading", level=1)).to_have_text("LMS: Biology 101")
    return page.frame_locator("iframe[title=Marginalia]")


def test_a_launch_inside_the_lms_frame_opens_the_course_and_then_the_reading(page, lms, document):
    course = lms.course("bio-101", "Biology 101", [LEA])
    frame = open_course_page(page, lms, lms.login_url(LEA, course))
    # The course's own link (no assignment): the group's page, signed in, inside the frame.
    expect(frame.get_by_role("heading", level=1)).to_have_text("Biology 101")
    expect(frame.get_by_role("button", name="Log out lea")).to_be_attached()
    shoot(page, "lti-framed-course")
    assignment = Assignment.objects.create(group=StudyGroup.objects.get(), document=document, title="Week 1")
    frame = open_course_page(
        page, lms, lms.login_url(LEA, course, resource_link="link-2", custom={"assignment": str(assignment.pk)})
    )
    expect(frame.get_by_role("heading", level=1)).to_have_text("A Short Paper")
    shoot(page, "lti-framed-reading")


def test_where_the_frame_may_not_keep_cookies_marginalia_opens_in_a_new_window(page, lms, live_server):
    """The LMS on another site (127.0.0.1 framing localhost): over plain HTTP the browser keeps
    no cookie for the framed tool, so the cookie check offers a window of its own, where the
    launch goes through."""
    course = lms.course("bio-101", "Biology 101", [LEA])
    lms_site = live_server.url.replace("localhost", "127.0.0.1")
    page.goto(f"{lms_site}/platform/courses/bio-101/?launch={quote(lms.login_url(LEA, course), safe='')}")
    frame = page.frame_locator("iframe[title=Marginalia]")
    expect(frame.get_by_role("heading", level=1)).to_have_text("Marginalia opens in a window of its own")
    offer = frame.get_by_role("link", name="Open Marginalia in a new window")
    shoot(page, "lti-cookies-blocked")
    with page.expect_popup() as popup_info:
        offer.click()
    window = popup_info.value
    expect(window.get_by_role("heading", level=1)).to_have_text("Biology 101")
    expect(window.get_by_role("button", name="Log out lea")).to_be_attached()
