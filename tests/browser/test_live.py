"""Live updates in a real browser: one person annotates; a classmate reading the same paper
sees the note appear in the margin without reloading, with a quiet indicator; an outsider
reading along sees nothing. Served by uvicorn (ASGI), as in production, so the stream is SSE."""

import pytest
from playwright.sync_api import expect

from annotations import editing
from annotations.models import Annotation, Visibility
from discussions import moderation
from groups.models import GroupSettings, Membership, Role
from reader.models import Paragraph
from tests.a11y_support import check
from tests.browser_support import SIZES, shoot
from tests.live_support import AsgiServer

pytestmark = pytest.mark.browser

READER = "/d/new-industrialization/"
PORT = 8114  # this helper's range; a free one is taken if it is busy


@pytest.fixture
def asgi(live_server):
    # live_server makes the test commit its rows, so the server process sees them.
    try:
        server = AsgiServer(port=PORT).wait_ready()
    except (RuntimeError, TimeoutError):
        server = AsgiServer().wait_ready()
    yield server
    server.stop()


def sign_in(page, login, user, server):
    """The harness signs in for live_server's host; the same session cookie, for the ASGI server's."""
    login(page, user)
    page.context.add_cookies([
        {"name": c["name"], "value": c["value"], "url": server.url, "httpOnly": True, "sameSite": "Lax"}
        for c in page.context.cookies()
    ])


def test_a_note_appears_in_a_classmates_margin_without_a_reload(new_context, login, seed_document, group_roles, asgi):
    group, _other, cast = group_roles
    paragraph = Paragraph.objects.filter(document=seed_document, kind="body").order_by("position")[3]
    anchor = paragraph.anchor

    classmate = new_context(base_url=asgi.url).new_page()
    sign_in(classmate, login, cast["member"], asgi)
    classmate.goto(READER)
    expect(classmate.locator("#live")).to_have_attribute("data-mode", "stream")
    classmate.evaluate("window.__notReloaded = true")
    scroll_before = classmate.evaluate("window.scrollY")

    outsider = new_context(base_url=asgi.url).new_page()
    sign_in(outsider, login, cast["outsider"], asgi)
    outsider.goto(READER)
    expect(outsider.locator("#live")).to_have_attribute("data-mode", "stream")

    author = new_context(base_url=asgi.url).new_page()
    sign_in(author, login, cast["instructor"], asgi)
    author.goto(f"{READER}#p-{anchor}")
    # Its margin comes with a batch: a click before the batch swaps it in put the form into the
    # margin the batch then replaced.
    expect(author.locator(f"#m-{anchor}")).not_to_have_class(lambda_re("is-pending"))
    author.locator(f'[data-annotate="{anchor}"]').click()
    form = author.locator(f"#f-{anchor} form")
    form.get_by_label("Note").fill("Arrives while you read.")
    form.get_by_label("Who can see this").select_option(label=f"Group: {group.name}")
    form.get_by_label("Note").press("Control+Enter")
    expect(author.locator(f"#m-{anchor} .annotation").filter(has_text="Arrives while you read.")).to_be_visible()

    # The paragraph is below the classmate's view: the indicator and the heat strip say a note
    # came, and its margin is fetched only on the way there (a class's every event is not a
    # fetch by every reader).
    indicator = classmate.locator("#live-indicator")
    expect(indicator).to_contain_text("1 new note", timeout=15_000)
    expect(classmate.locator(f'#heat-strip .heat-cell[data-anchor="{anchor}"]')).to_have_attribute("data-count", "1")
    arrived = classmate.locator(f"#m-{anchor} .annotation").filter(has_text="Arrives while you read.")
    expect(arrived).to_have_count(0)
    assert classmate.evaluate("window.__notReloaded") is True  # the same page, not a reload
    assert classmate.evaluate("window.scrollY") == scroll_before  # and it did not jump
    indicator.click()
    expect(arrived).to_have_count(1)
    expect(arrived).to_be_focused()
    expect(indicator).to_be_hidden()

    # The outsider's page got nothing: wait for the classmate's event first, then look.
    expect(outsider.locator(f"#m-{anchor} .annotation")).to_have_count(0)
    assert "Arrives while you read." not in outsider.content()
    expect(outsider.locator("#live-indicator")).to_be_hidden()


def test_a_note_below_the_view_arrives_when_the_reader_scrolls_there(new_context, login, seed_document, group_roles, asgi):
    from tests.discussions_support import note

    group, _other, cast = group_roles
    paragraph = Paragraph.objects.filter(document=seed_document, kind="body").order_by("position")[8]
    classmate = new_context(base_url=asgi.url).new_page()
    sign_in(classmate, login, cast["member"], asgi)
    classmate.goto(READER)
    expect(classmate.locator("#live")).to_have_attribute("data-mode", "stream")
    note(cast["instructor"], paragraph, "Waits below.", group=group)
    expect(classmate.locator("#live-indicator")).to_contain_text("1 new note", timeout=15_000)

    classmate.locator(f"#p-{paragraph.anchor}").scroll_into_view_if_needed()
    arrived = classmate.locator(f"#m-{paragraph.anchor} .annotation").filter(has_text="Waits below.")
    expect(arrived).to_have_count(1)
    expect(arrived).to_have_class(lambda_re("live-new"))


def test_a_classmates_vote_counts_live_on_a_note_in_view(new_context, login, seed_document, group_roles, asgi):
    from discussions.models import Vote

    _group, _other, cast = group_roles
    paragraph = Paragraph.objects.filter(document=seed_document, kind="body").order_by("position")[2]
    shown = Annotation.objects.create(paragraph=paragraph, author=cast["outsider"], body="Worth a vote.",
                                      visibility=Visibility.PUBLIC)
    Vote.objects.create(annotation=shown, user=cast["moderator"])
    reader = new_context(base_url=asgi.url).new_page()
    sign_in(reader, login, cast["member"], asgi)
    reader.goto(f"{READER}#p-{paragraph.anchor}")
    expect(reader.locator("#live")).to_have_attribute("data-mode", "stream")
    count = reader.locator(f"#a-{shown.pk} .vote-static")
    expect(count).to_have_attribute("aria-label", "1 vote")
    asked = []
    reader.on("request", lambda request: asked.append(request.url))

    Vote.objects.create(annotation=shown, user=cast["instructor"])
    expect(count).to_have_attribute("aria-label", "2 votes", timeout=15_000)
    expect(count.locator(".vote-count")).to_have_text("2")
    # The event carried the count: the page asked the server for nothing.
    assert [url for url in asked if "/margin" in url] == []


def test_a_classmates_reply_counts_live_on_the_card_and_shows_in_an_open_thread(new_context, login, seed_document, group_roles, asgi):
    from tests.discussions_support import note

    group, _other, cast = group_roles
    paragraph = Paragraph.objects.filter(document=seed_document, kind="body").order_by("position")[2]
    root = note(cast["moderator"], paragraph, "Start a thread here.", group=group)
    other = note(cast["moderator"], paragraph, "A second thread.", group=group)
    reader = new_context(base_url=asgi.url).new_page()
    sign_in(reader, login, cast["member"], asgi)
    reader.goto(f"{READER}#p-{paragraph.anchor}")
    expect(reader.locator("#live")).to_have_attribute("data-mode", "stream")
    replies = reader.locator(f"#a-{root.pk} [data-thread-open]")
    expect(replies).to_have_text("Discuss")
    asked = []
    reader.on("request", lambda request: asked.append(request.url))

    first = note(cast["instructor"], paragraph, "A first reply.", parent=root)
    expect(replies).to_have_text("1 reply", timeout=15_000)
    note(cast["moderator"], paragraph, "A reply to the reply.", parent=first)
    expect(replies).to_have_text("2 replies", timeout=15_000)
    assert asked == []  # the events said it all: nothing fetched
    shoot(reader, "live-reply-count")

    # With the other thread open in the margin, a reply there appears in it, and the focus
    # stays where the reader left it.
    reader.locator(f"#a-{other.pk} [data-thread-open]").click()
    thread = reader.locator(f"#mt-{other.pk}")
    expect(thread).to_be_visible()
    reader.locator("h1").first.click()
    note(cast["instructor"], paragraph, "Answered while it was open.", parent=other)
    arrived = thread.locator(".annotation").filter(has_text="Answered while it was open.")
    expect(arrived).to_be_visible(timeout=15_000)
    expect(thread.locator(".margin-thread-count")).to_have_text("· 1 reply")
    expect(reader.locator(f"#mt-{other.pk} .annotation.live-new")).to_have_count(1)
    expect(reader.locator(f"#m-{paragraph.anchor} .margin-thread")).to_have_count(1)
    thread.scroll_into_view_if_needed()
    shoot(reader, "live-reply-in-open-thread")


def lambda_re(word):
    import re

    return re.compile(rf"\b{word}\b")


def test_without_a_stream_the_page_polls_and_still_gets_the_note(new_context, login, seed_document, group_roles):
    # The test live server is WSGI: the stream answers 204 and the page falls back to polling.
    from tests.discussions_support import note

    group, _other, cast = group_roles
    paragraph = Paragraph.objects.filter(document=seed_document, kind="body").order_by("position")[5]
    classmate = new_context().new_page()
    login(classmate, cast["member"])
    classmate.goto(READER)
    expect(classmate.locator("#live")).to_have_attribute("data-mode", "polling")
    note(cast["instructor"], paragraph, "Polled into view.", group=group)
    indicator = classmate.locator("#live-indicator")
    expect(indicator).to_contain_text("1 new note", timeout=25_000)
    indicator.click()
    expect(classmate.locator(f"#m-{paragraph.anchor} .annotation").filter(has_text="Polled into view.")).to_be_focused()


def test_a_live_note_keeps_the_heat_strips_word_about_notes_held_back(new_context, login, seed_document, group_roles, make_user, asgi):
    """A student who has not posted on a paragraph of a hide-until-posted group is told notes
    wait there; a public note arriving live adds to the count and keeps that word."""
    group, _other, cast = group_roles
    GroupSettings.objects.create(group=group, hide_until_posted=True)
    classmate = make_user("max")
    Membership.objects.create(group=group, user=classmate, role=Role.MEMBER)
    paragraph = Paragraph.objects.filter(document=seed_document, kind="body").order_by("position")[3]
    Annotation.objects.create(paragraph=paragraph, author=classmate, body="Held back", visibility=Visibility.GROUP, group=group)

    student = new_context(base_url=asgi.url).new_page()
    sign_in(student, login, cast["member"], asgi)
    student.goto(READER)
    expect(student.locator("#live")).to_have_attribute("data-mode", "stream")
    link = student.locator(f'#heat-strip .heat-cell[data-anchor="{paragraph.anchor}"] a')
    number = paragraph.position + 1
    expect(link).to_have_attribute("title", f"¶ {number}: 1 classmate's note — post yours to see it")

    Annotation.objects.create(paragraph=paragraph, author=cast["outsider"], body="Open to all", visibility=Visibility.PUBLIC)
    label = f"¶ {number}: 1 note; 1 classmate's note — post yours to see it"
    expect(link).to_have_attribute("aria-label", label, timeout=15_000)
    expect(link).to_have_attribute("title", label)


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_waiting_count_goes_up_live_when_a_classmate_posts(new_context, login, seed_document, group_roles, make_user, asgi, size):
    """A student who has not posted on a paragraph of a hide-until-posted group reads along; a
    classmate posts there: the margin and the heat strip say one more note waits, unreloaded."""
    group, _other, cast = group_roles
    GroupSettings.objects.create(group=group, hide_until_posted=True)
    classmate = make_user("max")
    Membership.objects.create(group=group, user=classmate, role=Role.MEMBER)
    paragraph = Paragraph.objects.filter(document=seed_document, kind="body").order_by("position")[3]
    Annotation.objects.create(paragraph=paragraph, author=classmate, body="Held back", visibility=Visibility.GROUP, group=group)

    student = new_context(base_url=asgi.url, viewport=SIZES[size]).new_page()
    sign_in(student, login, cast["member"], asgi)
    student.goto(f"{READER}#p-{paragraph.anchor}")
    expect(student.locator("#live")).to_have_attribute("data-mode", "stream")
    line = student.locator(f"#m-{paragraph.anchor} .margin-withheld")
    expect(line).to_have_text("1 classmate's note — post yours to see it")

    Annotation.objects.create(paragraph=paragraph, author=classmate, body="Another", visibility=Visibility.GROUP, group=group)
    expect(line).to_have_text("2 classmates' notes — post yours to see them", timeout=15_000)
    if size == "desktop":
        link = student.locator(f'#heat-strip .heat-cell[data-anchor="{paragraph.anchor}"] a')
        expect(link).to_have_attribute("title", f"¶ {paragraph.position + 1}: 2 classmates' notes — post yours to see them")
    assert "Another" not in student.content()
    shoot(student, f"waiting-live-{size}")
    check(student, f"reading page, waiting count updated ({size})")


def test_a_note_deleted_or_hidden_leaves_a_classmates_margin_without_a_reload(new_context, login, seed_document, group_roles, asgi):
    """The author deletes a note from their page, and a moderator hides another: the classmate
    reading along sees both go, with no reload, and the hidden one come back when restored."""
    group, _other, cast = group_roles
    paragraph = Paragraph.objects.filter(document=seed_document, kind="body").order_by("position")[2]
    anchor = paragraph.anchor
    deleted = Annotation.objects.create(paragraph=paragraph, author=cast["instructor"], body="Withdrawn on second thought.",
                                        visibility=Visibility.GROUP, group=group)
    hidden = Annotation.objects.create(paragraph=paragraph, author=cast["moderator"], body="Hidden for a while.",
                                       visibility=Visibility.GROUP, group=group)

    classmate = new_context(base_url=asgi.url).new_page()
    sign_in(classmate, login, cast["member"], asgi)
    classmate.goto(f"{READER}#p-{anchor}")  # reading that paragraph: its margin follows at once
    expect(classmate.locator("#live")).to_have_attribute("data-mode", "stream")
    classmate.evaluate("window.__notReloaded = true")
    margin = classmate.locator(f"#m-{anchor}")
    expect(margin.locator(f"#a-{deleted.pk}")).to_have_count(1)

    author = new_context(base_url=asgi.url).new_page()
    sign_in(author, login, cast["instructor"], asgi)
    author.goto(f"{READER}#p-{anchor}")
    author.once("dialog", lambda dialog: dialog.accept())
    card = author.locator(f"#a-{deleted.pk}")
    card.get_by_role("button", name="Delete").click()
    expect(author.locator(f"#a-{deleted.pk}.is-deleted")).to_contain_text("You deleted this note")

    expect(margin.locator(f"#a-{deleted.pk}")).to_have_count(0, timeout=15_000)
    expect(margin.locator(f"#a-{hidden.pk}")).to_have_count(1)

    # The moderator's side of hiding is the margin-thread tests'; here, what the classmate sees.
    moderation.hide(cast["moderator"], hidden, "Off topic")
    expect(margin.locator(f"#a-{hidden.pk}")).to_have_count(0, timeout=15_000)
    moderation.restore(cast["moderator"], hidden, "Fine after all")
    expect(margin.locator(f"#a-{hidden.pk}")).to_have_count(1, timeout=15_000)
    assert classmate.evaluate("window.__notReloaded") is True


def test_a_margin_grown_in_place_stays_grown_when_a_change_arrives_live(new_context, login, seed_document, group_roles, asgi):
    """A reader who asked for a busy paragraph's other notes keeps them all when a classmate's
    edit there arrives: the margin is fetched again as large as it had grown."""
    group, _other, cast = group_roles
    paragraph = Paragraph.objects.filter(document=seed_document, kind="body").order_by("position")[2]
    anchor = paragraph.anchor
    notes = Annotation.objects.bulk_create([
        Annotation(paragraph=paragraph, author=cast["instructor"], body=f"Reading number {n + 1}.",
                   visibility=Visibility.GROUP, group=group)
        for n in range(9)
    ])
    page = new_context(base_url=asgi.url).new_page()
    sign_in(page, login, cast["member"], asgi)
    page.goto(f"{READER}#p-{anchor}")
    expect(page.locator("#live")).to_have_attribute("data-mode", "stream")
    margin = page.locator(f"#m-{anchor}")
    if margin.locator(".margin-fold").count():
        margin.locator(".margin-fold").click()
    margin.get_by_role("link", name="4 more notes on this paragraph…").click()
    cards = margin.locator(".annotation-list > li")
    expect(cards).to_have_count(9)
    # The first of the notes just shown takes the focus once htmx has settled the swap; only then
    # may it leave (a blur before that was undone, and the margin stayed busy for the edit).
    expect(cards.nth(5).locator(".annotation")).to_be_focused()
    page.evaluate("document.activeElement.blur()")  # focus leaves the margin (the page stays): the update replaces its notes

    editing.update_annotation(cast["instructor"], notes[8], {"body": "Reading number nine, revised."})
    expect(margin.get_by_text("Reading number nine, revised.")).to_be_visible(timeout=15_000)
    expect(cards).to_have_count(9)
