"""A paragraph with more notes than its margin holds, in Chromium on a desktop and a phone (axe
at zero violations): "N more notes on this paragraph…" brings the rest into the same margin,
without leaving the paper, focus on the first note it brought and the news read out; the
grown margin scrolls rather than stretch the paragraph, and a change made in it keeps it grown."""

import pytest
from playwright.sync_api import expect

from annotations.models import Annotation, Visibility
from annotations.reading import MARGIN_GROW, MARGIN_LIMIT
from reader.models import Paragraph
from tests.a11y_support import check
from tests.browser_support import SIZES, shoot

pytestmark = pytest.mark.browser

READER = "/d/new-industrialization/"
BUSY = "1-industrial-revolutions-have-unleashed-waves-of-d1ca07"  # eight lines of text
NOTES = 60


@pytest.fixture
def crowded(seed_document, group_roles):
    group, _other, cast = group_roles
    paragraph = Paragraph.objects.get(document=seed_document, anchor=BUSY)
    Annotation.objects.bulk_create([
        Annotation(paragraph=paragraph, author=cast["member"], body=f"Reading number {n + 1}.",
                   visibility=Visibility.GROUP, group=group)
        for n in range(NOTES)
    ])
    return cast


@pytest.mark.parametrize("size", SIZES)
def test_more_notes_load_into_the_margin_in_place(size, new_context, login, crowded):
    page = new_context(viewport=SIZES[size]).new_page()
    login(page, crowded["member"])
    page.goto(f"{READER}#p-{BUSY}")
    para, margin = page.locator(f"#p-{BUSY}"), page.locator(f"#m-{BUSY}")
    cards = margin.locator(".annotation-list > li")
    if size == "desktop":
        margin.locator(".margin-fold").click()  # folded to the text's height first (test_margin_threads)
    else:
        margin.locator(".margin-toggle").click()  # the drawer under the text
    more = margin.get_by_role("link", name=f"{NOTES - MARGIN_LIMIT} more notes on this paragraph…")
    expect(more).to_be_visible()
    expect(cards).to_have_count(MARGIN_LIMIT)
    more.click()

    shown = MARGIN_LIMIT + MARGIN_GROW
    expect(cards).to_have_count(shown)
    assert page.url.endswith(f"{READER}#p-{BUSY}")  # still on the paper
    first_new = cards.nth(MARGIN_LIMIT).locator(".annotation")
    expect(first_new).to_contain_text(f"Reading number {MARGIN_LIMIT + 1}.")
    expect(first_new).to_be_focused()
    expect(page.locator("#reader-status")).to_have_text(f"{MARGIN_GROW} more notes shown")
    rest = margin.get_by_role("link", name=f"{NOTES - shown} more notes on this paragraph…")
    expect(rest).to_be_attached()
    if size == "desktop":
        # Fifty notes scroll in the margin: the paragraph grows at most to most of the window.
        body = margin.locator(".margin-body")
        assert body.evaluate("b => b.scrollHeight > b.clientHeight + 100")
        assert para.bounding_box()["height"] < 0.6 * SIZES[size]["height"] + 200
    else:
        expect(margin.locator(".margin-toggle")).to_have_attribute("aria-expanded", "true")
    shoot(page, f"margin-more-{size}")
    assert not check(page, f"reader, more notes loaded in the margin ({size})")

    # The rest, the same way; then a note of one's own deleted there: the margin stays grown.
    rest.scroll_into_view_if_needed()
    rest.click()
    expect(cards).to_have_count(NOTES)
    expect(cards.nth(shown).locator(".annotation")).to_be_focused()
    expect(page.locator("#reader-status")).to_have_text(f"{NOTES - shown} more notes shown")
    last = cards.nth(NOTES - 1)
    page.once("dialog", lambda dialog: dialog.accept())
    last.get_by_role("button", name="Delete").click()
    expect(last).to_contain_text("You deleted this note")
    expect(cards).to_have_count(NOTES)
