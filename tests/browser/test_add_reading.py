"""An instructor adds a reading from the journal's PDF: from the library, through the
preview, to the published paper with its page marks and the original to download."""

import os

import pytest
from playwright.sync_api import expect

from groups.models import Membership, Role, StudyGroup
from tests.a11y_support import axe_violations
from tests.importer_support import journal_pdf

SCREENS = os.environ.get("SCREENSHOT_DIR")  # set it to keep the pictures for a look

pytestmark = pytest.mark.browser  # live_server makes it transactional


def test_an_instructor_adds_a_pdf_reading(new_context, login, make_user, tmp_path, paused_import):
    first_page, release = paused_import
    instructor = make_user("ines")
    group = StudyGroup.objects.create(name="Thursday Seminar")
    Membership.objects.create(group=group, user=instructor, role=Role.INSTRUCTOR)
    pdf = tmp_path / "tide-ledgers.pdf"
    pdf.write_bytes(journal_pdf()[0])

    page = new_context().new_page()
    login(page, instructor)
    page.goto("/")
    page.get_by_role("link", name="Add a reading").click()
    page.get_by_label("The paper's file").set_input_files(str(pdf))
    page.get_by_label("Address").fill("tide-ledgers")
    page.get_by_label("Only the group “Thursday Seminar”").check()
    page.get_by_role("button", name="Preview").click()

    # The PDF is read in the background: its progress, then (htmx polls it) the preview.
    expect(page.get_by_role("status")).to_contain_text("Reading page 1 of 2")
    expect(page.get_by_role("heading", level=1)).to_have_text("Importing tide-ledgers.pdf")
    assert axe_violations(page) == []
    if SCREENS:
        page.screenshot(path=os.path.join(SCREENS, "import-progress.png"))
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=os.path.join(SCREENS, "import-progress-phone.png"))
        page.set_viewport_size({"width": 1280, "height": 800})
    release.set()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tide Ledgers and the Making of a Harbour Economy")
    expect(page.locator(".kind-counts")).to_contain_text("1 table")
    expect(page.locator(".preview-paragraphs")).to_contain_text("p. 117–118")
    page.get_by_role("button", name="Publish").click()

    expect(page.locator(".messages")).to_contain_text("is published")
    expect(page.locator(".page-mark").first).to_have_text("p. 117")
    expect(page.locator(".page-mark").nth(1)).to_have_text("p. 118")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the original file").click()
    assert download.value.suggested_filename == "tide-ledgers.pdf"
