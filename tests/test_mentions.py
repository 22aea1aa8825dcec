"""@mentions of group members notify them; autocomplete offers the group's members."""

from django.urls import reverse

from discussions.mentions import mentioned_usernames
from discussions.models import Notification
from tests.discussions_support import client_for, note


def test_mentions_are_found_but_not_inside_email_addresses():
    assert mentioned_usernames("Ask @mia and @Ines. Mail bob@example.org") == ["mia", "Ines"]


def test_a_mentioned_member_is_notified_but_an_outsider_is_not(seminar):
    group, cast, paragraph = seminar
    root = note(cast["instructor"], paragraph, "Root", group=group)
    client_for(cast["moderator"]).post(
        reverse("thread_reply", args=[root.pk]), {"body": "What do you think, @mia? And @otto?"}
    )
    kinds = dict(Notification.objects.values_list("recipient__username", "kind"))
    assert kinds == {"mia": "mention", "ines": "reply"}
    page = client_for(cast["member"]).get(reverse("notifications")).content.decode()
    assert "mentioned you" in page


def test_autocomplete_offers_members_of_the_group_only(seminar):
    group, cast, paragraph = seminar
    response = client_for(cast["member"]).get(reverse("mention_suggestions", args=[group.pk]), {"q": "m"})
    names = [r["username"] for r in response.json()["results"]]
    assert names == ["mia", "moritz"]
    assert client_for(cast["outsider"]).get(reverse("mention_suggestions", args=[group.pk])).status_code == 404


def test_a_new_note_that_mentions_members_notifies_those_who_may_read_it(seminar, document):
    group, cast, paragraph = seminar
    client = client_for(cast["moderator"])
    url = reverse("annotation_new", args=[document.slug, paragraph.anchor])
    client.post(url, {"body": "@mia, compare this with §2. @otto too.", "visibility": f"group-{group.pk}"})
    assert list(Notification.objects.values_list("recipient__username", "kind")) == [("mia", "mention")]
    client.post(url, {"body": "Private reminder about @mia", "visibility": "private"})
    assert Notification.objects.count() == 1  # a private note is no one else's to be told of
