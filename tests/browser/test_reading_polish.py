"""The reading page's rough edges, on a desktop (1280x800) and a phone (390x844): "+ Annotate"
only where it is useful, whole section titles in the contents, Save in view in a long margin
form, the phone's drawer staying open on the note just saved, and the header's links folded
into a menu on the phone. axe stays at zero violations in each state."""

import re

import pytest
from playwright.sync_api import expect

from annotations.models import Annotation
from reader.models import Paragraph
from reader.rendering import paragraph_number, paragraph_title
from tests.a11y_support import READER, build_scene, check
from tests.browser_support import SIZES, shoot

pytestmark = pytest.mark.browser

# A phone is a touch screen: no hover (CSS "hover: none"), taps.
DEVICE = {"desktop": {}, "phone": {"has_touch": True, "is_mobile": True}}


def open_page(new_context, login, user, size, **options):
    page = new_context(viewport=SIZES[size], **DEVICE[size], **options).new_page()
    login(page, user)
    return page


@pytest.fixture(params=list(SIZES))
def size(request):
    return request.param


@pytest.fixture
def scene(seed_document, make_user):
    return build_scene(seed_document, make_user)


@pytest.fixture
def reader(new_context, login, scene, size):
    """Mia, signed in, on the reading page at `size`."""
    page = open_page(new_context, login, scene.member, size)
    page.goto(READER)
    return page


def assert_no_violations(page, label):
    report = check(page, label)
    assert not report, "axe-core found WCAG A/AA violations:\n" + report


def annotate_button(page, paragraph):
    return page.locator(f"#p-{paragraph.anchor} [data-annotate]")


def test_annotate_shows_on_the_paragraph_hovered_or_focused_not_beside_every_line(reader, scene, size):
    title = scene.document.paragraphs.get(kind="title")
    affiliation = scene.document.paragraphs.filter(kind="affiliation").first()
    for line in (title, affiliation):
        expect(annotate_button(reader, line)).to_have_css("opacity", "0")
    assert_no_violations(reader, f"reading page ({size})")

    if size == "desktop":  # a pointer: the paragraph under it offers the button
        reader.locator(f"#p-{affiliation.anchor} .para-text").hover()
        expect(annotate_button(reader, affiliation)).to_have_css("opacity", "1")
        expect(annotate_button(reader, title)).to_have_css("opacity", "0")

    # The keyboard: the paragraph j moves to shows it, and Tab reaches it from the permalink.
    reader.locator("body").press("j")
    first = reader.locator(".paper .para").first
    expect(first).to_be_focused()
    expect(first.locator("[data-annotate]")).to_have_css("opacity", "1")
    reader.locator(f"#p-{title.anchor} .permalink").focus()
    reader.keyboard.press("Tab")
    expect(annotate_button(reader, title)).to_be_focused()
    expect(annotate_button(reader, title)).to_have_css("opacity", "1")
    expect(annotate_button(reader, title)).to_have_accessible_name("Annotate this paragraph")


def test_the_contents_show_whole_section_titles(reader, scene, size):
    headings = scene.document.paragraphs.filter(kind="heading")
    longest = max(headings, key=lambda p: len(p.text))
    if size == "phone":  # folded under the front matter on a phone
        reader.locator(".toc-details > summary").click()
    entry = reader.locator(f'.toc a[href="#p-{longest.anchor}"] .toc-text')
    expect(entry).to_be_visible()
    assert longest.text.endswith(entry.inner_text().strip())
    clipped = reader.evaluate(
        "() => [...document.querySelectorAll('.toc-text')].filter((t) => t.scrollHeight > t.clientHeight + 1).length"
    )
    assert clipped == 0
    lines = entry.evaluate("t => Math.round(t.getBoundingClientRect().height / parseFloat(getComputedStyle(t).lineHeight))")
    assert lines >= 3  # the longest title wraps onto as many lines as it needs


def _open_form(page, paragraph):
    """Open the margin form on `paragraph` as a reader would: tap or point at it, then "+ Annotate"."""
    page.locator(f"#p-{paragraph.anchor} .para-text").click()
    annotate_button(page, paragraph).click()
    form = page.locator(f"#p-{paragraph.anchor} [data-annotation-form]")
    expect(form.get_by_label("Note")).to_be_focused()
    return form


def test_the_margin_form_keeps_save_in_view(reader, scene, size):
    paragraph = scene.document.paragraphs.filter(kind="body").order_by("position")[5]
    form = _open_form(reader, paragraph)
    # The form's top a third of the way down the window: the rest of it runs below the fold.
    reader.evaluate("form => window.scrollBy(0, form.getBoundingClientRect().top - innerHeight / 3)", form.element_handle())
    height = SIZES[size]["height"]
    assert form.bounding_box()["y"] + form.bounding_box()["height"] > height
    save = form.get_by_role("button", name="Save")
    expect(save).to_be_in_viewport()
    box = save.bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= height
    assert_no_violations(reader, f"reading page with the margin form ({size})")


def test_on_a_phone_the_drawer_stays_open_on_the_note_just_saved(new_context, login, scene):
    page = open_page(new_context, login, scene.member, "phone")
    page.goto(READER)
    paragraph = scene.grouped.paragraph  # it has notes already: a drawer, closed
    margin = page.locator(f"#m-{paragraph.anchor}")
    expect(margin.locator(".margin-toggle")).to_have_attribute("aria-expanded", "false")
    form = _open_form(page, paragraph)
    form.get_by_label("Note").fill("Saved from the drawer")
    form.get_by_role("button", name="Save").click()
    card = margin.locator(".annotation").filter(has_text="Saved from the drawer")
    expect(card).to_be_visible()
    expect(card).to_be_in_viewport()
    expect(margin).to_have_class(re.compile(r"\bis-open\b"))
    expect(margin.locator(".margin-toggle")).to_have_attribute("aria-expanded", "true")
    expect(margin.get_by_text("For Thursday: what does this claim assume?")).to_be_visible()
    assert Annotation.objects.filter(body="Saved from the drawer").count() == 1
    assert_no_violations(page, "reading page after saving in the drawer (phone)")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_on_a_phone_the_header_links_fold_into_a_menu(new_context, login, scene, size, javascript):
    """One menu, a <details>: it folds the links on a phone with or without JavaScript, and a
    desktop shows them in a row either way."""
    scene.add_orphan()  # ines has an orphan now: her menu lists Orphans
    page = open_page(new_context, login, scene.instructor, size, java_script_enabled=javascript)
    page.goto("/")
    header = page.locator(".site-header")
    menu = header.locator("summary", has_text="Menu")
    library = header.get_by_role("link", name="Library")
    profile = header.get_by_role("link", name="Profile")
    orphans = header.get_by_role("link", name="Orphans")
    if size == "desktop":
        expect(menu).to_be_hidden()
        expect(library).to_be_visible()
        expect(profile).to_be_visible()
        if javascript:  # the Orphans link is fetched by htmx
            expect(orphans).to_be_visible()
        assert header.bounding_box()["height"] < 80  # one row
        shoot(page, f"header-{size}-{'js' if javascript else 'nojs'}")
        return
    expect(menu).to_be_visible()
    expect(library).to_be_hidden()
    assert header.bounding_box()["height"] < 80  # one row: the name and the menu, not two rows of links
    menu.click()
    expect(header.locator("details.site-menu")).to_have_attribute("open", "")
    expect(library).to_be_visible()
    expect(profile).to_be_visible()
    expect(header.get_by_role("button", name="Log out ines")).to_be_visible()
    shoot(page, f"header-{size}-open-{'js' if javascript else 'nojs'}")
    if javascript:  # axe is a script: it runs on the page as the menu leaves it either way
        expect(orphans).to_be_visible()
        assert_no_violations(page, "library with the menu open (phone)")
    menu.click()
    expect(library).to_be_hidden()


def test_the_phone_menu_closes_on_escape_and_on_a_tap_outside(new_context, login, scene):
    page = open_page(new_context, login, scene.member, "phone")
    page.goto("/")
    menu = page.locator(".site-header summary", has_text="Menu")
    library = page.locator(".site-header").get_by_role("link", name="Library")
    menu.click()
    expect(library).to_be_visible()
    page.keyboard.press("Escape")
    expect(library).to_be_hidden()
    expect(menu).to_be_focused()
    menu.click()
    expect(library).to_be_visible()
    page.mouse.click(195, 800)  # below the open menu, on the page
    expect(library).to_be_hidden()


def test_someone_without_orphans_has_no_orphans_link(page, login, scene):
    login(page, scene.member)
    page.goto("/")
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    expect(page.locator(".site-header").get_by_role("link", name="Notifications")).to_be_visible()
    expect(page.locator(".site-header").get_by_role("link", name="Orphans")).to_have_count(0)


def test_paragraph_names_on_the_page_are_its_number_and_opening_words(page, login, scene):
    """A note's card on the person page names the paragraph as the heat strip numbers it."""
    login(page, scene.member)
    paragraph = Paragraph.objects.get(pk=scene.public.paragraph_id)
    page.goto(f"/people/{scene.member.username}/")
    where = page.locator(f"#a-{scene.public.pk} .annotation-where")
    expect(where).to_contain_text(paragraph_title(paragraph))
    assert paragraph_title(paragraph).startswith(f"¶ {paragraph_number(paragraph)} — As noted in the Report")
    assert paragraph.anchor not in where.inner_text()
    page.goto(READER)
    cell = page.locator(f'.heat-cell[data-anchor="{paragraph.anchor}"] .heat-link')
    expect(cell).to_have_attribute("aria-label", f"¶ {paragraph_number(paragraph)}: 2 notes")
