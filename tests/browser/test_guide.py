"""An instructor posts three prompts and builds a discussion guide from them; a member, in
another browser context, follows the guide step by step and replies; the instructor then
sees the notification (unread count in the header, and the item in the list)."""

import pytest
from playwright.sync_api import expect

from groups.models import Membership, Role, StudyGroup

pytestmark = pytest.mark.browser


def test_instructor_builds_a_guide_member_follows_and_replies(new_context, login, seed_document, make_user):
    instructor = make_user("ines", display_name="Ines Ironwood")
    member = make_user("mia", display_name="Mia Marchbank")
    group = StudyGroup.objects.create(name="Thursday Seminar")
    Membership.objects.create(group=group, user=instructor, role=Role.INSTRUCTOR)
    Membership.objects.create(group=group, user=member, role=Role.MEMBER)
    paragraphs = list(seed_document.paragraphs.filter(kind="body").order_by("position")[:3])

    teacher = new_context().new_page()
    login(teacher, instructor)
    for number, paragraph in enumerate(paragraphs, start=1):
        teacher.goto(f"/d/{seed_document.slug}/p/{paragraph.anchor}/discussion/")
        teacher.get_by_role("textbox", name="Prompt").fill(f"Prompt {number}: what is the claim here?")
        teacher.get_by_role("button", name="Post prompt").click()
        expect(teacher.locator(".discussion-item.is-prompt")).to_contain_text(f"Prompt {number}")

    # Build the guide from the group page, then put the third prompt first.
    teacher.goto(f"/groups/{group.pk}/")
    teacher.get_by_role("link", name="Discussion guides").click()
    teacher.get_by_role("link", name=seed_document.title).click()
    for number in (1, 2, 3):
        teacher.get_by_label("Prompt or note").select_option(label=_option_label(teacher, f"Prompt {number}:"))
        teacher.get_by_role("button", name="Add step").click()
    steps = teacher.locator(".guide-step")
    expect(steps).to_have_count(3)
    teacher.get_by_role("button", name="Move step 3 up").click()
    teacher.get_by_role("button", name="Move step 2 up").click()
    expect(steps.first).to_contain_text("Prompt 3")

    # The member follows the guide, step by step, and replies at the second step.
    student = new_context().new_page()
    login(student, member)
    student.goto(f"/groups/{group.pk}/guides/{seed_document.slug}/")
    student.get_by_role("link", name="Start the guide").click()
    expect(student.get_by_role("heading", level=1)).to_have_text("Step 1 of 3")
    expect(student.locator(".is-highlighted")).to_contain_text("Prompt 3")
    student.get_by_role("link", name="Next step →").click()
    expect(student.get_by_role("heading", level=1)).to_have_text("Step 2 of 3")
    prompt = student.locator(".is-highlighted")
    expect(prompt).to_contain_text("Prompt 1")
    prompt.get_by_text("Reply", exact=True).click()
    prompt.get_by_label("Reply to Ines Ironwood").fill("The claim is that policy leads, @ines.")
    prompt.get_by_role("button", name="Post reply").click()
    expect(student.locator(".reply")).to_contain_text("The claim is that policy leads")
    expect(student.locator(".reply")).to_contain_text("Mia Marchbank")

    # The instructor sees one unread notification in the header and opens it.
    teacher.goto("/")
    badge = teacher.locator(".unread-count")
    expect(badge).to_contain_text("1")
    teacher.get_by_role("link", name="Notifications").click()
    item = teacher.locator(".notification.unread")
    expect(item).to_contain_text("Mia Marchbank mentioned you")
    item.get_by_role("link").first.click()
    expect(teacher.locator(".discussion-item:target")).to_contain_text("The claim is that policy leads")


def _option_label(page, prefix):
    """The full text of the guide form's option that starts with `prefix`'s prompt."""
    options = page.get_by_label("Prompt or note").locator("option").all_inner_texts()
    return next(text for text in options if prefix in text)
