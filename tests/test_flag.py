"""Anyone who can see a note can flag it, once, with a reason."""

from django.urls import reverse

from discussions.models import Flag
from tests.discussions_support import client_for, note


def test_a_member_flags_a_note_with_a_reason(seminar):
    group, cast, paragraph = seminar
    a = note(cast["moderator"], paragraph, "Rude words", group=group)
    client = client_for(cast["member"])
    assert client.get(reverse("annotation_flag", args=[a.pk])).status_code == 200
    response = client.post(reverse("annotation_flag", args=[a.pk]), {"reason": "Insulting a classmate"})
    assert response.status_code == 302
    assert Flag.objects.get().reason == "Insulting a classmate"


def test_flagging_twice_is_refused_and_the_link_disappears(seminar):
    group, cast, paragraph = seminar
    a = note(cast["moderator"], paragraph, "Rude words", group=group)
    Flag.objects.create(annotation=a, user=cast["member"], reason="first")
    client = client_for(cast["member"])
    response = client.post(reverse("annotation_flag", args=[a.pk]), {"reason": "again"})
    assert response.status_code == 409
    assert "already flagged" in response.content.decode()
    assert Flag.objects.count() == 1
    page = client.get(reverse("thread", args=[a.pk])).content.decode()
    assert reverse("annotation_flag", args=[a.pk]) not in page


def test_a_flag_needs_a_reason_and_keeps_the_form(seminar):
    group, cast, paragraph = seminar
    a = note(cast["moderator"], paragraph, "Rude words", group=group)
    response = client_for(cast["member"]).post(reverse("annotation_flag", args=[a.pk]), {"reason": "  "})
    assert response.status_code == 422 and "Give a reason." in response.content.decode()
    assert not Flag.objects.exists()


def test_public_notes_can_be_flagged_by_anyone_signed_in_but_not_by_their_author(seminar):
    group, cast, paragraph = seminar
    a = note(cast["member"], paragraph, "Public note")
    assert client_for(cast["outsider"]).post(reverse("annotation_flag", args=[a.pk]), {"reason": "spam"}).status_code == 302
    assert client_for(cast["member"]).post(reverse("annotation_flag", args=[a.pk]), {"reason": "mine"}).status_code == 403
    assert list(Flag.objects.values_list("user__username", "reason")) == [(cast["outsider"].username, "spam")]


def test_strangers_cannot_flag_what_they_cannot_see(seminar):
    group, cast, paragraph = seminar
    a = note(cast["member"], paragraph, "Group note", group=group)
    assert client_for(cast["outsider"]).post(reverse("annotation_flag", args=[a.pk]), {"reason": "x"}).status_code == 404
    assert not Flag.objects.exists()
