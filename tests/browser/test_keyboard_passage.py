"""A passage chosen with the keyboard alone (no caret browsing), in Chromium, on a desktop and
a phone (axe at zero violations): `s` on the focused paragraph starts a selection that grows
by word and by sentence, is read out, and Enter annotates it; the note anchors to exactly those
words, as a mouse selection does. Escape leaves without choosing."""

import re

import pytest
from playwright.sync_api import expect

from annotations.models import Annotation
from tests.a11y_support import check
from tests.browser_support import SIZES, shoot

pytestmark = pytest.mark.browser

READER = "/d/new-industrialization/"
PARA = "1-1-agricultural-production-paved-the-way-for-983b36"
FIRST_SENTENCE = "production paved the way for the success of China’s Neo-Democratic Revolution between 1919 and 1949"


@pytest.mark.parametrize("size", SIZES)
def test_a_passage_is_chosen_by_word_and_sentence_and_annotated_from_the_keyboard(size, new_context, login, seed_document, group_roles):
    _group, _other, cast = group_roles
    page = new_context(viewport=SIZES[size]).new_page()
    login(page, cast["member"])
    page.goto(f"{READER}#p-{PARA}")
    para = page.locator(f"#p-{PARA}")
    para.focus()
    status = page.locator("#passage-status")
    page.keyboard.press("s")
    expect(status).to_contain_text("Selected 1 word: Agricultural")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(status).to_have_text("Selected 3 words: Agricultural production paved")
    page.keyboard.press("ArrowDown")  # the start, a word on
    expect(status).to_have_text("Selected 2 words: production paved")
    page.keyboard.press("Shift+ArrowRight")  # the end, to the sentence's end
    expect(status).to_have_text(f"Selected 16 words: {FIRST_SENTENCE}")
    page.keyboard.press("Shift+ArrowRight")
    expect(status).not_to_have_text(f"Selected 16 words: {FIRST_SENTENCE}")
    page.keyboard.press("Control+ArrowLeft")  # back a sentence
    expect(status).to_have_text(f"Selected 16 words: {FIRST_SENTENCE}")
    assert page.evaluate("() => window.getSelection().toString()") == FIRST_SENTENCE
    expect(para).to_have_class(re.compile("is-selecting"))
    shoot(page, f"keyboard-passage-{size}")
    assert not check(page, f"reader, choosing a passage by keyboard ({size})")

    page.keyboard.press("Enter")
    form = page.locator(f"#new-{PARA}")
    expect(form.locator("textarea[name=body]")).to_be_focused()
    expect(form.locator("[name=quote]")).to_have_value(FIRST_SENTENCE)
    page.keyboard.type("Where the plan begins.")
    page.keyboard.press("Control+Enter")
    expect(page.locator(f"#t-{PARA} mark.hl")).to_have_text(FIRST_SENTENCE)  # anchored to those words exactly
    note = Annotation.objects.get(body="Where the plan begins.")
    assert note.quote == FIRST_SENTENCE
    text = note.paragraph.text
    assert text[note.start:note.end] == FIRST_SENTENCE  # the stored offsets name the same words


@pytest.mark.parametrize("size", SIZES)
def test_escape_leaves_the_passage_unchosen(size, new_context, login, seed_document, group_roles):
    _group, _other, cast = group_roles
    page = new_context(viewport=SIZES[size]).new_page()
    login(page, cast["member"])
    page.goto(f"{READER}#p-{PARA}")
    para = page.locator(f"#p-{PARA}")
    para.focus()
    page.keyboard.press("s")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Escape")
    expect(page.locator("#passage-status")).to_have_text("Left choosing a passage")
    expect(para).to_be_focused()
    assert page.evaluate("() => window.getSelection().toString()") == ""
    page.keyboard.press("ArrowRight")  # arrows scroll again, choose nothing
    expect(page.locator("#passage-status")).to_have_text("Left choosing a passage")
