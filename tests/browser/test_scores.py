"""A student reads their score on the assignment page (breakdown, what would raise it); the
instructor opens the gradebook from the group page, overrides the score with a reason, and the
student sees it labelled. On a desktop and on a phone, each page clean under axe."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from courses.models import Assignment
from groups.models import Membership, Role, StudyGroup
from tests.a11y_support import check
from tests.browser_support import SIZES, shoot
from tests.courses_support import LONG, written

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("size", SIZES)
def test_a_student_reads_their_score_and_the_instructor_grades(size, new_context, login, seed_document, make_user):
    ines = make_user("ines", display_name="Ines Ironwood")
    mia = make_user("mia", display_name="Mia Marchbank")
    leo = make_user("leo", display_name="Leo Lindqvist")
    group = StudyGroup.objects.create(name="Thursday Seminar")
    Membership.objects.create(group=group, user=ines, role=Role.INSTRUCTOR)
    for student in (mia, leo):
        Membership.objects.create(group=group, user=student, role=Role.MEMBER)
    assignment = Assignment.objects.create(
        group=group, document=seed_document, title="Week one: the rationale", points_possible=10,
        due_at=timezone.now() + timedelta(days=3), created_by=ines,
    )
    first, second, third = seed_document.paragraphs.filter(kind="body").order_by("position")[:3]
    on_time = timezone.now() - timedelta(hours=1)
    mine = written(mia, first, group=group, at=on_time)
    written(mia, second, group=group, at=on_time)
    written(leo, parent=mine, body=LONG, at=on_time)
    written(leo, third, body="Too short.", group=group, at=on_time)

    student = new_context(viewport=SIZES[size]).new_page()
    login(student, mia)
    student.goto(f"/groups/{group.pk}/")
    listed = student.get_by_role("link", name="Week one: the rationale")  # the list arrives by htmx
    expect(listed).to_be_visible()
    student.locator("#assignments").scroll_into_view_if_needed()
    shoot(student, f"scores-group-{size}")
    listed.click()
    expect(student.get_by_role("heading", level=1)).to_have_text("Week one: the rationale")
    # Notes 2/5 of 3 = 1.20, paragraphs 2/4 of 2 = 1.00, 1 of 2 replies received = 0.50.
    expect(student.locator(".score-points")).to_have_text("2.70")
    expect(student.locator(".score-comment")).to_contain_text(
        "2 of 5 notes, 0 of 3 replies, 2 of 4 paragraphs, 1 of 2 replies received"
    )
    expect(student.locator(".ways-to-raise")).to_contain_text("Write 3 more notes of at least 80 characters.")
    assert check(student, "score page") == ""
    shoot(student, f"scores-student-{size}")

    teacher = new_context(viewport=SIZES[size]).new_page()
    login(teacher, ines)
    teacher.goto(f"/groups/{group.pk}/")
    teacher.get_by_role("link", name="New assignment").click()  # the rubric's defaults are filled in
    expect(teacher.get_by_label("Notes wanted")).to_have_value("5")
    assert check(teacher, "assignment form") == ""
    shoot(teacher, f"scores-assignment-form-{size}")
    teacher.go_back()
    teacher.get_by_role("link", name="Week one: the rationale").click()
    teacher.get_by_role("link", name="Gradebook").click()
    rows = teacher.locator("table.gradebook tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Leo Lindqvist")
    expect(rows.nth(1)).to_contain_text("Mia Marchbank")
    expect(rows.nth(1).locator(".score-cell")).to_contain_text("2.70")
    assert check(teacher, "gradebook") == ""
    shoot(teacher, f"scores-gradebook-{size}")

    teacher.get_by_role("link", name="Override the score of Mia Marchbank").click()
    teacher.get_by_label("Score").fill("8")
    teacher.get_by_label("Reason").fill("Led the seminar's discussion of section 2")
    assert check(teacher, "override form") == ""
    shoot(teacher, f"scores-override-{size}")
    teacher.get_by_role("button", name="Set this score").click()
    expect(teacher.locator(".message.success")).to_contain_text("score is set to 8")
    expect(rows.nth(1).locator(".score-cell")).to_contain_text("8.00")
    expect(rows.nth(1).locator(".override-badge")).to_have_text("Overridden")
    shoot(teacher, f"scores-gradebook-overridden-{size}")

    student.reload()
    expect(student.locator(".score-points")).to_have_text("8.00")
    expect(student.locator(".override-note")).to_contain_text("Led the seminar's discussion of section 2")
    assert check(student, "overridden score page") == ""
    shoot(student, f"scores-student-overridden-{size}")
