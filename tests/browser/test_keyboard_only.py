"""A reader who uses no mouse: searches, reads, replies and annotates with the keyboard alone.

Each test opens one page with page.goto and from then on only presses keys: Tab and Shift+Tab
to move, Enter to follow or press, the reader's own shortcuts (j/k between paragraphs, a to
annotate, Ctrl+Enter to save), and typing. No click, no fill, no focus() from the test.
"""

import re

import pytest
from playwright.sync_api import expect

from annotations.models import Annotation, Visibility
from tests.a11y_support import READER, build_scene

pytestmark = pytest.mark.browser

# What the focused element is, as the test needs to recognise it.
FOCUSED_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const label = el.labels && el.labels.length ? el.labels[0].textContent : '';
  return {
    text: (el.getAttribute('aria-label') || el.innerText || '').replace(/\\s+/g, ' ').trim(),
    label: label.replace(/\\s+/g, ' ').replace(/:$/, '').trim(),
    tag: el.tagName.toLowerCase(),
    id: el.id,
    annotation: el.closest('[data-annotation]')?.dataset.annotation || '',
    region: el.closest('.toc') ? 'contents' : el.closest('.search-hit, .paper-hits') ? 'results'
      : el.closest('.site-header') ? 'header' : el.closest('.breadcrumb') ? 'breadcrumb' : '',
  };
}"""


def tab_to(page, *, text=None, label=None, region=None, annotation=None, backwards=False, limit=400):
    """Press Tab (or Shift+Tab) until the focused element matches; fail if it never does."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        here = page.evaluate(FOCUSED_JS)
        if here is None:
            continue
        if text is not None and not re.search(text, here["text"]):
            continue
        if label is not None and not re.search(label, here["label"]):
            continue
        if region is not None and here["region"] != region:
            continue
        if annotation is not None and here["annotation"] != annotation:
            continue
        return here
    raise AssertionError(f"Tab never reached text={text!r} label={label!r} region={region!r} ({limit} presses)")


def focused_paragraph(page) -> str:
    return page.evaluate("() => document.activeElement.closest('.para')?.id || ''")


@pytest.fixture
def scene(seed_document, make_user):
    return build_scene(seed_document, make_user)


def test_search_reply_read_and_annotate_with_the_keyboard_alone(page, login, scene):
    mia, grouped = scene.member, scene.grouped
    login(page, mia)
    page.goto("/")

    # The first Tab offers the skip link.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()

    # Search the site for the seminar's question and open the hit.
    tab_to(page, text=r"^Search$", region="header")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/$"))
    tab_to(page, label=r"^Search")
    page.keyboard.type("Thursday")
    page.keyboard.press("Enter")
    expect(page.locator(".search-hit").first).to_contain_text("what does this claim assume")
    tab_to(page, region="results", text=r"Rationale and Pathway")
    page.keyboard.press("Enter")
    paragraph = page.locator(f"#p-{grouped.paragraph.anchor}")
    expect(paragraph).to_be_focused()
    expect(paragraph).to_be_in_viewport()

    # Reply to the instructor's note: its thread (the next stop after the paragraph's links)
    # opens in the margin, with the reply form.
    tab_to(page, annotation=f"a-{grouped.pk}", text=r"^1 reply$")
    page.keyboard.press("Enter")
    thread = page.locator(f"#mt-{grouped.pk}")
    expect(thread).to_be_focused()
    tab_to(page, label=r"^Your reply")
    page.keyboard.type("Keyboard only: the plan comes first, then the market.")
    tab_to(page, text=r"^Post reply$")
    page.keyboard.press("Enter")
    expect(thread).to_contain_text("Keyboard only: the plan comes first, then the market.")
    assert grouped.replies.filter(author=mia, body__startswith="Keyboard only").exists()

    # The thread's own page, and back to the paper by its breadcrumb (at the paragraph), then
    # to a section through the contents.
    tab_to(page, text=r"^Open the thread as a page$")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Thread", level=1)).to_be_visible()
    tab_to(page, region="breadcrumb", text=r"^Rationale and Pathway")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(f"{READER}#p-{grouped.paragraph.anchor}$"))
    tab_to(page, region="contents", text=r"^2\.1\b")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#p-s-2-1$"))
    expect(page.locator("#p-s-2-1")).to_be_focused()

    # Read on paragraph by paragraph: j forward, k back.
    page.keyboard.press("j")
    first = focused_paragraph(page)
    assert first and first != "p-s-2-1"
    page.keyboard.press("j")
    second = focused_paragraph(page)
    assert second and second != first
    page.keyboard.press("k")
    assert focused_paragraph(page) == first
    expect(page.locator(f"#{first}")).to_be_in_viewport()

    # Annotate the paragraph being read: a opens the form with the note field focused.
    page.keyboard.press("a")
    note = page.locator(f"#{first} textarea[name=body]")
    expect(note).to_be_focused()
    page.keyboard.type("Read without a mouse: the *argument* turns here.")
    tab_to(page, label=r"^Tags")
    page.keyboard.type("keyboard")
    tab_to(page, label=r"^Who can see this")
    page.keyboard.type("Group")  # a select takes the option whose label starts with what is typed
    expect(page.locator(f"#{first} select[name=visibility]")).to_have_value(f"group-{scene.group.pk}")
    page.keyboard.press("Control+Enter")

    card = page.locator(f"#{first} .annotation", has_text="Read without a mouse")
    expect(card).to_be_visible()
    expect(card.locator("em")).to_have_text("argument")
    saved = Annotation.objects.get(author=mia, body__startswith="Read without a mouse")
    assert saved.visibility == Visibility.GROUP and saved.group == scene.group
    assert list(saved.tags.names()) == ["keyboard"]
    assert f"p-{saved.paragraph.anchor}" == first
    # Focus stays in the paragraph, so reading goes on from here (htmx settles ~20 ms after the
    # swap that showed the card; focus is put back then).
    page.wait_for_function("(id) => document.activeElement.closest('.para')?.id === id", arg=first, timeout=5000)


def test_search_inside_the_paper_and_jump_to_a_hit_with_the_keyboard(page, scene):
    page.goto(READER)
    tab_to(page, label=r"^Search this paper")
    page.keyboard.type("heavy industry")
    page.keyboard.press("Enter")
    hits = page.locator(".paper-hits a")
    expect(hits.first).to_be_visible()
    target = hits.first.get_attribute("href")

    tab_to(page, region="results")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(f"{re.escape(target)}$"))
    expect(page.locator(target)).to_be_focused()
    expect(page.locator(target)).to_be_in_viewport()


def test_escape_closes_the_annotation_form_and_returns_to_the_paragraph(page, login, scene):
    login(page, scene.member)
    page.goto(READER)
    tab_to(page, region="contents", text=r"^1\.1\b")
    page.keyboard.press("Enter")
    page.keyboard.press("j")
    here = focused_paragraph(page)
    page.keyboard.press("a")
    expect(page.locator(f"#{here} textarea[name=body]")).to_be_focused()
    page.keyboard.type("Never mind")
    page.keyboard.press("Escape")
    expect(page.locator(f"#{here} textarea[name=body]")).to_have_count(0)
    expect(page.locator(f"#{here}")).to_be_focused()
    assert not Annotation.objects.filter(body="Never mind").exists()
