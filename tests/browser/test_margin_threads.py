"""Discussing without leaving the paper, in Chromium, on a desktop and a phone (axe at zero
violations): a note's thread opens in place in the margin, with nested replies, the reply
form, votes, question and resolved; an instructor pins, endorses and locks there; the
margin's counts follow; a busy paragraph's margin folds to its text's height."""


import pytest
from playwright.sync_api import expect

from annotations.models import Annotation, Visibility
from discussions.posting import create_reply
from reader.models import Paragraph
from tests.a11y_support import check
from tests.browser_support import SIZES, shoot

pytestmark = pytest.mark.browser

READER = "/d/new-industrialization/"


def _open_drawer(page, margin, size):
    toggle = margin.locator(".margin-toggle")
    if size == "phone" and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()


@pytest.fixture
def paragraph(seed_document):
    return Paragraph.objects.get(document=seed_document, anchor="1-1-agricultural-production-paved-the-way-for-983b36")


def _group_note(author, paragraph, body, group):
    return Annotation.objects.create(paragraph=paragraph, author=author, body=body, visibility=Visibility.GROUP, group=group)


@pytest.mark.parametrize("size", SIZES)
def test_a_thread_opens_in_the_margin_and_a_student_replies_there(size, new_context, login, paragraph, group_roles):
    group, _other, cast = group_roles
    root = _group_note(cast["instructor"], paragraph, "What does *new* industrialization change?", group)
    first = create_reply(cast["moderator"], root, "The energy mix.")
    create_reply(cast["instructor"], first, "And who decides it?")

    page = new_context(viewport=SIZES[size]).new_page()
    login(page, cast["member"])
    page.goto(READER)
    margin = page.locator(f"#m-{paragraph.anchor}")
    _open_drawer(page, margin, size)
    opener = margin.get_by_role("link", name="2 replies")
    expect(opener).to_be_visible()
    opener.click()

    thread = margin.locator(f"#mt-{root.pk}")
    expect(thread).to_be_visible()
    expect(thread.locator(".margin-thread-count")).to_have_text("· 2 replies")
    expect(thread.locator(".reply.depth-2")).to_contain_text("And who decides it?")
    expect(thread).to_be_focused()
    expect(page.locator("#reader-status")).to_have_text("Thread opened: 2 replies")
    assert page.url.endswith(READER)  # the reader never left the paper
    shoot(page, f"margin-thread-{size}")
    assert not check(page, f"reader, a thread open in the margin ({size})")

    # Reply from the margin, then upvote in place.
    thread.get_by_label("Your reply").fill("Whoever pays for it.")
    thread.get_by_role("button", name="Post reply").click()
    expect(thread.locator(".margin-thread-count")).to_have_text("· 3 replies")
    reply = Annotation.objects.get(body="Whoever pays for it.")
    expect(page.locator(f"#a-{reply.pk}")).to_be_focused()
    expect(page.locator("#reader-status")).to_have_text("Reply posted.")
    thread.locator(f"#a-{root.pk} .vote-button").click()
    expect(thread.locator(f"#a-{root.pk} .vote-button")).to_have_attribute("aria-pressed", "true")
    expect(thread.locator(f"#a-{root.pk} .vote-button")).to_be_focused()

    # Closed, the margin's card counts the new reply.
    thread.get_by_role("button", name="Close the thread").click()
    expect(margin.locator(f"#mt-{root.pk}")).to_have_count(0)
    if size == "phone":  # the drawer stays open on the card (waited for: it is set once the margin settles)
        expect(margin.locator(".margin-toggle")).to_have_attribute("aria-expanded", "true")
    expect(margin.get_by_role("link", name="3 replies")).to_be_focused()
    assert not check(page, f"reader, thread closed ({size})")


@pytest.mark.parametrize("size", SIZES)
def test_an_instructor_pins_endorses_resolves_and_locks_in_the_margin(size, new_context, login, paragraph, group_roles):
    group, _other, cast = group_roles
    _group_note(cast["member"], paragraph, "An early reading", group)
    question = _group_note(cast["member"], paragraph, "Why heavy industry first?", group)
    from discussions.curation import set_question

    set_question(question, True)
    page = new_context(viewport=SIZES[size]).new_page()
    login(page, cast["instructor"])
    page.goto(READER)
    margin = page.locator(f"#m-{paragraph.anchor}")
    _open_drawer(page, margin, size)
    margin.locator(f"#a-{question.pk}").get_by_role("link", name="Discuss").click()
    thread = margin.locator(f"#mt-{question.pk}")
    expect(thread).to_be_visible()
    thread.get_by_role("button", name="Pin", exact=True).click()
    expect(thread.locator(".badge-pinned")).to_be_visible()
    expect(page.locator("#reader-status")).to_have_text("Pinned.")
    thread.get_by_role("button", name="Endorse").click()
    expect(thread.locator(".badge-endorsed")).to_be_visible()
    thread.get_by_role("button", name="Mark resolved").click()
    expect(thread.locator(".badge-resolved")).to_be_visible()
    thread.locator(".lock-box summary").click()
    thread.get_by_label("Why is the thread locked? (shown to everyone)").fill("We settled it on Thursday.")
    thread.get_by_role("button", name="Lock thread", exact=True).click()
    expect(thread.locator(".lock-notice")).to_contain_text("We settled it on Thursday.")
    expect(thread.get_by_role("button", name="Post reply")).to_have_count(0)
    shoot(page, f"margin-thread-curated-{size}")
    assert not check(page, f"reader, a curated thread in the margin ({size})")

    thread.get_by_role("button", name="Close the thread").click()
    _open_drawer(page, margin, size)
    cards = margin.locator(".annotation-list > li .annotation")
    expect(cards.first).to_have_id(f"a-{question.pk}")  # the pinned note comes first
    expect(cards.first.locator(".badge-pinned")).to_be_visible()
    expect(cards.first.locator(".badge-endorsed")).to_be_visible()


BUSY = "1-industrial-revolutions-have-unleashed-waves-of-d1ca07"  # eight lines of text


@pytest.mark.parametrize("size", SIZES)
def test_a_busy_paragraphs_margin_folds_to_the_height_of_its_text(size, new_context, login, seed_document, group_roles):
    group, _other, cast = group_roles
    busy = Paragraph.objects.get(document=seed_document, anchor=BUSY)
    for n in range(7):
        _group_note(cast["member"], busy, f"Reading number {n + 1}: the waves of industrialization, again.", group)
    page = new_context(viewport=SIZES[size]).new_page()
    login(page, cast["instructor"])
    page.goto(f"{READER}#p-{BUSY}")
    para, margin = page.locator(f"#p-{BUSY}"), page.locator(f"#m-{BUSY}")
    text = para.locator(".para-text")
    if size == "desktop":
        fold = margin.locator(".margin-fold")
        expect(fold).to_have_text("5 more notes")  # two shown; three more folded, two more on the discussion page
        expect(fold).to_have_attribute("aria-expanded", "false")
        assert para.bounding_box()["height"] <= text.bounding_box()["height"] + 2  # the text keeps its height
        expect(para).to_be_in_viewport()  # folding above did not lose the place the address names
        shoot(page, f"margin-folded-{size}")
        assert not check(page, f"reader, a folded margin ({size})")
        fold.click()
        expect(margin.locator(".annotation-list > li:visible")).to_have_count(5)
        expect(margin.get_by_role("link", name="2 more notes on this paragraph…")).to_be_visible()
        expect(margin.get_by_role("button", name="Show fewer notes")).to_have_attribute("aria-expanded", "true")
        expect(margin.locator(".annotation-list > li").nth(2).locator(".annotation")).to_be_focused()
        shoot(page, f"margin-unfolded-{size}")
        assert not check(page, f"reader, an unfolded margin ({size})")
        margin.get_by_role("button", name="Show fewer notes").click()
        expect(margin.locator(".margin-fold")).to_have_text("5 more notes")
    else:
        # A phone's margin is a drawer under the text: closed, it is one line; open, every note.
        toggle = margin.locator(".margin-toggle")
        expect(toggle).to_contain_text("7 notes")
        assert margin.bounding_box()["height"] < 60
        toggle.click()
        expect(margin.locator(".annotation-list > li:visible")).to_have_count(5)
        expect(margin.locator(".margin-fold")).to_have_count(0)
        shoot(page, f"margin-drawer-{size}")
        assert not check(page, f"reader, a busy drawer ({size})")


@pytest.mark.parametrize("size", SIZES)
def test_a_student_flags_a_note_from_the_thread_in_the_margin(size, new_context, login, paragraph, group_roles):
    group, _other, cast = group_roles
    root = _group_note(cast["moderator"], paragraph, "Whoever disagrees has not read it.", group)
    page = new_context(viewport=SIZES[size]).new_page()
    login(page, cast["member"])
    page.goto(READER)
    margin = page.locator(f"#m-{paragraph.anchor}")
    _open_drawer(page, margin, size)
    margin.get_by_role("link", name="Discuss").click()
    thread = margin.locator(f"#mt-{root.pk}")
    expect(thread).to_be_focused()

    thread.get_by_text("Flag…").click()
    reason = thread.get_by_label("Why should a moderator look at this?")
    expect(reason).to_be_visible()
    thread.get_by_role("button", name="Flag", exact=True).click()  # no reason yet
    reason = page.locator(f"#flag-{root.pk}")
    expect(reason).to_be_focused()
    expect(page.locator(f"#flag-{root.pk}-error")).to_have_text("Give a reason.")
    expect(page.locator("#reader-status")).to_have_text("Give a reason.")
    reason.fill("It talks down to classmates.")
    shoot(page, f"margin-flag-form-{size}")
    assert not check(page, f"reader, flagging in the margin ({size})")
    page.locator(f"#mt-{root.pk}").get_by_role("button", name="Flag", exact=True).click()

    card = page.locator(f"#mt-{root.pk} #a-{root.pk}")
    expect(card.locator(".flagged-by-me")).to_have_text("Flagged — a moderator will look at it")
    expect(card).to_be_focused()
    expect(page.locator("#reader-status")).to_have_text("Flagged — a moderator will look at it.")
    expect(card.get_by_text("Flag…")).to_have_count(0)
    assert page.url.endswith(READER)  # still on the paper
    shoot(page, f"margin-flagged-{size}")
    assert not check(page, f"reader, flagged in the margin ({size})")
