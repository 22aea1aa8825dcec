"""The LTI pages a person meets (a refused launch, the deep-linking picker, the course's LMS
page) fit a phone and a desktop window, and pass axe."""

from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from groups.models import StudyGroup
from lti.models import LinkedAssignment, ScoreSend
from tests.browser_support import SIZES, shoot
from tests.lti_platform import path_of
from tests.lti_support import ADA, LEA, lms  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser


def fits(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    violations = Axe().run(page).response["violations"]
    assert [v["id"] for v in violations] == []


@pytest.mark.parametrize("size", SIZES)
def test_lti_pages_fit_the_window(new_context, lms, document, size):
    viewport = SIZES[size]
    page = new_context(viewport=viewport).new_page()
    course = lms.course("bio-101", "Biology 101: Cells and Tissues of the Human Body", [ADA, LEA])
    # A refused launch (expired), in the site's frame.
    page.goto(path_of(lms.login_url(LEA, course, expires_in=-60)))
    expect(page.get_by_role("heading", level=1)).to_have_text("This launch has expired")
    fits(page, viewport["width"])
    shoot(page, f"lti-refused-{size}")
    # The instructor's deep-linking picker.
    page.goto(path_of(lms.login_url(ADA, course, message="deep_linking")))
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a reading to your course")
    fits(page, viewport["width"])
    shoot(page, f"lti-deep-link-{size}")
    page.get_by_label("Title in the gradebook").fill("Week 1: the cell membrane, closely read")
    page.get_by_role("button", name="Add to the course").click()
    expect(page.get_by_text("Added to the course.")).to_be_visible()
    # The course's LMS page, with a failed score to show.
    linked = LinkedAssignment.objects.get()
    lea = StudyGroup.objects.get().memberships.get(user__display_name="Lea Learner").user
    ScoreSend.objects.create(
        linked=linked, user=lea, points=Decimal("3"), points_possible=Decimal("10"), status="failed",
        error="The gradebook answered 503: down for maintenance", attempts=1,
    )
    page.goto(f"/lti/groups/{linked.assignment.group_id}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("In the LMS")
    fits(page, viewport["width"])
    shoot(page, f"lti-course-{size}")
