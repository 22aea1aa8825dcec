"""An instructor copies last term's seminar into a new term from the group page, at desktop and
phone size: the form says what will and will not be copied, and the new group's page says what
came over, naming the prompt the current version of the paper could not place."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from courses.models import Assignment
from discussions.models import Guide, GuideStep
from groups.models import Membership, Role, StudyGroup
from reader.models import Document
from tests.a11y_support import check
from tests.browser_support import SIZES, shoot
from tests.discussions_support import note, prompt
from tests.test_term_copy import REWRITTEN, REWRITTEN_TO, on_passage
from versions.models import Publication
from versions.moving import publish_new_version

pytestmark = pytest.mark.browser

SEED = (Path(__file__).resolve().parents[2] / "fixtures" / "new-industrialization.txt").read_text()


@pytest.mark.parametrize("size", SIZES)
def test_instructor_copies_a_seminar_into_a_new_term(size, new_context, login, seed_document, make_user):
    instructor = make_user("ines", display_name="Ines Ironwood")
    student = make_user("mia", display_name="Mia Marchbank")
    group = StudyGroup.objects.create(name="Thursday Seminar", description="One paper a week.")
    Membership.objects.create(group=group, user=instructor, role=Role.INSTRUCTOR)
    Membership.objects.create(group=group, user=student, role=Role.MEMBER)
    body = list(seed_document.paragraphs.filter(kind="body").order_by("position"))
    first = prompt(instructor, body[0], group, "What is the claim here?")
    rewritten = next(p for p in body if REWRITTEN in p.text)
    lost = on_passage(instructor, rewritten, group, REWRITTEN, "Who takes part?")
    note(student, body[0], "It is about industry.", group=group)
    guide = Guide.objects.create(group=group, document=seed_document, title="Week 1", created_by=instructor)
    GuideStep.objects.create(guide=guide, position=1, annotation=first)
    GuideStep.objects.create(guide=guide, position=2, annotation=lost)
    Assignment.objects.create(group=group, document=seed_document, guide=guide, title="Read part 1")
    publish_new_version(seed_document, SEED.replace(REWRITTEN, REWRITTEN_TO))

    page = new_context(viewport=SIZES[size]).new_page()
    login(page, instructor)
    page.goto(f"/groups/{group.pk}/")
    page.get_by_role("link", name="Copy into a new term").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Copy into a new term")
    name = page.get_by_label("Name of the new group")
    expect(name).to_have_value("Thursday Seminar (next term)")
    expect(page.locator(".term-copy-list.is-copied")).to_contain_text("2 prompts")
    expect(page.locator(".term-copy-list.is-left")).to_contain_text("1 member with the member role")
    shoot(page, f"copy-term-form-{size}")
    violations = check(page, "the copy form")
    page.get_by_role("button", name="Copy into a new term").scroll_into_view_if_needed()
    shoot(page, f"copy-term-form-button-{size}")

    # The old name again is refused, and what was typed stays in the field.
    name.fill("thursday seminar")
    page.get_by_role("button", name="Copy into a new term").click()
    expect(page.locator(".field-invalid")).to_contain_text("Give the new term a name of its own")
    expect(name).to_have_value("thursday seminar")
    shoot(page, f"copy-term-error-{size}")
    violations += check(page, "the copy form, refused")

    name.fill("Thursday Seminar, spring")
    page.get_by_role("button", name="Copy into a new term").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thursday Seminar, spring")
    expect(page.locator(".message.success")).to_contain_text("2 prompts, 1 discussion guide and 1 assignment")
    expect(page.locator(".message.warning")).to_contain_text("“Who takes part?”")
    expect(page.locator(".member-table")).not_to_contain_text("Mia Marchbank")
    shoot(page, f"copy-term-result-{size}")
    violations += check(page, "the new group")
    assert not violations, "axe-core found WCAG A/AA violations:\n" + violations
    current = Document.objects.get(slug=seed_document.slug)
    assert Guide.objects.get(group__name="Thursday Seminar, spring").document == current


@pytest.mark.parametrize("size", SIZES)
def test_a_groups_own_reading_is_copied_for_the_new_term(size, new_context, login, seed_document, make_user):
    instructor = make_user("ines", display_name="Ines Ironwood")
    group = StudyGroup.objects.create(name="Thursday Seminar")
    Membership.objects.create(group=group, user=instructor, role=Role.INSTRUCTOR)
    Publication.objects.create(document=seed_document, group=group, published_by=instructor)
    paragraph = seed_document.paragraphs.filter(kind="body").first()
    prompt(instructor, paragraph, group, "What is the claim here?")

    page = new_context(viewport=SIZES[size]).new_page()
    login(page, instructor)
    page.goto(f"/groups/{group.pk}/copy-term/")
    copied = page.locator(".term-copy-list.is-copied")
    expect(copied).to_contain_text(f"1 reading of this group, copied for the new term: “{seed_document.title}”")
    expect(copied).to_contain_text("1 prompt")
    expect(page.locator(".term-copy-list.is-left")).not_to_contain_text(seed_document.title)
    shoot(page, f"copy-term-own-reading-form-{size}")
    violations = check(page, "the copy form with the group's own reading")

    page.get_by_role("button", name="Copy into a new term").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thursday Seminar (next term)")
    expect(page.locator(".message.success")).to_contain_text("1 reading of this group, copied for the new term")
    shoot(page, f"copy-term-own-reading-result-{size}")
    violations += check(page, "the new group with its reading")
    assert not violations, "axe-core found WCAG A/AA violations:\n" + violations
    copy = Document.objects.get(publication__group__name="Thursday Seminar (next term)")
    page.goto(copy.get_absolute_url())
    if size == "phone":  # the margin is a drawer
        page.locator(f"#m-{paragraph.anchor} .margin-toggle").click()
    expect(page.locator(f"#m-{paragraph.anchor}").get_by_text("What is the claim here?").first).to_be_visible()
    shoot(page, f"copy-term-own-reading-page-{size}")
