"""Reading the seed paper in a real browser: contents, notes both ways, permalinks, search."""

import re

import pytest
from playwright.sync_api import expect

from reader.models import Paragraph

pytestmark = pytest.mark.browser

READER = "/d/new-industrialization/"


def test_a_contents_link_lands_on_its_section(page, seed_document):
    page.goto(READER)
    page.locator(".toc").get_by_role("link", name="1.1 Planned Economy Period").click()

    expect(page).to_have_url(re.compile(r"#p-s-1-1$"))
    section = page.locator("#p-s-1-1")
    expect(section).to_be_in_viewport()
    expect(section).to_be_focused()
    expect(section.get_by_role("heading")).to_contain_text("Planned Economy Period")


def test_a_late_hashchange_leaves_focus_where_the_reader_moved_it(page, seed_document):
    """Following a contents link focuses its section; if the reader has moved on before the
    browser's hashchange event arrives (j at once, on a busy machine), focus stays put."""
    page.goto(READER)
    page.locator(".toc").get_by_role("link", name="1.1 Planned Economy Period").click()
    expect(page.locator("#p-s-1-1")).to_be_focused()
    page.keyboard.press("j")
    after = page.evaluate("() => document.activeElement.id")
    assert after and after != "p-s-1-1"
    page.evaluate("() => window.dispatchEvent(new HashChangeEvent('hashchange'))")  # arriving late
    expect(page.locator(f"#{after}")).to_be_focused()

    # From a link (as when the event arrives in time), the target takes focus.
    page.locator(".toc").get_by_role("link", name="1.1 Planned Economy Period").focus()
    page.evaluate("() => window.dispatchEvent(new HashChangeEvent('hashchange'))")
    expect(page.locator("#p-s-1-1")).to_be_focused()


def test_a_footnote_marker_and_its_back_link_go_both_ways(page, seed_document):
    citing = Paragraph.objects.get(document=seed_document, kind="body", text__contains="Transformations”¹")
    page.goto(READER)

    page.locator(f"#p-{citing.anchor}").get_by_role("link", name="note 1", exact=True).click()
    expect(page).to_have_url(re.compile(r"#p-fn-1$"))
    footnote = page.locator("#p-fn-1")
    expect(footnote).to_be_in_viewport()
    expect(footnote).to_be_focused()
    expect(footnote).to_contain_text("These refer to the socialist industrialization")

    footnote.get_by_role("link", name="Back to where note 1 is cited").click()
    marker_id = f"fnref-1-{citing.anchor}"
    expect(page).to_have_url(re.compile(f"#{marker_id}$"))
    marker = page.locator(f"#{marker_id}")
    expect(marker).to_be_in_viewport()
    expect(marker).to_be_focused()


def test_the_authors_line_links_to_affiliations_and_the_contact_note(page, seed_document):
    page.goto(READER)
    authors = page.locator("#p-authors")
    authors.get_by_role("link", name="affiliation 2").click()
    expect(page.locator("#p-aff-2")).to_be_focused()
    page.go_back()
    authors.get_by_role("link", name="author note").click()
    expect(page).to_have_url(re.compile(r"#p-fn-star$"))
    expect(page.locator("#p-fn-star")).to_contain_text("CONTACT")


def test_the_copy_link_control_copies_the_paragraph_permalink_from_the_keyboard(new_context, live_server, seed_document):
    context = new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(READER)
    permalink = page.locator("#p-s-2-3").get_by_role("link", name="Copy link to this paragraph")
    permalink.focus()
    page.keyboard.press("Enter")

    expect(page.locator("#reader-status")).to_have_text("Link to this paragraph copied")
    assert page.evaluate("navigator.clipboard.readText()") == f"{live_server.url}{READER}#p-s-2-3"


def test_search_shows_highlighted_hits_in_place_and_jumps_to_one(page, seed_document):
    page.goto(READER)
    page.get_by_role("searchbox", name="Search this paper").fill("heavy industry")
    page.get_by_role("button", name="Search").click()

    hits = page.locator(".paper-hits a")
    expect(hits.first).to_be_visible()
    expect(page.locator(".paper-hits mark", has_text=re.compile(r"^heavy$", re.I)).first).to_be_visible()
    # htmx filled the results in; the page itself did not change.
    assert page.url.endswith(READER)

    target = hits.first.get_attribute("href")
    hits.first.click()
    expect(page).to_have_url(re.compile(f"{target}$"))
    expect(page.locator(target)).to_be_in_viewport()


def test_on_a_phone_the_text_fits_and_the_contents_start_folded(new_context, seed_document):
    page = new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True).new_page()
    page.goto(READER)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    contents = page.locator(".toc details")
    expect(contents).not_to_have_attribute("open", "")
    page.locator(".toc summary").click()
    page.locator(".toc").get_by_role("link", name="References").click()
    expect(page.locator("#p-references")).to_be_in_viewport()


def test_the_login_helper_signs_a_reader_in(page, login, make_user, seed_document):
    login(page, make_user("rhea"))
    page.goto(READER)
    expect(page.get_by_role("button", name="Log out rhea")).to_be_visible()
