"""Instructors pin and endorse; endorsed and instructor posts stand out; both are logged."""

from django.urls import reverse

from discussions.models import Curation, ModerationAction
from tests.discussions_support import client_for, note


def test_an_instructor_pins_and_endorses_and_the_page_shows_it(seminar):
    group, cast, paragraph = seminar
    a = note(cast["member"], paragraph, "A sharp reading", group=group)
    client = client_for(cast["instructor"])
    client.post(reverse("annotation_pin", args=[a.pk]), {"on": "1"})
    client.post(reverse("annotation_endorse", args=[a.pk]), {"on": "1"})
    state = Curation.objects.get(annotation=a)
    assert state.pinned_at and state.endorsed_by == cast["instructor"]
    page = client_for(cast["member"]).get(reverse("thread", args=[a.pk])).content.decode()
    assert "is-endorsed" in page and "badge-endorsed" in page and "badge-pinned" in page
    assert list(ModerationAction.objects.values_list("action", flat=True).order_by("pk")) == ["pin", "endorse"]


def test_instructor_posts_are_marked_instructor(seminar):
    group, cast, paragraph = seminar
    a = note(cast["instructor"], paragraph, "From the front of the room", group=group)
    page = client_for(cast["member"]).get(reverse("thread", args=[a.pk])).content.decode()
    assert "badge-instructor" in page and "by-instructor" in page


def test_members_and_moderators_cannot_pin_or_endorse(seminar):
    group, cast, paragraph = seminar
    a = note(cast["member"], paragraph, "Mine", group=group)
    for role in ("member", "moderator"):
        for name in ("annotation_pin", "annotation_endorse"):
            assert client_for(cast[role]).post(reverse(name, args=[a.pk])).status_code == 403
    assert not Curation.objects.exists()


def test_unpin_and_withdraw_endorsement(seminar):
    group, cast, paragraph = seminar
    a = note(cast["member"], paragraph, "Mine", group=group)
    Curation.objects.create(annotation=a, pinned_at="2020-01-01T00:00Z", endorsed_at="2020-01-01T00:00Z")
    client = client_for(cast["instructor"])
    client.post(reverse("annotation_pin", args=[a.pk]), {"on": "0"})
    client.post(reverse("annotation_endorse", args=[a.pk]), {"on": "0"})
    state = Curation.objects.get(annotation=a)
    assert state.pinned_at is None and state.endorsed_at is None
