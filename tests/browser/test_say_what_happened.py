"""What the other person sees, in Chromium, on a desktop and a phone (axe at zero violations):
a student in a group that hides notes until one has posted is told how many wait, posts from
the margin (the audience shown beside Save) and then sees them; the author of a note a
moderator hid sees it marked, with the reason; an anonymous note's author sees the badge,
a classmate sees no name."""


import pytest
from django.utils import timezone
from playwright.sync_api import expect

from annotations.models import Annotation, Visibility
from discussions.models import Curation, ModerationAction
from groups.models import GroupSettings, Membership, Role
from reader.models import Paragraph
from tests.a11y_support import check
from tests.browser_support import SIZES, shoot

pytestmark = pytest.mark.browser

READER = "/d/new-industrialization/"


def _note(author, paragraph, body, group, **extra):
    return Annotation.objects.create(
        paragraph=paragraph, author=author, body=body, visibility=Visibility.GROUP, group=group, **extra
    )


@pytest.fixture
def paragraph(seed_document):
    return Paragraph.objects.get(document=seed_document, anchor="s-1-1")


@pytest.mark.parametrize("size", SIZES)
def test_a_student_is_told_notes_wait_and_posting_reveals_them(size, new_context, login, paragraph, group_roles, make_user):
    group, _other, cast = group_roles
    GroupSettings.objects.create(group=group, hide_until_posted=True)
    classmate = make_user("max")
    Membership.objects.create(group=group, user=classmate, role=Role.MEMBER)
    _note(classmate, paragraph, "A classmate's first reading", group)
    _note(cast["moderator"], paragraph, "A moderator's aside", group)

    page = new_context(viewport=SIZES[size]).new_page()
    login(page, cast["member"])
    page.goto(READER)
    margin = page.locator(f"#m-{paragraph.anchor}")
    waiting = margin.locator(".margin-withheld")
    expect(waiting).to_have_text("2 classmates' notes — post yours to see them")
    expect(waiting).to_be_visible()
    expect(page.get_by_text("A classmate's first reading")).to_have_count(0)
    waiting.scroll_into_view_if_needed()
    shoot(page, f"withheld-{size}")
    assert not check(page, f"reader, notes withheld ({size})")

    margin.locator(".annotate-button").click()
    form = page.locator(f"#new-{paragraph.anchor}")
    save = form.get_by_role("button", name="Save")
    audience = form.get_by_label("Who can see this")
    expect(audience).to_be_visible()
    expect(audience).to_have_value("private")  # no earlier note: chosen, visibly, beside Save
    audience.select_option(label=f"Group: {group.name}")
    form.get_by_label("Note").fill("My own reading first")
    form.scroll_into_view_if_needed()
    shoot(page, f"form-{size}")
    assert not check(page, f"reader, margin form ({size})")
    save.click()

    expect(margin.locator(".margin-withheld")).to_have_count(0)
    if size == "phone":  # the drawer stays open on the new note
        expect(margin.locator(".margin-toggle")).to_have_attribute("aria-expanded", "true")
        expect(margin.get_by_text("My own reading first")).to_be_visible()
    expect(margin.get_by_text("A classmate's first reading")).to_be_visible()
    expect(margin.get_by_text("A moderator's aside")).to_be_visible()

    # The next note starts from that choice: the form says so before anything is saved.
    page.reload()
    page.locator(f"#m-{paragraph.anchor} .annotate-button").click()
    expect(page.locator(f"#new-{paragraph.anchor}").get_by_label("Who can see this")).to_have_value(f"group-{group.pk}")


@pytest.mark.parametrize("size", SIZES)
def test_the_author_sees_a_hidden_note_marked_and_an_anonymous_one_badged(size, new_context, login, paragraph, group_roles, make_user):
    group, _other, cast = group_roles
    GroupSettings.objects.create(group=group, allow_anonymous=True)
    author = cast["member"]
    hidden = _note(author, paragraph, "A heated remark", group, hidden_at=timezone.now())
    ModerationAction.objects.create(actor=cast["moderator"], annotation=hidden, group=group,
                                    action=ModerationAction.Kind.HIDE, reason="Please keep it civil")
    anonymous = _note(author, paragraph, "An unpopular reading", group)
    Curation.objects.create(annotation=anonymous, is_anonymous=True)

    page = new_context(viewport=SIZES[size]).new_page()
    login(page, author)
    page.goto(f"/annotations/{hidden.pk}/")
    expect(page.locator(".hidden-note")).to_have_text(
        "A moderator hid your note: your classmates no longer see it (“Please keep it civil”)."
    )
    shoot(page, f"hidden-{size}")
    assert not check(page, f"note page, hidden ({size})")

    page.goto(READER)
    margin = page.locator(f"#m-{paragraph.anchor}")
    toggle = margin.locator(".margin-toggle")
    if toggle.is_visible():
        toggle.click()
    fold = margin.locator(".margin-fold")  # beside a heading, the margin folds to its first note
    if fold.is_visible():
        fold.click()
    card = margin.locator(f"#a-{anonymous.pk}")
    expect(card.locator(".badge-anonymous")).to_have_text("Posted anonymously")
    expect(margin.locator(".hidden-note")).to_be_visible()
    card.scroll_into_view_if_needed()
    shoot(page, f"badges-{size}")
    assert not check(page, f"reader, the author's margin ({size})")

    classmate = new_context(viewport=SIZES[size]).new_page()
    login(classmate, cast["moderator"])
    classmate.goto(READER)
    other_card = classmate.locator(f"#a-{anonymous.pk}")
    expect(other_card.locator(".annotation-author")).to_have_text("Anonymous classmate")
    expect(other_card.locator(".badge-anonymous")).to_have_count(0)


@pytest.mark.parametrize("size", SIZES)
def test_an_anonymous_note_edited_in_the_margin_stays_anonymous_and_says_so(size, new_context, login, paragraph, group_roles):
    group, _other, cast = group_roles
    GroupSettings.objects.create(group=group, allow_anonymous=True)
    anonymous = _note(cast["member"], paragraph, "An unpopular reading", group)
    Curation.objects.create(annotation=anonymous, is_anonymous=True)

    page = new_context(viewport=SIZES[size]).new_page()
    login(page, cast["member"])
    page.goto(READER)
    margin = page.locator(f"#m-{paragraph.anchor}")
    if margin.locator(".margin-toggle").is_visible():
        margin.locator(".margin-toggle").click()
    card = margin.locator(f"#a-{anonymous.pk}")
    card.get_by_role("link", name="Edit").click()
    form = card.locator("form")
    box = form.get_by_label("Anonymous to classmates")
    expect(box).to_be_checked()  # beside Save, as when it was posted
    form.get_by_label("Note").fill("An unpopular reading, argued better.")
    shoot(page, f"anonymous-edit-{size}")
    assert not check(page, f"reader, editing an anonymous note ({size})")
    form.get_by_role("button", name="Save").click()
    edited = margin.locator(f"#a-{anonymous.pk}")
    expect(edited.locator(".annotation-body")).to_have_text("An unpopular reading, argued better.")
    expect(edited.locator(".badge-anonymous")).to_have_text("Posted anonymously")

    instructor = new_context(viewport=SIZES[size]).new_page()
    login(instructor, cast["instructor"])
    instructor.goto(READER)
    theirs = instructor.locator(f"#a-{anonymous.pk}")
    expect(theirs.locator(".badge-anonymous")).to_have_text("Anonymous to classmates")
    classmate = new_context(viewport=SIZES[size]).new_page()
    login(classmate, cast["moderator"])
    classmate.goto(READER)
    expect(classmate.locator(f"#a-{anonymous.pk} .annotation-author")).to_have_text("Anonymous classmate")
