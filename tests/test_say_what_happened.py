"""What people are told happened, asserted as the other person sees it: times ("just now",
not "0 minutes ago"); a student in a group that hides notes until one has posted is told how
many classmates' notes wait and that posting reveals them."""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from annotations.models import Annotation, Visibility
from annotations.permissions import visible_annotations, withheld_annotations
from groups.roles import forget_roles
from tests.discussions_support import client_for, note, prompt, settings_for


def test_a_classmate_sees_a_note_just_posted_as_just_now(seminar):
    group, cast, paragraph = seminar
    fresh = note(cast["member"], paragraph, "Fresh thought", group=group)
    old = note(cast["member"], paragraph, "Older thought", group=group)
    Annotation.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(minutes=5))
    client = client_for(cast["moderator"])
    for url in (reverse("document", args=[paragraph.document.slug]), reverse("annotation", args=[fresh.pk])):
        html = client.get(url).text
        assert "just now</time>" in html, url
        assert "0\xa0minutes ago" not in html and "0 minutes ago" not in html, url
    assert "5\xa0minutes ago</time>" in client.get(reverse("document", args=[paragraph.document.slug])).text


# --- Hide until posted: the student is told notes wait, and how many --------------------------


def test_a_student_who_has_not_posted_sees_how_many_classmates_notes_wait(seminar, group_roles, django_assert_max_num_queries):
    group, cast, paragraph = seminar
    _, other, _ = group_roles
    settings_for(group, hide_until_posted=True)
    note(cast["moderator"], paragraph, "Waiting one", group=group)
    waiting = note(cast["instructor"], paragraph, "Waiting two", group=group)
    note(cast["moderator"], None, "A reply: not a note of the margin", parent=waiting)
    # None of these would show after posting, so none is counted (nor hinted at).
    note(cast["moderator"], paragraph, "Hidden by a moderator", group=group, hidden_at=timezone.now())
    note(cast["moderator"], paragraph, "Deleted", group=group, deleted_at=timezone.now())
    note(cast["moderator"], paragraph, "Private", visibility=Visibility.PRIVATE)
    note(cast["other_instructor"], paragraph, "Another group's", group=other)
    prompt(cast["instructor"], paragraph, group, "A prompt shows anyway.")
    url = reverse("document", args=[paragraph.document.slug])
    student = client_for(cast["member"])

    html = student.get(url).text
    margin = _margin(html, paragraph.anchor)
    assert "2 classmates' notes — post yours to see them" in margin
    assert "Waiting one" not in html and "A prompt shows anyway." in margin
    heat = re.search(rf'<li class="heat-cell[^"]*" data-anchor="{paragraph.anchor}".*?</li>', html, re.S).group(0)
    assert "title=\"¶ 3: 1 note; 2 classmates' notes — post yours to see them\"" in heat

    # One waiting note reads in the singular; the moderator (who sees all) is told nothing.
    Annotation.objects.filter(body="Waiting one").update(deleted_at=timezone.now())
    assert "1 classmate's note — post yours to see it" in _margin(student.get(url).text, paragraph.anchor)
    assert "post yours" not in client_for(cast["moderator"]).get(url).text

    # Posting to the group reveals them, and the message goes.
    note(cast["member"], paragraph, "My own reading", group=group)
    html = student.get(url).text
    assert "Waiting two" in html and "post yours" not in html


def test_a_batch_of_margins_says_so_too(seminar):
    group, cast, paragraph = seminar
    settings_for(group, hide_until_posted=True)
    note(cast["moderator"], paragraph, "Waiting", group=group)
    url = reverse("paragraph_margin", args=[paragraph.document.slug, paragraph.anchor])
    assert "1 classmate's note — post yours to see it" in client_for(cast["member"]).get(url).text


def _margin(html, anchor):
    match = re.search(rf'<div class="margin-notes[^"]*" id="m-{anchor}".*?<div class="margin-form-slot', html, re.S)
    assert match, f"no margin for {anchor}"
    return match.group(0)


def test_what_is_counted_as_waiting_is_exactly_what_posting_reveals(seminar, group_roles):
    group, cast, paragraph = seminar
    _, other, _ = group_roles
    settings_for(group, hide_until_posted=True)
    for author in ("moderator", "instructor"):
        note(cast[author], paragraph, "Group note", group=group)
        note(cast[author], paragraph, "Hidden", group=group, hidden_at=timezone.now())
        note(cast[author], paragraph, "Public", visibility=Visibility.PUBLIC)
    note(cast["other_instructor"], paragraph, "Elsewhere", group=other)
    member = cast["member"]
    roots = Annotation.objects.roots().filter(paragraph=paragraph)
    before = set(visible_annotations(member, roots).live())
    waiting = set(withheld_annotations(member, roots))
    note(member, paragraph, "Mine", group=group)
    forget_roles(member)
    after = set(visible_annotations(member, roots).live()) - {Annotation.objects.get(body="Mine")}
    assert waiting == after - before and len(waiting) == 2
