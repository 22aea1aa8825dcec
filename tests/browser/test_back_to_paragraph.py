"""Back to the paragraph one came from, in Chromium, on a desktop and a phone (axe at zero
violations): from a thread page, a tag page reached from a margin, a notification and a
search hit, the way back to the paper lands at the paragraph, not the top of the paper."""

import pytest
from playwright.sync_api import expect

from annotations.models import Annotation, Visibility
from discussions.posting import create_reply
from reader.models import Paragraph
from tests.a11y_support import check

pytestmark = pytest.mark.browser

READER = "/d/new-industrialization/"
SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
DEEP = "3-4-unlike-western-modernization-which-has-the-b5dd03"  # near the end of the paper


@pytest.fixture
def scene(seed_document, group_roles):
    group, _other, cast = group_roles
    paragraph = Paragraph.objects.get(document=seed_document, anchor=DEEP)
    root = Annotation.objects.create(
        paragraph=paragraph, author=cast["instructor"], body="Whose surplus?", visibility=Visibility.GROUP, group=group,
    )
    root.tags.add("surplus")
    return cast, paragraph, root


def _landed(page):
    expect(page).to_have_url(f"{page.url.split(READER)[0]}{READER}#p-{DEEP}")
    expect(page.locator(f"#p-{DEEP}")).to_be_in_viewport()


def _open_drawer(margin, size):
    toggle = margin.locator(".margin-toggle")
    if size == "phone" and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()


@pytest.mark.parametrize("size", SIZES)
def test_from_a_thread_page_and_a_tag_page_back_to_the_paragraph(size, new_context, login, scene):
    cast, paragraph, root = scene
    page = new_context(viewport=SIZES[size]).new_page()
    login(page, cast["member"])
    page.goto(f"{READER}#p-{DEEP}")
    margin = page.locator(f"#m-{DEEP}")
    _open_drawer(margin, size)
    margin.get_by_role("link", name="Discuss").click()
    margin.get_by_role("link", name="Open the thread as a page").click()
    expect(page.get_by_role("heading", name="Thread", exact=True)).to_be_visible()
    assert not check(page, f"thread page ({size})")
    page.locator(".breadcrumb").get_by_role("link", name=paragraph.document.title).click()
    _landed(page)

    _open_drawer(margin, size)
    margin.get_by_role("link", name="#surplus").click()
    expect(page.get_by_role("heading", name="#surplus")).to_be_visible()
    assert not check(page, f"tag page from a margin ({size})")
    page.get_by_role("link", name="Back to the paper").click()
    _landed(page)


@pytest.mark.parametrize("size", SIZES)
def test_from_a_notification_and_a_search_hit_back_to_the_paragraph(size, new_context, login, scene):
    cast, paragraph, root = scene
    create_reply(cast["member"], root, "The workers'.")
    page = new_context(viewport=SIZES[size]).new_page()
    login(page, cast["instructor"])
    page.goto("/notifications/")
    page.locator(".notification-list a, main a").filter(has_text="replied").first.click()
    expect(page.get_by_role("heading", name="Thread", exact=True)).to_be_visible()
    page.locator(".breadcrumb").get_by_role("link", name=paragraph.document.title).click()
    _landed(page)

    page.goto('/search/?q="extracting+surplus"')
    hit = page.locator(".search-hit-paragraph").first
    assert not check(page, f"search page ({size})")
    hit.get_by_role("link").first.click()
    _landed(page)
