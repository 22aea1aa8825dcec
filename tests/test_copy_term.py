"""The "Copy into a new term" page (courses.views.copy_term): who may use it, the form, and the
message on the new group's page saying what came over."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from annotations.models import Annotation
from courses.models import TermCopy
from groups.models import Membership, Role, StudyGroup
from reader.models import Document
from tests.conftest import ROLES
from tests.discussions_support import client_for, note, prompt
from tests.test_term_copy import REWRITTEN, course  # noqa: F401  (the fixture)
from versions.models import Publication

# fmt: off
EXPECTED = {
    #          anon outsider member moderator instructor other_instr superuser
    "GET":    (302, 404,    403,   403,      200,       404,        200),
    "POST":   (302, 404,    403,   403,      302,       404,        302),
}
# fmt: on


@pytest.mark.parametrize("role", ROLES)
def test_role_sweep(role, group_roles, request_as):
    group, _, _ = group_roles
    url = reverse("copy_term", args=[group.pk])
    for method, statuses in EXPECTED.items():
        response = request_as(role, method, url, {"name": "Seminar, spring"})
        assert response.status_code == statuses[ROLES.index(role)], (role, method)
    copied = TermCopy.objects.filter(source=group).count()
    assert copied == (1 if role in ("instructor", "superuser") else 0)
    # Only they see the way in, on the group page.
    page = request_as(role, "GET", reverse("group", args=[group.pk])).content.decode()
    assert ("Copy into a new term" in page) == (role in ("instructor", "superuser"))


def test_form_is_prefilled_and_says_what_will_and_will_not_be_copied(seminar, django_assert_num_queries):
    group, cast, paragraph = seminar
    prompt(cast["instructor"], paragraph, group, "Discuss.")
    note(cast["member"], paragraph, "Mine.", group=group)
    client = client_for(cast["instructor"])
    client.get("/")  # the session and user are loaded once before counting
    # Queries: session, user, roles (the group check), the group, its own readings, the notes,
    # guides and assignments, their paper, the roles counted, the paper's version record and
    # publication.
    with django_assert_num_queries(12):
        html = client.get(reverse("copy_term", args=[group.pk])).content.decode()
    assert 'value="Seminar (next term)"' in html
    assert "1 prompt, on the current version of each paper" in html
    assert "0 assignments, without due dates" in html
    assert "You as instructor, and the other instructors and moderators in their roles" in html
    assert "1 member with the member role" in html
    assert "Students’ notes, replies, votes and flags" in html


@pytest.mark.parametrize(
    "typed, error",
    [
        ("seminar", "Give the new term a name of its own"),
        ("A" * 121, "Ensure this value has at most 120 characters"),
        ("   ", "This field is required."),
    ],
)
def test_a_refused_name_keeps_what_was_typed_and_copies_nothing(typed, error, group_roles):
    group, _, cast = group_roles
    client = client_for(cast["instructor"])
    response = client.post(reverse("copy_term", args=[group.pk]), {"name": typed})
    html = response.content.decode()
    assert response.status_code == 400
    assert error in html
    if typed.strip():
        assert f'value="{typed}"' in html
    assert StudyGroup.objects.count() == 2 and not TermCopy.objects.exists()


def test_copying_lands_on_the_new_group_saying_what_came_over_and_what_could_not(course):  # noqa: F811
    group, cast, notes, _, _, _ = course
    client = client_for(cast["instructor"])
    response = client.post(reverse("copy_term", args=[group.pk]), {"name": "Seminar, spring"}, follow=True)
    new = StudyGroup.objects.get(name="Seminar, spring")
    assert response.redirect_chain == [(new.get_absolute_url(), 302)]
    html = response.content.decode()
    assert "“Seminar, spring” is ready for the new term: 3 prompts, 1 discussion guide and 1 assignment" in html
    assert "with you and 1 other instructor or moderator. No students or their notes." in html
    orphan_place = notes["rewritten"].paragraph
    assert "1 note could not be placed on the current version of its paper: “Who is all?” on § 3.4, ¶ 58" in html
    assert "of “Rationale and Pathway for New Industrialization" in html
    assert "(the passage was rewritten). It waits under Orphans for you to attach again." in html
    assert "Not copied: 1 step of Week 1 on students’ or removed notes." in html
    assert "*all*" not in html and f"p-{orphan_place.anchor}" not in html  # no Markdown, no anchors
    # The orphan is the new group's instructor's to attach.
    copy = Annotation.objects.get(group=new, quote=REWRITTEN)
    orphans = client.get(reverse("orphans")).content.decode()
    assert copy.orphanings.get().get_absolute_url() in orphans


def test_the_form_counts_as_the_copy_will_and_names_papers_it_must_leave_out(course, group_roles):  # noqa: F811
    group, cast, _, _, _, current = course
    client = client_for(cast["instructor"])
    html = client.get(reverse("copy_term", args=[group.pk])).content.decode()
    assert "3 prompts and 1 staff note the guides use, on the current version of each paper" in html
    assert "1 discussion guide, with its steps" in html and "1 assignment, without due dates" in html
    assert "of this group, copied for the new term" not in html and "published for another group" not in html

    Publication.objects.update_or_create(document=current, defaults={"group": group})
    html = client.get(reverse("copy_term", args=[group.pk])).content.decode()
    assert f"1 reading of this group, copied for the new term: “{current.title}”" in html
    assert "3 prompts and 1 staff note the guides use" in html and "1 assignment, without due dates" in html

    Publication.objects.filter(document=current).update(group=group_roles[1])
    html = client.get(reverse("copy_term", args=[group.pk])).content.decode()
    assert "0 prompts, on the current version" in html and "0 assignments" in html
    assert f"What is on “{current.title}”: it is published for another group only" in html


def test_a_reading_copied_for_the_new_group_is_theirs_to_read_and_not_last_terms(course, make_user):  # noqa: F811
    group, cast, _, _, _, current = course
    Publication.objects.update_or_create(document=current, defaults={"group": group})
    client = client_for(cast["instructor"])
    response = client.post(reverse("copy_term", args=[group.pk]), {"name": "Seminar, spring"}, follow=True)
    html = response.content.decode()
    assert f"1 reading of this group, copied for the new term: “{current.title}”. No students" in html
    assert "Not copied: “Who is all?” on “" in html
    new = StudyGroup.objects.get(name="Seminar, spring")
    copy = Document.objects.get(publication__group=new)
    student = make_user("nora")
    Membership.objects.create(group=new, user=student, role=Role.MEMBER)

    reading = client_for(student).get(copy.get_absolute_url())
    assert reading.status_code == 200 and "What does the opening claim?" in reading.content.decode()
    guide = client_for(student).get(reverse("guide", args=[new.pk, copy.slug])).content.decode()
    assert "Which paradigm?" in guide
    assert client_for(student).get(current.get_absolute_url()).status_code == 404
    assert client_for(cast["member"]).get(copy.get_absolute_url()).status_code == 404  # last term's student
    assert client_for(cast["member"]).get(current.get_absolute_url()).status_code == 200


def test_the_form_sent_twice_makes_one_group_and_lands_on_it_again(group_roles):
    group, _, cast = group_roles
    client = client_for(cast["instructor"])
    url = reverse("copy_term", args=[group.pk])
    first = client.post(url, {"name": "Seminar, spring"})
    again = client.post(url, {"name": "Seminar, spring"}, follow=True)  # a double click, a reload
    new = StudyGroup.objects.get(name="Seminar, spring")
    assert first["Location"] == new.get_absolute_url()
    assert again.redirect_chain == [(new.get_absolute_url(), 302)]
    assert "“Seminar, spring” was copied from this group a moment ago; this is that copy." in again.content.decode()
    assert TermCopy.objects.filter(source=group).count() == 1

    # A minute on, the same name is a copy made on purpose.
    TermCopy.objects.update(created=timezone.now() - timedelta(minutes=1, seconds=1))
    client.post(url, {"name": "Seminar, spring"})
    assert StudyGroup.objects.filter(name="Seminar, spring").count() == 2
