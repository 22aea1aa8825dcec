"""Group settings: "hide classmates' notes until I have posted on this paragraph" and
"allow anonymous posting". Neither may leak a name or a hidden note to a classmate through
any page, count or notification; instructors always see everything and every name."""

import pytest
from django.urls import reverse

from access.policy import can_view
from annotations.models import Annotation
from annotations.permissions import ANONYMOUS_AUTHOR, author_known_q, visible_annotations
from discussions.models import Follow, Notification
from discussions.notifications import unread_count
from groups.models import GroupSettings, Membership, StudyGroup
from tests.discussions_support import client_for, note, prompt, settings_for

SECRET = "Quillon-thesis: policy precedes markets"


def _visible_bodies(user, paragraph):
    return set(visible_annotations(user, Annotation.objects.filter(paragraph=paragraph)).values_list("body", flat=True))


# --- Hide until posted ---------------------------------------------------------------------


@pytest.fixture
def hidden_setup(seminar, make_user):
    group, cast, paragraph = seminar
    classmate = make_user("cleo")
    Membership.objects.create(group=group, user=classmate)
    settings_for(group, hide_until_posted=True)
    the_prompt = prompt(cast["instructor"], paragraph, group, "PROMPT: what is modernization?")
    secret = note(classmate, paragraph, SECRET, group=group)
    return group, cast, paragraph, classmate, the_prompt, secret


def test_a_member_sees_only_the_prompt_until_posting_then_everything(hidden_setup):
    group, cast, paragraph, classmate, the_prompt, secret = hidden_setup
    member = cast["member"]
    assert _visible_bodies(member, paragraph) == {the_prompt.body}
    assert not can_view(member, secret) and can_view(member, the_prompt)
    # A reply to the prompt is a post on the paragraph: now the classmates' notes show.
    client_for(member).post(reverse("thread_reply", args=[the_prompt.pk]), {"body": "My own answer first"})
    assert SECRET in _visible_bodies(member, paragraph)
    assert can_view(member, Annotation.objects.get(pk=secret.pk))


def test_the_setting_is_per_paragraph_and_per_group(hidden_setup, document):
    group, cast, paragraph, classmate, the_prompt, secret = hidden_setup
    other_paragraph = document.paragraphs.get(position=3)
    note(cast["member"], other_paragraph, "Posted elsewhere", group=group)
    assert _visible_bodies(cast["member"], paragraph) == {the_prompt.body}


def test_a_member_of_a_hiding_group_and_an_open_one_sees_each_by_its_own_rule(hidden_setup, make_user):
    """The visibility SQL knows which of the person's groups hide until posted (loaded with
    their roles): the other group's notes show at once, this group's stay withheld, and the
    SQL agrees with the per-note check."""
    group, cast, paragraph, classmate, the_prompt, secret = hidden_setup
    member = cast["member"]
    open_group = StudyGroup.objects.create(name="Reading circle")
    Membership.objects.create(group=open_group, user=member)
    Membership.objects.create(group=open_group, user=classmate)
    settings_for(open_group, hide_until_posted=False)
    shown = note(classmate, paragraph, "Open circle note", group=open_group)
    assert _visible_bodies(member, paragraph) == {the_prompt.body, shown.body}
    assert can_view(member, shown) and not can_view(member, secret)


def test_instructors_and_moderators_always_see_everything(hidden_setup):
    group, cast, paragraph, classmate, the_prompt, secret = hidden_setup
    for role in ("instructor", "moderator"):
        assert SECRET in _visible_bodies(cast[role], paragraph)
        assert can_view(cast[role], secret)


def test_nothing_leaks_through_pages_or_counts(hidden_setup):
    group, cast, paragraph, classmate, the_prompt, secret = hidden_setup
    client = client_for(cast["member"])
    slug = paragraph.document.slug
    pages = [
        reverse("paragraph_discussion", args=[slug, paragraph.anchor]),
        reverse("paragraph_discussion", args=[slug, paragraph.anchor]) + "?sort=votes",
        reverse("thread", args=[the_prompt.pk]),
        reverse("document", args=[slug]),
        reverse("search") + "?q=Quillon",
        reverse("notifications"),
    ]
    for url in pages:
        response = client.get(url)
        assert SECRET not in response.content.decode(), url
        assert "cleo" not in response.content.decode(), url
    assert client.get(reverse("thread", args=[secret.pk])).status_code == 404
    assert client.post(reverse("annotation_vote", args=[secret.pk])).status_code == 404
    assert client.get(reverse("annotation_flag", args=[secret.pk])).status_code == 404


def test_a_withheld_note_sends_no_notification_to_classmates_who_follow(hidden_setup):
    group, cast, paragraph, classmate, the_prompt, secret = hidden_setup
    Follow.objects.create(user=cast["member"], group=group)
    client_for(classmate).post(reverse("thread_reply", args=[the_prompt.pk]), {"body": "CLASSMATE-REPLY"})
    assert not Notification.objects.filter(recipient=cast["member"]).exists()
    assert unread_count(cast["member"]) == 0
    assert Notification.objects.filter(recipient=cast["instructor"]).exists()  # the prompt's author


def test_only_instructors_change_the_settings(seminar):
    group, cast, paragraph = seminar
    url = reverse("group_discussion_settings", args=[group.pk])
    assert client_for(cast["member"]).post(url, {"hide_until_posted": "on"}).status_code == 403
    assert client_for(cast["moderator"]).get(url).status_code == 403
    assert client_for(cast["outsider"]).get(url).status_code == 404
    response = client_for(cast["instructor"]).post(url, {"hide_until_posted": "on", "allow_anonymous": "on"})
    assert response.status_code == 302
    assert GroupSettings.objects.filter(group=group, hide_until_posted=True, allow_anonymous=True).exists()


# --- Anonymous posting -------------------------------------------------------------------------


def test_anonymous_replies_hide_the_name_from_classmates_but_not_instructors(seminar):
    group, cast, paragraph = seminar
    cast["member"].display_name = "Mia Marchbank"
    cast["member"].save()
    settings_for(group, allow_anonymous=True)
    root = note(cast["moderator"], paragraph, "Say what you think", group=group)
    client_for(cast["member"]).post(reverse("thread_reply", args=[root.pk]), {"body": "ANON-REPLY", "anonymous": "on"})
    reply = Annotation.objects.get(body="ANON-REPLY")
    assert reply.curation.is_anonymous
    url = reverse("thread", args=[root.pk])
    moderator_page = client_for(cast["moderator"]).get(url).content.decode()
    assert "ANON-REPLY" in moderator_page and ANONYMOUS_AUTHOR in moderator_page
    assert "Mia Marchbank" not in moderator_page and "mia" not in moderator_page.split("ANON-REPLY")[0][-400:]
    # The moderator was notified of the reply: the notification is anonymous too.
    notes_page = client_for(cast["moderator"]).get(reverse("notifications")).content.decode()
    assert f"{ANONYMOUS_AUTHOR} replied to your note" in notes_page and "Mia Marchbank" not in notes_page
    # The instructor sees the name.
    assert "Mia Marchbank" in client_for(cast["instructor"]).get(url).content.decode()
    # The author sees their own name.
    assert "Mia Marchbank" in client_for(cast["member"]).get(url).content.decode()
    # Filters by person must not find it for classmates.
    assert not Annotation.objects.filter(author_known_q(cast["moderator"]), pk=reply.pk).exists()
    assert Annotation.objects.filter(author_known_q(cast["instructor"]), pk=reply.pk).exists()


def test_anonymous_posting_is_refused_unless_the_group_allows_it(seminar):
    group, cast, paragraph = seminar
    root = note(cast["moderator"], paragraph, "Say what you think", group=group)
    client = client_for(cast["member"])
    assert "anonymously" not in client.get(reverse("thread", args=[root.pk])).content.decode()
    response = client.post(reverse("thread_reply", args=[root.pk]), {"body": "NAMED", "anonymous": "on"})
    # Refused, not posted under the name the person meant to keep out of it; the text is kept.
    assert response.status_code == 422
    assert "This group does not allow anonymous posts." in response.text and "NAMED</textarea>" in response.text
    assert not Annotation.objects.filter(body="NAMED").exists()
