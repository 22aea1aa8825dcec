"""An instructor corrects the preview of an upload (a kind, a merge) with htmx, then publishes."""

import os

import pytest
from playwright.sync_api import expect

from groups.models import Membership, Role, StudyGroup
from reader.models import Document
from tests.a11y_support import check
from tests.test_upload_corrections import PAPER

pytestmark = pytest.mark.browser

SCREENS = os.environ.get("SCREENSHOT_DIR")  # set it to keep the pictures for a look


def _block(page, text):
    return page.locator(".preview-paragraphs > li").filter(has_text=text)


@pytest.mark.parametrize("size", [{"width": 1280, "height": 800}, {"width": 390, "height": 844}], ids=["desktop", "phone"])
def test_an_instructor_corrects_the_preview_and_publishes(new_context, login, make_user, tmp_path, size):
    instructor = make_user("ines")
    group = StudyGroup.objects.create(name="Thursday Seminar")
    Membership.objects.create(group=group, user=instructor, role=Role.INSTRUCTOR)
    paper = tmp_path / "harbour.md"
    paper.write_bytes(PAPER)

    page = new_context(viewport=size).new_page()
    login(page, instructor)
    page.goto("/documents/upload/")
    page.get_by_label("The paper's file").set_input_files(str(paper))
    page.get_by_label("Address").fill("harbour")
    page.get_by_role("button", name="Preview").click()

    smith = _block(page, "Smith, J. (2020)")
    smith.get_by_text("Correct").click()
    if SCREENS:
        smith.scroll_into_view_if_needed()
        page.screenshot(path=os.path.join(SCREENS, f"preview-correct-{size['width']}.png"))
    assert check(page, "preview with a correction open") == ""
    smith.get_by_label("Kind").select_option(label="reference")
    smith.get_by_role("button", name="Change").click()
    expect(_block(page, "Smith, J. (2020)").locator(".kind-badge")).to_have_text("reference")
    expect(page.get_by_text("1 correction made.")).to_be_visible()

    ledgers = _block(page, "We read the ledgers.")
    ledgers.get_by_text("Correct").click()
    if SCREENS:
        heading = _block(page, "3.1 Results")
        heading.get_by_text("Correct").click()
        page.screenshot(path=os.path.join(SCREENS, f"preview-heading-{size['width']}.png"))
    ledgers.get_by_role("button", name="Merge with the next").click()
    expect(_block(page, "We read the ledgers. Then we counted the loans.")).to_have_count(1)
    expect(page.get_by_text("2 corrections made.")).to_be_visible()
    assert "#b-" not in page.url  # htmx swapped the list in place (without it, a redirect to the block)

    # A split at words the paragraph does not have: said on it, what was typed kept, nothing lost.
    loans = _block(page, "Loans were small.")
    loans.get_by_text("Correct").click()
    loans.get_by_label("Split before the words").fill("were tiny")
    loans.get_by_role("button", name="Split").click()
    expect(_block(page, "Loans were small.").get_by_role("alert")).to_contain_text("Type the words where")
    expect(_block(page, "Loans were small.").get_by_label("Split before the words")).to_have_value("were tiny")
    expect(page.get_by_text("2 corrections made.")).to_be_visible()
    if SCREENS:
        page.screenshot(path=os.path.join(SCREENS, f"preview-error-{size['width']}.png"))

    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".messages")).to_contain_text("is published")
    document = Document.objects.get(slug="harbour")
    kinds = {p.text: p.kind for p in document.paragraphs.all()}
    assert kinds["Smith, J. (2020). Harbour credit. Journal of Fish."] == "reference"
    assert kinds["We read the ledgers. Then we counted the loans."] == "body"
    assert "Then we counted the loans." not in kinds
