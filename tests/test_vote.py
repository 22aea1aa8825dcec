"""Upvotes: one per person, withdrawable, and a paragraph's threads sorted by votes or newest."""

from django.urls import reverse

from discussions.models import Vote
from tests.discussions_support import client_for, note


def test_a_vote_counts_once_and_a_second_click_withdraws_it(seminar):
    group, cast, paragraph = seminar
    a = note(cast["moderator"], paragraph, "Worth a vote", group=group)
    client = client_for(cast["member"])
    client.post(reverse("annotation_vote", args=[a.pk]))
    assert Vote.objects.filter(annotation=a).count() == 1
    client.post(reverse("annotation_vote", args=[a.pk]))
    assert Vote.objects.filter(annotation=a).count() == 0


def test_voting_with_htmx_answers_the_button_with_the_new_count(seminar):
    group, cast, paragraph = seminar
    a = note(cast["moderator"], paragraph, "Worth a vote", group=group)
    Vote.objects.create(annotation=a, user=cast["instructor"])
    response = client_for(cast["member"]).post(reverse("annotation_vote", args=[a.pk]), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'aria-pressed="true"' in body and '<span class="vote-count">2</span>' in body


def test_private_notes_and_strangers_cannot_be_voted_on(seminar):
    group, cast, paragraph = seminar
    mine = note(cast["member"], paragraph, "Private", visibility="private")
    group_note = note(cast["member"], paragraph, "Group", group=group)
    assert client_for(cast["member"]).post(reverse("annotation_vote", args=[mine.pk])).status_code == 403
    assert client_for(cast["outsider"]).post(reverse("annotation_vote", args=[group_note.pk])).status_code == 404
    assert not Vote.objects.exists()


def test_threads_sort_by_votes_or_newest_with_pinned_first(seminar):
    from discussions.models import Curation

    group, cast, paragraph = seminar
    old_popular = note(cast["moderator"], paragraph, "OLD-POPULAR", group=group)
    note(cast["instructor"], paragraph, "NEW-QUIET", group=group)
    for voter in ("member", "instructor"):
        Vote.objects.create(annotation=old_popular, user=cast[voter])
    url = reverse("paragraph_discussion", args=[paragraph.document.slug, paragraph.anchor])
    client = client_for(cast["member"])
    by_votes = client.get(url, {"sort": "votes"}).content.decode()
    assert by_votes.index("OLD-POPULAR") < by_votes.index("NEW-QUIET")
    newest = client.get(url, {"sort": "newest"}).content.decode()
    assert newest.index("NEW-QUIET") < newest.index("OLD-POPULAR")
    Curation.objects.create(annotation=old_popular, pinned_at="2020-01-01T00:00Z")
    newest = client.get(url, {"sort": "newest"}).content.decode()
    assert newest.index("OLD-POPULAR") < newest.index("NEW-QUIET")


def test_the_paragraph_discussion_loads_in_constant_queries(seminar, django_assert_max_num_queries):
    group, cast, paragraph = seminar
    client = client_for(cast["member"])
    url = reverse("paragraph_discussion", args=[paragraph.document.slug, paragraph.anchor])

    def load():
        # session, user, roles, document, paragraph, all visible notes with counts, instructors,
        # prompt groups, unread count (and a savepoint or two)
        with django_assert_max_num_queries(14):
            assert client.get(url, {"sort": "votes"}).status_code == 200

    note(cast["moderator"], paragraph, "One", group=group)
    load()
    for i in range(20):
        root = note(cast["instructor"], paragraph, f"Root {i}", group=group)
        note(cast["moderator"], None, f"Reply {i}", parent=root)
        Vote.objects.create(annotation=root, user=cast["member"])
    load()
