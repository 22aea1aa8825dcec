"""The reading page keeps out of the way: "+ Annotate" shows where it is useful (hovered or
focused), contents entries show whole section titles, and the margin form keeps Save in view."""

import pytest
from playwright.sync_api import expect

from reader.models import Paragraph
from tests.a11y_support import check

pytestmark = pytest.mark.browser

READER = "/d/new-industrialization/"


def test_annotate_shows_on_the_hovered_or_focused_paragraph_only(new_context, login, seed_document, make_user):
    page = new_context(viewport={"width": 1280, "height": 800}).new_page()
    login(page, make_user("ada"))
    page.goto(READER)
    title = page.locator(".para-title")
    body = page.locator(".para-body").first
    title_button, body_button = title.locator(".annotate-button"), body.locator(".annotate-button")
    page.mouse.move(5, 5)
    expect(title_button).to_have_css("opacity", "0")
    expect(body_button).to_have_css("opacity", "0")
    title.hover()
    expect(title_button).to_have_css("opacity", "1")
    body.focus()  # as j/k or a contents link focus it
    page.mouse.move(5, 5)
    expect(body_button).to_have_css("opacity", "1")
    expect(title_button).to_have_css("opacity", "0")
    check(page, "reading page, a paragraph focused")


def test_contents_entries_show_whole_section_titles(page, seed_document):
    page.goto(READER)
    entries = page.locator(".toc-rail .toc-text")
    expect(entries.first).to_be_visible()
    cut = entries.evaluate_all("els => els.filter(e => e.scrollHeight > e.clientHeight + 1).map(e => e.textContent)")
    assert cut == []


def test_the_margin_form_keeps_save_in_view(new_context, login, seed_document, make_user):
    page = new_context(viewport={"width": 1280, "height": 520}).new_page()
    login(page, make_user("ada"))
    paragraph = Paragraph.objects.filter(document=seed_document, kind="body").order_by("position")[3]
    page.goto(READER + f"#p-{paragraph.anchor}")
    target = page.locator(f"#p-{paragraph.anchor}")
    target.hover()
    target.locator(".annotate-button").click()
    form = target.locator("form.annotation-form")
    expect(form).to_be_visible()
    form.evaluate("f => f.scrollIntoView({block: 'start'})")
    assert form.bounding_box()["height"] > 520  # taller than the window: Save would be below it
    expect(form.get_by_role("button", name="Save")).to_be_in_viewport()
