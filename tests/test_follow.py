"""Follow or unfollow a thread, a document in a group, or a group."""

from django.urls import reverse

from discussions.models import Follow, Notification
from reader.models import Document
from tests.discussions_support import client_for, note
from versions.moving import publish_new_version


def test_following_a_thread_brings_its_replies(seminar):
    group, cast, paragraph = seminar
    root = note(cast["instructor"], paragraph, "Root", group=group)
    reply = note(cast["moderator"], None, "Reply", parent=root)
    client = client_for(cast["member"])
    client.post(reverse("follow"), {"annotation": reply.pk, "on": "1"})  # following from a reply follows the thread
    assert Follow.objects.filter(user=cast["member"], annotation=root).exists()
    client_for(cast["moderator"]).post(reverse("thread_reply", args=[reply.pk]), {"body": "More"})
    assert Notification.objects.get(recipient=cast["member"]).kind == "thread"
    client.post(reverse("follow"), {"annotation": root.pk, "on": "0"})
    assert not Follow.objects.exists()


def test_following_a_document_in_a_group_brings_new_notes_on_it(seminar, document):
    group, cast, paragraph = seminar
    client = client_for(cast["member"])
    client.post(reverse("follow"), {"group": group.pk, "document": document.slug, "on": "1"})
    client_for(cast["instructor"]).post(
        reverse("post_prompt", args=[document.slug, paragraph.anchor]), {"group": group.pk, "body": "New prompt"}
    )
    assert Notification.objects.get(recipient=cast["member"]).kind == "activity"


def test_following_a_group_brings_its_replies_too(seminar):
    group, cast, paragraph = seminar
    root = note(cast["instructor"], paragraph, "Root", group=group)
    client_for(cast["member"]).post(reverse("follow"), {"group": group.pk, "on": "1"})
    client_for(cast["moderator"]).post(reverse("thread_reply", args=[root.pk]), {"body": "Reply"})
    assert Notification.objects.filter(recipient=cast["member"], kind="activity").exists()
    page = client_for(cast["member"]).get(reverse("notifications")).content.decode()
    assert "Everything in Seminar" in page


def test_following_twice_is_one_follow_and_strangers_cannot_follow(seminar):
    group, cast, paragraph = seminar
    client = client_for(cast["member"])
    client.post(reverse("follow"), {"group": group.pk})
    client.post(reverse("follow"), {"group": group.pk})
    assert Follow.objects.count() == 1
    assert client_for(cast["outsider"]).post(reverse("follow"), {"group": group.pk}).status_code == 404
    root = note(cast["member"], paragraph, "Root", group=group)
    assert client_for(cast["outsider"]).post(reverse("follow"), {"annotation": root.pk}).status_code == 404
    assert client.post(reverse("follow"), {}).status_code == 400


def test_following_a_group_brings_new_notes_written_on_the_reading_page(seminar, document):
    group, cast, paragraph = seminar
    client_for(cast["member"]).post(reverse("follow"), {"group": group.pk, "on": "1"})
    client_for(cast["moderator"]).post(
        reverse("annotation_new", args=[document.slug, paragraph.anchor]),
        {"body": "A new thought", "visibility": f"group-{group.pk}"},
    )
    assert Notification.objects.get(recipient=cast["member"]).kind == "activity"


def test_following_a_paper_in_a_group_follows_its_new_versions(seminar, document):
    group, cast, paragraph = seminar
    client_for(cast["member"]).post(reverse("follow"), {"group": group.pk, "document": document.slug, "on": "1"})
    text = "\n\n".join(p.text for p in document.paragraphs.order_by("position"))
    publish_new_version(document, text.replace("new energy", "renewable energy"))
    current = Document.objects.get(slug=document.slug)
    assert Follow.objects.get(user=cast["member"]).document == current
    client_for(cast["instructor"]).post(
        reverse("post_prompt", args=[current.slug, current.paragraphs.get(position=2).anchor]),
        {"group": group.pk, "body": "On the new version"},
    )
    assert Notification.objects.get(recipient=cast["member"]).kind == "activity"
