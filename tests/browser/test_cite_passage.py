"""Citing from the reading page, at desktop and phone size: "Cite" on a paragraph shows its
citation (authors, title, the paragraph's name, its page, the permalink) and "Copy citation"
puts it on the clipboard, saying so; a selected passage's "Cite selection" quotes it first."""

import pytest
from playwright.sync_api import expect

from reader.models import Paragraph
from tests.a11y_support import check
from tests.browser_support import SIZES, select_in_paragraph, shoot

pytestmark = pytest.mark.browser

READER = "/d/new-industrialization/"
PASSAGE = "20th National Congress of the Communist Party"


@pytest.mark.parametrize("size", SIZES)
def test_a_reader_cites_a_paragraph_and_a_passage_of_it(size, new_context, seed_document, live_server):
    paragraph = Paragraph.objects.get(document=seed_document, anchor__startswith="front-as-noted")
    Paragraph.objects.filter(pk=paragraph.pk).update(page="117", page_index=1)
    name = f"¶ {paragraph.position + 1}"  # a paragraph before the first numbered section
    context = new_context(viewport=SIZES[size], permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(READER)

    # Keyboard: Tab from the paragraph reaches its "Cite" (after the permalink).
    para = page.locator(f"#p-{paragraph.anchor}")
    para.focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    cite = para.get_by_role("link", name="Cite this paragraph")
    expect(cite).to_be_focused()
    shoot(page, f"cite-link-{size}")
    page.keyboard.press("Enter")

    panel = para.get_by_role("group", name=f"Citation of {name}")
    expect(panel).to_be_visible()
    text = panel.locator(".cite-text")
    expect(text).to_contain_text("Huang Qunhui, Li Fangfang. “Rationale and Pathway for New Industrialization")
    expect(text).to_contain_text(f"{name}, p. 117. {live_server.url}{READER}#p-{paragraph.anchor}")
    copy = panel.get_by_role("button", name="Copy citation")
    expect(copy).to_be_focused()
    copy.click()
    expect(panel.get_by_role("status")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == text.text_content().strip()
    shoot(page, f"cite-paragraph-{size}")
    violations = check(page, "the reading page with a citation open")
    page.keyboard.press("Escape")
    expect(panel).to_have_count(0)
    expect(cite).to_be_focused()

    select_in_paragraph(page, paragraph.anchor, PASSAGE)
    page.get_by_role("button", name="Cite selection").click()
    expect(text).to_contain_text(f"“{PASSAGE}” — Huang Qunhui, Li Fangfang.")
    expect(text).to_contain_text(f"{name}, p. 117.")
    shoot(page, f"cite-selection-{size}")
    panel.get_by_role("button", name="Copy citation").click()
    expect(panel.get_by_role("status")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()").startswith(f"“{PASSAGE}” — ")
    assert not violations, "axe-core found WCAG A/AA violations:\n" + violations


def test_without_javascript_cite_is_a_page_with_the_citation(new_context, seed_document):
    paragraph = Paragraph.objects.get(document=seed_document, anchor__startswith="front-as-noted")
    page = new_context(java_script_enabled=False).new_page()
    page.goto(READER)
    page.locator(f"#p-{paragraph.anchor}").get_by_role("link", name="Cite this paragraph").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Cite ¶ {paragraph.position + 1}")
    expect(page.locator(".cite-text")).to_contain_text("Huang Qunhui, Li Fangfang.")
    expect(page.get_by_role("button", name="Copy citation")).to_be_hidden()  # it needs the script
    shoot(page, "cite-page-no-js")
