"""Prompts and discussion guides from the reading page, in Chromium, on a desktop and a phone
(axe at zero violations): an instructor posts a prompt in a paragraph's margin and makes it
the guide's first step; a student steps through the guide from the page."""

import re

import pytest
from playwright.sync_api import expect

from discussions import guides
from reader.models import Paragraph
from tests.a11y_support import check
from tests.browser_support import SIZES, shoot
from tests.discussions_support import note, prompt

pytestmark = pytest.mark.browser

READER = "/d/new-industrialization/"
FIRST = "1-1-agricultural-production-paved-the-way-for-983b36"
SECOND = "1-2-in-this-period-technological-progress-brought-85e291"


@pytest.mark.parametrize("size", SIZES)
def test_an_instructor_posts_a_prompt_on_a_paragraph_and_starts_the_guide(size, new_context, login, seed_document, group_roles):
    group, _other, cast = group_roles
    page = new_context(viewport=SIZES[size]).new_page()
    login(page, cast["instructor"])
    page.goto(f"{READER}#p-{FIRST}")
    expect(page.locator("#guide-bar")).to_contain_text("None yet for this paper")
    margin = page.locator(f"#m-{FIRST}")
    margin.get_by_role("link", name="Prompt the group on this paragraph").click()
    form = page.locator(f"#prompt-{FIRST}")
    expect(form.locator("textarea")).to_be_focused()
    form.locator("textarea").fill("Why did heavy industry come *first*?")
    form.get_by_label("Add it to the group's discussion guide as the next step").check()
    form.get_by_label("Note for this step (optional)").fill("Start with the plan.")
    shoot(page, f"prompt-form-{size}")
    assert not check(page, f"reader, the prompt form in a margin ({size})")
    form.get_by_role("button", name="Post prompt").click()

    expect(page.locator("#reader-status")).to_have_text("Prompt posted, step 1 of the discussion guide.")
    if size == "phone" and margin.locator(".margin-toggle").get_attribute("aria-expanded") != "true":
        margin.locator(".margin-toggle").click()
    expect(margin.locator(".badge-prompt")).to_be_visible()
    bar = page.locator("#guide-bar")
    expect(bar).to_contain_text("Step 1 of 1")
    expect(bar).to_contain_text("Start with the plan.")
    shoot(page, f"prompt-posted-{size}")
    assert not check(page, f"reader, a prompt posted and the guide begun ({size})")


@pytest.mark.parametrize("size", SIZES)
def test_a_student_steps_through_the_guide_from_the_reading_page(size, new_context, login, seed_document, group_roles):
    group, _other, cast = group_roles
    found = guides.guide_for(group, seed_document, create_by=cast["instructor"])
    first = prompt(cast["instructor"], Paragraph.objects.get(document=seed_document, anchor=FIRST), group, "Why heavy industry?")
    second = note(cast["instructor"], Paragraph.objects.get(document=seed_document, anchor=SECOND), "Now technology.", group=group)
    guides.add_step(found, first, "Start with the plan.")
    guides.add_step(found, second)

    page = new_context(viewport=SIZES[size]).new_page()
    login(page, cast["member"])
    page.goto(READER)
    bar = page.locator("#guide-bar")
    expect(bar).to_contain_text("Step 1 of 2")
    expect(bar.get_by_role("link", name="Previous step")).to_have_count(0)
    bar.get_by_role("link", name="Next step").click()
    expect(bar).to_contain_text("Step 2 of 2")
    expect(bar).to_contain_text("Now technology.")
    expect(page.locator(f"#p-{SECOND}")).to_be_in_viewport()
    expect(page.locator("#reader-status")).to_contain_text("Step 2 of 2")
    expect(bar.get_by_role("link", name="Next step")).to_have_count(0)
    expect(bar.get_by_role("link", name="Previous step")).to_be_focused()
    assert page.url.split("#")[0].endswith(READER)
    shoot(page, f"guide-step-{size}")
    assert not check(page, f"reader, a guide step ({size})")
    page.keyboard.press("Enter")
    expect(bar).to_contain_text("Step 1 of 2")
    expect(page.locator(f"#p-{FIRST}")).to_be_in_viewport()


@pytest.mark.parametrize("size", SIZES)
def test_an_instructor_adds_a_students_note_to_the_guide_from_the_margin_and_students_see_it(size, new_context, login, seed_document, group_roles):
    group, _other, cast = group_roles
    paragraph = Paragraph.objects.get(document=seed_document, anchor=FIRST)
    found = guides.guide_for(group, seed_document, create_by=cast["instructor"])
    guides.add_step(found, prompt(cast["instructor"], Paragraph.objects.get(document=seed_document, anchor=SECOND), group, "Why technology?"))
    theirs = note(cast["member"], paragraph, "The plan came before the market.", group=group)

    page = new_context(viewport=SIZES[size]).new_page()
    login(page, cast["instructor"])
    page.goto(f"{READER}#p-{FIRST}")
    margin = page.locator(f"#m-{FIRST}")
    if size == "phone":
        margin.locator(".margin-toggle").click()
    card = margin.locator(f"#a-{theirs.pk}")
    card.get_by_role("link", name="Add to guide").click()
    form = card.locator(".guide-add-form")
    expect(form).to_contain_text("Add this note to Seminar's discussion guide as step 2")
    step_note = form.get_by_label("Note for this step (optional)")
    expect(step_note).to_be_focused()
    step_note.fill("Compare with the prompt.")
    shoot(page, f"guide-add-form-{size}")
    assert not check(page, f"reader, adding a note to the guide ({size})")
    form.get_by_role("button", name="Add step 2").click()

    done = card.locator(".guide-added")
    expect(done).to_have_text("Added as step 2 of Seminar's discussion guide. The whole guide")
    expect(done).to_be_focused()
    expect(page.locator("#reader-status")).to_have_text("Added as step 2 of Seminar's discussion guide.")
    expect(page.locator("#guide-bar")).to_contain_text("Step 2 of 2")
    assert page.url.split("#")[0].endswith(READER)
    shoot(page, f"guide-added-{size}")
    assert not check(page, f"reader, a note added to the guide ({size})")

    student = new_context(viewport=SIZES[size]).new_page()
    login(student, cast["moderator"])
    student.goto(READER)
    bar = student.locator("#guide-bar")
    expect(bar).to_contain_text("Step 1 of 2")
    bar.get_by_role("link", name="Next step").click()
    expect(bar).to_contain_text("Step 2 of 2")
    expect(bar).to_contain_text("Compare with the prompt.")
    expect(student.locator(f"#a-{theirs.pk}")).to_have_class(re.compile(r"\bis-guide-step\b"))
    expect(student.locator(f"#a-{theirs.pk}").get_by_role("link", name="Add to guide")).to_have_count(0)
