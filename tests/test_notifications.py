"""In-app notifications: replies to my notes, activity in what I follow; unread count; mark read."""

from django.urls import reverse

from discussions.models import Follow, Notification
from discussions.notifications import unread_count
from tests.discussions_support import client_for, note


def test_a_reply_notifies_the_parents_author_and_the_roots_author(seminar):
    group, cast, paragraph = seminar
    root = note(cast["instructor"], paragraph, "Root", group=group)
    middle = note(cast["moderator"], None, "Middle", parent=root)
    client_for(cast["member"]).post(reverse("thread_reply", args=[middle.pk]), {"body": "Answer"})
    kinds = dict(Notification.objects.values_list("recipient__username", "kind"))
    assert kinds == {"moritz": "reply", "ines": "thread"}


def test_no_one_is_notified_of_their_own_reply(seminar):
    group, cast, paragraph = seminar
    root = note(cast["member"], paragraph, "Root", group=group)
    client_for(cast["member"]).post(reverse("thread_reply", args=[root.pk]), {"body": "Talking to myself"})
    assert root.replies.get().body == "Talking to myself"
    assert not Notification.objects.exists()


def test_the_header_count_and_marking_read(seminar):
    group, cast, paragraph = seminar
    root = note(cast["member"], paragraph, "Root", group=group)
    for i in range(3):
        client_for(cast["moderator"] if i % 2 else cast["instructor"]).post(
            reverse("thread_reply", args=[root.pk]), {"body": f"Reply {i}"}
        )
    client = client_for(cast["member"])
    assert unread_count(cast["member"]) == 3
    fragment = client.get(reverse("notifications_unread")).content.decode()
    assert ">3<" in fragment
    page = client.get(reverse("notifications")).content.decode()
    assert page.count("replied to your note") == 3
    first = Notification.objects.filter(recipient=cast["member"]).first()
    response = client.get(reverse("notification_open", args=[first.pk]))
    assert response.status_code == 302 and f"#a-{first.annotation_id}" in response["Location"]
    assert unread_count(cast["member"]) == 2
    client.post(reverse("notifications_read"))
    assert unread_count(cast["member"]) == 0
    assert "unread-count" not in client.get(reverse("notifications_unread")).content.decode()


def test_the_header_shows_the_count_link_for_signed_in_people_only(seminar, client):
    group, cast, paragraph = seminar
    assert reverse("notifications_unread") not in client.get(reverse("library")).content.decode()
    assert reverse("notifications_unread") in client_for(cast["member"]).get(reverse("library")).content.decode()


def test_the_unread_count_is_one_query(seminar, django_assert_num_queries):
    group, cast, paragraph = seminar
    member = cast["member"]
    with django_assert_num_queries(1):
        unread_count(member)


def test_notifications_about_notes_hidden_later_disappear(seminar):
    group, cast, paragraph = seminar
    root = note(cast["member"], paragraph, "Root", group=group)
    client_for(cast["moderator"]).post(reverse("thread_reply", args=[root.pk]), {"body": "SOON-HIDDEN"})
    reply = Notification.objects.get().annotation
    client_for(cast["instructor"]).post(reverse("annotation_hide", args=[reply.pk]), {"reason": "x"})
    assert unread_count(cast["member"]) == 0
    assert "SOON-HIDDEN" not in client_for(cast["member"]).get(reverse("notifications")).content.decode()


def test_notifications_of_someone_else_are_not_mine_to_open(seminar):
    group, cast, paragraph = seminar
    root = note(cast["member"], paragraph, "Root", group=group)
    client_for(cast["moderator"]).post(reverse("thread_reply", args=[root.pk]), {"body": "Hi"})
    n = Notification.objects.get()
    assert client_for(cast["instructor"]).get(reverse("notification_open", args=[n.pk])).status_code == 404


def test_the_notifications_page_loads_in_constant_queries(seminar, django_assert_max_num_queries):
    group, cast, paragraph = seminar
    client = client_for(cast["member"])
    Follow.objects.create(user=cast["member"], group=group)

    def load():
        # session, user, roles, the notifications with their notes, the follows
        with django_assert_max_num_queries(7):
            assert client.get(reverse("notifications")).status_code == 200

    load()
    for i in range(10):
        root = note(cast["member"], paragraph, f"Root {i}", group=group)
        client_for(cast["moderator"]).post(reverse("thread_reply", args=[root.pk]), {"body": f"Reply {i}"})
    load()
