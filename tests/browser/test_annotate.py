"""Annotating in a real browser: select a passage, write a note with tags and a link, share it
with the group; a classmate sees it in the margin from another browser, an outsider does not."""

import pytest
from playwright.sync_api import expect

from annotations.models import Annotation, Visibility
from reader.models import Paragraph
from tests.browser_support import select_in_paragraph

pytestmark = pytest.mark.browser

READER = "/d/new-industrialization/"
# Across the end of the emphasis: the page shows "Congress of the", the text holds "Congress* of the".
PASSAGE = "20th National Congress of the Communist Party"


def test_a_passage_annotated_for_the_group_shows_to_a_member_and_not_to_an_outsider(
    new_context, login, seed_document, group_roles
):
    group, other, cast = group_roles
    source = Paragraph.objects.get(document=seed_document, anchor__startswith="front-as-noted")
    target = Paragraph.objects.get(document=seed_document, anchor="s-1-1")

    author = new_context().new_page()
    login(author, cast["instructor"])
    author.goto(READER)
    select_in_paragraph(author, source.anchor, PASSAGE)
    author.get_by_role("button", name="Annotate selection").click()

    form = author.locator(f"#new-{source.anchor}")
    expect(form.get_by_label("Passage")).to_have_value(PASSAGE)
    expect(form.get_by_label("Note")).to_be_focused()
    form.get_by_label("Note").fill("The *Report* names the **Party** as the agent.")
    form.get_by_label("Tags").fill("agency, Party")
    form.get_by_label("Link to").fill(f"{READER}#p-{target.anchor}")
    form.get_by_label("Relation").fill("elaborates")
    form.get_by_label("Who can see this").select_option(label=f"Group: {group.name}")
    form.get_by_label("Note").press("Control+Enter")

    margin = author.locator(f"#m-{source.anchor}")
    card = margin.locator(".annotation").filter(has_text="names the Party as the agent")
    expect(card).to_be_visible()
    expect(card.locator("em")).to_have_text("Report")
    expect(card.get_by_role("link", name="#agency")).to_be_visible()
    expect(card.locator(".relation")).to_have_text("elaborates")
    expect(author.locator(f"#t-{source.anchor} mark.hl").first).to_be_visible()
    marked = author.locator(f"#t-{source.anchor} mark.hl").all_text_contents()
    assert "".join(marked) == PASSAGE

    a = Annotation.objects.get()
    assert (a.visibility, a.group, a.author) == (Visibility.GROUP, group, cast["instructor"])
    assert a.quote == "20th National Congress* of the Communist Party"  # offsets into the stored text
    assert source.text[a.start : a.end] == a.quote
    assert sorted(t.name for t in a.tags.all()) == ["Party", "agency"]
    assert a.links.get().target == target

    classmate = new_context().new_page()
    login(classmate, cast["member"])
    classmate.goto(READER)
    seen = classmate.locator(f"#m-{source.anchor} .annotation")
    expect(seen).to_contain_text("names the Party as the agent")
    expect(classmate.locator(f"#t-{source.anchor} mark.hl").first).to_be_visible()
    expect(classmate.locator(f"#m-{target.anchor} .backlinks")).to_contain_text("elaborates")

    outsider = new_context().new_page()
    login(outsider, cast["outsider"])
    outsider.goto(READER)
    expect(outsider.locator(f"#p-{source.anchor}")).to_be_visible()
    expect(outsider.locator(f"#m-{source.anchor} .annotation")).to_have_count(0)
    expect(outsider.locator(f"#t-{source.anchor} mark.hl")).to_have_count(0)
    expect(outsider.locator(f"#m-{target.anchor} .backlinks")).to_have_count(0)
    assert "names the Party" not in outsider.content()


def test_the_keyboard_moves_between_paragraphs_opens_the_form_and_cancels_it(page, login, seed_document, make_user):
    login(page, make_user("kim"))
    page.goto(READER)
    page.locator("body").press("j")
    first = page.locator(".paper .para").first
    expect(first).to_be_focused()
    page.keyboard.press("j")
    second = page.locator(".paper .para").nth(1)
    expect(second).to_be_focused()
    page.keyboard.press("k")
    expect(first).to_be_focused()
    page.keyboard.press("a")
    form = first.locator("[data-annotation-form]")
    expect(form.get_by_label("Note")).to_be_focused()
    page.keyboard.type("Nothing to keep")
    page.keyboard.press("Escape")
    expect(form).to_have_count(0)
    assert Annotation.objects.count() == 0


def test_bad_input_is_shown_in_place_and_keeps_what_was_typed(page, login, seed_document, make_user):
    login(page, make_user("kim"))
    page.goto(READER)
    first = page.locator(".paper .para").first
    first.locator("[data-annotate]").click()
    form = first.locator("[data-annotation-form]")
    form.get_by_label("Note").fill("My careful words")
    form.get_by_label("Link to").fill("javascript:alert(1)")
    form.get_by_role("button", name="Save").click()
    expect(form.locator(".errorlist")).to_contain_text("http:// or https://")
    expect(form.get_by_label("Note")).to_have_value("My careful words")
    assert Annotation.objects.count() == 0


def test_on_a_phone_the_margin_is_a_drawer(new_context, login, seed_document, group_roles):
    group, other, cast = group_roles
    source = Paragraph.objects.get(document=seed_document, anchor__startswith="front-as-noted")
    Annotation.objects.create(paragraph=source, author=cast["member"], body="Seen on a phone", visibility=Visibility.PUBLIC)
    phone = new_context(viewport={"width": 390, "height": 844}).new_page()
    phone.goto(READER)
    toggle = phone.locator(f"#m-{source.anchor} .margin-toggle")
    expect(toggle).to_have_text("1 note")
    expect(phone.get_by_text("Seen on a phone")).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(phone.get_by_text("Seen on a phone")).to_be_visible()
