"""Moderators and instructors see flagged notes, hide or restore them; authors still see theirs, marked hidden."""

from django.urls import reverse

from annotations.models import Annotation
from discussions.models import Flag, ModerationAction
from tests.discussions_support import client_for, note


def test_the_queue_lists_flagged_notes_with_reasons_most_flagged_first(seminar):
    group, cast, paragraph = seminar
    once = note(cast["member"], paragraph, "FLAGGED-ONCE", group=group)
    twice = note(cast["member"], paragraph, "FLAGGED-TWICE", group=group)
    note(cast["member"], paragraph, "NOT-FLAGGED", group=group)
    Flag.objects.create(annotation=once, user=cast["instructor"], reason="REASON-A")
    Flag.objects.create(annotation=twice, user=cast["instructor"], reason="REASON-B")
    Flag.objects.create(annotation=twice, user=cast["moderator"], reason="REASON-C")
    page = client_for(cast["moderator"]).get(reverse("moderation_queue", args=[group.pk])).content.decode()
    assert page.index("FLAGGED-TWICE") < page.index("FLAGGED-ONCE")
    assert "NOT-FLAGGED" not in page
    assert all(r in page for r in ("REASON-A", "REASON-B", "REASON-C"))


def test_hiding_removes_it_for_classmates_but_the_author_sees_it_marked_hidden(seminar):
    group, cast, paragraph = seminar
    a = note(cast["member"], paragraph, "OFFENDING", group=group)
    Flag.objects.create(annotation=a, user=cast["instructor"], reason="rude")
    response = client_for(cast["moderator"]).post(reverse("annotation_hide", args=[a.pk]), {"reason": "Rude"})
    assert response.status_code == 302
    assert Annotation.objects.get(pk=a.pk).hidden_at is not None
    assert not Flag.objects.filter(settled_at__isnull=True).exists()
    assert client_for(cast["instructor"]).get(reverse("thread", args=[a.pk])).status_code == 200  # moderators still see it
    url = reverse("paragraph_discussion", args=[paragraph.document.slug, paragraph.anchor])
    classmate = client_for(cast["other_instructor"])
    assert "OFFENDING" not in classmate.get(url).content.decode()
    own = client_for(cast["member"]).get(url).content.decode()
    assert "OFFENDING" in own and "Hidden by a moderator" in own


def test_restoring_shows_it_again(seminar):
    group, cast, paragraph = seminar
    a = note(cast["member"], paragraph, "OFFENDING", group=group, hidden_at="2020-01-01T00:00Z")
    page = client_for(cast["instructor"]).get(reverse("moderation_queue", args=[group.pk])).content.decode()
    assert "OFFENDING" in page and "Restore" in page
    client_for(cast["instructor"]).post(reverse("annotation_unhide", args=[a.pk]), {"reason": "Fine after all"})
    assert Annotation.objects.get(pk=a.pk).hidden_at is None
    assert ModerationAction.objects.get().action == "restore"


def test_dismissing_flags_keeps_the_note_and_empties_the_queue(seminar):
    group, cast, paragraph = seminar
    a = note(cast["member"], paragraph, "HARMLESS", group=group)
    Flag.objects.create(annotation=a, user=cast["instructor"], reason="hmm")
    client_for(cast["moderator"]).post(reverse("annotation_dismiss_flags", args=[a.pk]), {"reason": "harmless"})
    assert Annotation.objects.get(pk=a.pk).hidden_at is None
    assert "HARMLESS" not in client_for(cast["moderator"]).get(reverse("moderation_queue", args=[group.pk])).content.decode()


def test_members_have_no_queue_and_cannot_hide(seminar):
    group, cast, paragraph = seminar
    a = note(cast["moderator"], paragraph, "Mod note", group=group)
    member = client_for(cast["member"])
    assert member.get(reverse("moderation_queue", args=[group.pk])).status_code == 403
    assert member.post(reverse("annotation_hide", args=[a.pk])).status_code == 403
    assert Annotation.objects.get(pk=a.pk).hidden_at is None
    assert client_for(cast["outsider"]).get(reverse("moderation_queue", args=[group.pk])).status_code == 404


def test_the_queue_loads_in_constant_queries(seminar, django_assert_max_num_queries):
    group, cast, paragraph = seminar
    client = client_for(cast["moderator"])

    def load():
        # session, user, group, roles, the queue, its open flags, savepoints
        with django_assert_max_num_queries(8):
            assert client.get(reverse("moderation_queue", args=[group.pk])).status_code == 200

    a = note(cast["member"], paragraph, "x", group=group)
    Flag.objects.create(annotation=a, user=cast["instructor"], reason="r")
    load()
    for i in range(15):
        a = note(cast["member"], paragraph, f"n{i}", group=group)
        Flag.objects.create(annotation=a, user=cast["instructor"], reason="r")
    load()
