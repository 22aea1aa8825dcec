"""Locking a thread: no new replies (here or through the API), with the reason shown."""

from django.urls import reverse

from access.policy import has_permission
from annotations.models import Annotation
from discussions.models import Curation, ModerationAction
from tests.discussions_support import client_for, note


def test_a_locked_thread_refuses_replies_at_any_depth_and_shows_why(seminar):
    group, cast, paragraph = seminar
    root = note(cast["member"], paragraph, "Heated", group=group)
    reply = note(cast["moderator"], None, "Reply", parent=root)
    response = client_for(cast["instructor"]).post(
        reverse("annotation_lock", args=[root.pk]), {"lock": "on", "reason": "Off topic; see the guide."}
    )
    assert response.status_code == 302
    assert ModerationAction.objects.get().action == "lock"
    for target in (root, reply):
        r = client_for(cast["member"]).post(reverse("thread_reply", args=[target.pk]), {"body": "One more"})
        assert r.status_code == 403
    assert not has_permission(cast["member"], "annotation.reply", Annotation.objects.get(pk=reply.pk))
    page = client_for(cast["member"]).get(reverse("thread", args=[root.pk])).content.decode()
    assert "Off topic; see the guide." in page and "Post reply" not in page


def test_locking_needs_a_reason_and_keeps_the_form(seminar):
    group, cast, paragraph = seminar
    root = note(cast["member"], paragraph, "Heated", group=group)
    response = client_for(cast["instructor"]).post(reverse("annotation_lock", args=[root.pk]), {"lock": "on", "reason": ""})
    assert response.status_code == 422
    assert "Say why the thread is locked" in response.content.decode()
    assert not Curation.objects.filter(locked_at__isnull=False).exists()


def test_unlocking_reopens_replies(seminar):
    group, cast, paragraph = seminar
    root = note(cast["member"], paragraph, "Heated", group=group)
    Curation.objects.create(annotation=root, locked_at="2020-01-01T00:00Z", lock_reason="Cooling off")
    client_for(cast["moderator"]).post(reverse("annotation_lock", args=[root.pk]), {"lock": ""})
    assert client_for(cast["member"]).post(reverse("thread_reply", args=[root.pk]), {"body": "Again"}).status_code == 302
    assert Annotation.objects.filter(parent=root, body="Again").exists()


def test_members_cannot_lock(seminar):
    group, cast, paragraph = seminar
    root = note(cast["member"], paragraph, "Heated", group=group)
    r = client_for(cast["member"]).post(reverse("annotation_lock", args=[root.pk]), {"lock": "on", "reason": "x"})
    assert r.status_code == 403
    assert not Curation.objects.filter(locked_at__isnull=False).exists()
