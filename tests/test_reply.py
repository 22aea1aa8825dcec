"""Replies: nested threads that inherit their root's audience, shown with a depth limit."""

from django.urls import reverse

from annotations.models import NOTE_MAX_LENGTH, Annotation, Visibility
from discussions.threads import MAX_DEPTH, root_id_of
from tests.discussions_support import client_for, note


def test_a_member_replies_and_the_reply_inherits_the_roots_group(seminar):
    group, cast, paragraph = seminar
    root = note(cast["instructor"], paragraph, "What drives modernization?", group=group)
    response = client_for(cast["member"]).post(reverse("thread_reply", args=[root.pk]), {"body": "Policy, mostly."})
    reply = Annotation.objects.get(parent=root)
    assert response.status_code == 302 and response["Location"].endswith(f"#a-{reply.pk}")
    assert (reply.visibility, reply.group_id, reply.paragraph_id) == (Visibility.GROUP, group.pk, paragraph.pk)
    page = client_for(cast["moderator"]).get(reverse("thread", args=[root.pk])).content.decode()
    assert "Policy, mostly." in page


def test_replies_to_replies_nest_and_deep_ones_flatten_at_the_depth_limit(seminar):
    group, cast, paragraph = seminar
    root = note(cast["member"], paragraph, "Root", group=group)
    parent, chain = root, []
    for depth in range(1, MAX_DEPTH + 3):
        parent = note(cast["moderator"], None, f"Depth {depth}", parent=parent)
        chain.append(parent)
    assert root_id_of(chain[-1]) == root.pk
    page = client_for(cast["member"]).get(reverse("thread", args=[root.pk])).content.decode()
    assert f'class="reply depth-{MAX_DEPTH}"' in page
    assert f"depth-{MAX_DEPTH + 1}" not in page
    assert page.count("in reply to") == 2  # the two replies past the limit say whom they answer
    # Reading order is depth-first: each reply follows its parent.
    positions = [page.index(f"Depth {d}") for d in range(1, MAX_DEPTH + 3)]
    assert positions == sorted(positions)


def test_a_reply_link_opens_the_root_thread_at_the_reply(seminar):
    group, cast, paragraph = seminar
    root = note(cast["member"], paragraph, "Root", group=group)
    reply = note(cast["moderator"], None, "Reply", parent=root)
    response = client_for(cast["member"]).get(reverse("thread", args=[reply.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("thread", args=[root.pk]) + f"#a-{reply.pk}"


def test_an_empty_reply_is_refused_and_keeps_nothing_half_written(seminar):
    group, cast, paragraph = seminar
    root = note(cast["member"], paragraph, "Root", group=group)
    response = client_for(cast["moderator"]).post(reverse("thread_reply", args=[root.pk]), {"body": "   "})
    assert response.status_code == 422
    assert "Write a reply." in response.content.decode()
    assert not Annotation.objects.filter(parent=root).exists()


def test_a_too_long_reply_keeps_what_was_typed(seminar):
    group, cast, paragraph = seminar
    root = note(cast["member"], paragraph, "Root", group=group)
    typed = "word " * (NOTE_MAX_LENGTH // 5) + "UNIQUE-TAIL"  # a reply is as long as a note may be
    response = client_for(cast["moderator"]).post(reverse("thread_reply", args=[root.pk]), {"body": typed})
    assert response.status_code == 422
    assert "UNIQUE-TAIL" in response.content.decode()


def test_outsiders_cannot_reply_to_group_notes(seminar):
    group, cast, paragraph = seminar
    root = note(cast["member"], paragraph, "Root", group=group)
    response = client_for(cast["outsider"]).post(reverse("thread_reply", args=[root.pk]), {"body": "Hi"})
    assert response.status_code == 404
    assert not Annotation.objects.filter(parent=root).exists()


def test_a_reply_to_a_private_note_stays_private(seminar):
    group, cast, paragraph = seminar
    root = note(cast["member"], paragraph, "Just me", visibility=Visibility.PRIVATE)
    client_for(cast["member"]).post(reverse("thread_reply", args=[root.pk]), {"body": "Still me"})
    assert Annotation.objects.get(parent=root).visibility == Visibility.PRIVATE


def test_the_thread_page_loads_in_a_constant_number_of_queries(seminar, django_assert_max_num_queries):
    group, cast, paragraph = seminar
    root = note(cast["member"], paragraph, "Root", group=group)
    client = client_for(cast["member"])

    def load():
        # session, user, roles, the annotation, its root's curation check, the root with counts,
        # the replies with counts, instructors, follow state, group settings (x2), unread count ...
        with django_assert_max_num_queries(16):
            assert client.get(reverse("thread", args=[root.pk])).status_code == 200

    load()
    for i in range(30):
        note(cast["moderator"] if i % 2 else cast["instructor"], None, f"Reply {i}", parent=root)
    load()
