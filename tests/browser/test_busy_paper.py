"""A busy paper in a real browser: the page comes with its first margins, and each later batch
loads as its paragraphs scroll into view (annotations.reading.margin_batches)."""

import pytest
from playwright.sync_api import expect

from annotations.models import Annotation, Visibility
from annotations.reading import CARD_BUDGET, MARGIN_LIMIT
from tests.a11y_support import check

pytestmark = pytest.mark.browser

READER = "/d/new-industrialization/"


@pytest.fixture
def busy(seed_document, make_user):
    """Eight public notes on every paragraph, and on the last body paragraph a ninth, its first,
    that marks a passage."""
    author = make_user("prolific")
    paragraphs = list(seed_document.paragraphs.order_by("position"))
    rows = [
        Annotation(paragraph=p, author=author, body=f"Note {n} on {p.anchor}", visibility=Visibility.PUBLIC)
        for p in paragraphs for n in range(8)
    ]
    late = [p for p in paragraphs if p.kind == "body"][-1]
    words = late.text.split()[0]
    # The first note on it, so among the MARGIN_LIMIT the margin shows (and marks in the text).
    rows.insert(0, Annotation(paragraph=late, author=author, body="On the opening word", visibility=Visibility.PUBLIC,
                              quote=words, start=0, end=len(words)))
    Annotation.objects.bulk_create(rows)
    return late


class HeldBatches:
    """Holds the margin batches a page asks for while `holding`, until release(); any asked for
    after that pass. (A batch asked for after the test let the others go would otherwise wait
    for ever.)"""

    def __init__(self, page, holding=True):
        self.held, self.holding = [], holding
        page.route("**/margins/?*", self._arrive)

    def _arrive(self, route):
        if self.holding:
            self.held.append(route)
        else:
            route.continue_()

    def release(self):
        self.holding = False
        for route in self.held:
            route.continue_()


def asking_for(page, margin):
    """Waits (as a context manager) for the page to ask for this margin's own batch: the
    paragraphs around it have batches of their own, asked for first or last by chance."""
    batch = margin.get_attribute("data-batch")
    return page.expect_request(lambda request: request.url.endswith(batch))


def test_a_later_margin_loads_with_its_highlights_when_it_scrolls_into_view(page, busy):
    page.goto(READER)
    assert page.locator("article.annotation").count() <= CARD_BUDGET
    margin = page.locator(f"#m-{busy.anchor}")
    expect(margin).to_have_class("margin-notes has-notes is-pending")
    expect(margin.locator("article.annotation")).to_have_count(0)

    page.locator(f"#p-{busy.anchor}").scroll_into_view_if_needed()
    expect(margin.locator("article.annotation")).to_have_count(MARGIN_LIMIT)
    expect(margin).not_to_have_class("is-pending")
    expect(margin.get_by_role("link", name="4 more notes on this paragraph…")).to_be_visible()
    expect(page.locator(f"#t-{busy.anchor} mark.hl")).to_have_count(1)


def test_a_note_begun_before_its_margin_arrived_is_kept(page, login, busy, make_user):
    login(page, make_user("quick"))
    batches = HeldBatches(page)  # the batch waits until we say
    page.goto(READER)
    margin = page.locator(f"#m-{busy.anchor}")
    with asking_for(page, margin):  # asked for as its paragraph comes into view
        page.locator(f"#p-{busy.anchor}").scroll_into_view_if_needed()

    margin.get_by_role("link", name="Annotate this paragraph").click()
    margin.get_by_role("textbox", name="Note").fill("Typed before the notes arrived")
    batches.release()

    expect(margin.locator("article.annotation")).to_have_count(MARGIN_LIMIT)
    expect(margin.get_by_role("textbox", name="Note")).to_have_value("Typed before the notes arrived")


def test_on_a_phone_a_loaded_margin_opens_as_a_drawer(new_context, busy):
    phone = new_context(viewport={"width": 390, "height": 844}).new_page()
    phone.goto(READER)
    phone.locator(f"#p-{busy.anchor}").scroll_into_view_if_needed()
    margin = phone.locator(f"#m-{busy.anchor}")
    expect(margin.locator("article.annotation")).to_have_count(MARGIN_LIMIT)
    toggle = margin.locator(".margin-toggle")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_text("9 notes")
    toggle.click()
    expect(margin.get_by_text(f"Note 0 on {busy.anchor}")).to_be_visible()


def test_a_batch_that_failed_is_asked_for_again(page, busy):
    asked = []

    def flaky(route):
        # The first time this paragraph's batch is asked for, the server is in trouble.
        mine = route.request.url.endswith(batch.split("?")[1])
        asked.append(mine)
        if mine and asked.count(True) == 1:
            route.fulfill(status=503, body="Service unavailable")
        else:
            route.continue_()

    page.goto(READER)  # no scrolling yet: its batch is not asked for
    margin = page.locator(f"#m-{busy.anchor}")
    batch = margin.get_attribute("data-batch")
    page.route("**/margins/?*", flaky)
    page.locator(f"#p-{busy.anchor}").scroll_into_view_if_needed()
    expect(margin.get_by_role("link", name="Read the notes on this paragraph…")).to_be_visible()
    # Asked again after a pause (BATCH_RETRY_MS), while the paragraph is still in view.
    expect(margin.locator("article.annotation")).to_have_count(MARGIN_LIMIT, timeout=15000)
    assert asked.count(True) == 2


def test_on_a_phone_a_drawer_opened_before_its_notes_arrived_stays_open(new_context, busy):
    phone = new_context(viewport={"width": 390, "height": 844}).new_page()
    batches = HeldBatches(phone)
    phone.goto(READER)
    margin = phone.locator(f"#m-{busy.anchor}")
    with asking_for(phone, margin):
        phone.locator(f"#p-{busy.anchor}").scroll_into_view_if_needed()
    margin.locator(".margin-toggle").click()
    expect(margin.get_by_role("link", name="Read the notes on this paragraph…")).to_be_visible()
    batches.release()
    expect(margin.get_by_text(f"Note 0 on {busy.anchor}")).to_be_visible()
    expect(margin.locator(".margin-toggle")).to_have_attribute("aria-expanded", "true")


def test_a_busy_paper_has_no_wcag_violations_before_or_after_a_batch_loads(page, login, busy, make_user):
    login(page, make_user("auditor"))
    page.goto(READER)
    before = check(page, "busy reader, later margins pending")
    page.locator(f"#p-{busy.anchor}").scroll_into_view_if_needed()
    expect(page.locator(f"#m-{busy.anchor} article.annotation")).to_have_count(MARGIN_LIMIT)
    after = check(page, "busy reader, a batch loaded")
    assert not (before or after), "\n".join(filter(None, [before, after]))


# As near as annotate.js's IntersectionObserver looks (rootMargin "50% 0px").
NOTHING_PENDING_NEAR_THE_VIEW = """() => ![...document.querySelectorAll(".margin-notes.is-pending")].some((m) => {
    const r = m.closest(".para").getBoundingClientRect();
    return r.bottom > -innerHeight / 2 && r.top < innerHeight * 1.5;
})"""


def _top(page, element_id):
    return page.evaluate(f"() => document.getElementById('{element_id}').getBoundingClientRect().top")


def test_following_the_contents_keeps_the_section_in_place_while_the_margins_around_it_load(new_context, busy):
    """Margins loading above the reader push the text down: the section followed to stays where
    it landed. A smooth scroll past dozens of pending margins asks for none of them on the way."""
    page = new_context(reduced_motion="no-preference").new_page()  # so the scroll is smooth
    # The reader rests at the top first, and the batches near it load; only those asked for
    # after following the link count.
    batches = HeldBatches(page, holding=False)
    page.goto(READER)
    page.wait_for_function(NOTHING_PENDING_NEAR_THE_VIEW)
    section = page.locator("#p-s-3-1")
    batches.holding = True
    # The section's own batch is asked for only once the page has come to rest there.
    with asking_for(page, page.locator("#m-s-3-1")):
        page.locator(".toc a[href='#p-s-3-1']").click()
    expect(section).to_be_focused()
    expect(section).to_be_in_viewport()
    landed = _top(page, "p-s-3-1")
    asked = [route.request.url for route in batches.held]
    assert len(asked) <= 3, asked  # those near the section, not every one passed
    batches.release()
    expect(page.locator("#m-s-3-1")).not_to_have_class("is-pending")
    page.wait_for_load_state("networkidle")
    assert abs(_top(page, "p-s-3-1") - landed) < 2
    expect(section).to_be_focused()


def test_a_batch_arriving_leaves_focus_alone(page, busy):
    page.goto(READER)
    page.locator(f"#p-{busy.anchor}").scroll_into_view_if_needed()
    expect(page.locator(f"#m-{busy.anchor} article.annotation")).to_have_count(MARGIN_LIMIT)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("() => document.activeElement === document.body")
    # The margins that arrived above, swapped in and then folded to their text, left the
    # paragraph where the reader was (they once slid the view down the paper).
    expect(page.locator(f"#p-{busy.anchor}")).to_be_in_viewport()
