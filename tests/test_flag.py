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


# --- From a thread open in the reading page's margin (htmx): the flag stays there ---------------

HX = {"HX-Request": "true"}


def test_a_thread_in_the_margin_offers_the_flag_in_place_and_the_thread_page_links_to_the_flag_page(seminar):
    group, cast, paragraph = seminar
    a = note(cast["moderator"], paragraph, "Rude words", group=group)
    client = client_for(cast["member"])
    flag_url = reverse("annotation_flag", args=[a.pk])
    in_margin = client.get(reverse("thread", args=[a.pk]), headers=HX).content.decode()
    assert f'<form method="post" action="{flag_url}" class="flag-form"' in in_margin
    assert f'<label for="flag-{a.pk}">Why should a moderator look at this?</label>' in in_margin
    page = client.get(reverse("thread", args=[a.pk])).content.decode()
    assert f'href="{flag_url}?next=' in page and 'class="flag-form"' not in page


def test_flagged_from_the_margin_the_thread_comes_back_saying_so(seminar, django_assert_max_num_queries):
    group, cast, paragraph = seminar
    a = note(cast["moderator"], paragraph, "Rude words", group=group)
    client = client_for(cast["member"])
    client.get(reverse("thread", args=[a.pk]), headers=HX)  # session and the paper's kept text, once
    with django_assert_max_num_queries(30):
        response = client.post(reverse("annotation_flag", args=[a.pk]), {"reason": "Insulting a classmate"}, headers=HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="mt-{a.pk}"' in html and f'data-focus="a-{a.pk}"' in html
    assert 'data-said="Flagged — a moderator will look at it."' in html
    assert '<span class="flagged-by-me">Flagged — a moderator will look at it</span>' in html
    assert 'class="flag-form"' not in html  # once each
    assert Flag.objects.get().reason == "Insulting a classmate"


def test_a_refused_flag_from_the_margin_keeps_what_was_typed_on_the_open_form(seminar):
    group, cast, paragraph = seminar
    a = note(cast["moderator"], paragraph, "Rude words", group=group)
    typed = "Too long " * 60
    response = client_for(cast["member"]).post(reverse("annotation_flag", args=[a.pk]), {"reason": typed}, headers=HX)
    assert response.status_code == 422
    html = response.content.decode()
    assert '<details class="moderate-box flag-box" open>' in html
    assert f'aria-invalid="true" aria-describedby="flag-{a.pk}-error">{typed}</textarea>' in html
    assert f'data-focus="flag-{a.pk}"' in html
    assert "at most 500 characters" in html
    assert not Flag.objects.exists()


def test_flagging_twice_from_the_margin_says_it_was_already_flagged(seminar):
    group, cast, paragraph = seminar
    a = note(cast["moderator"], paragraph, "Rude words", group=group)
    Flag.objects.create(annotation=a, user=cast["member"], reason="first")
    response = client_for(cast["member"]).post(reverse("annotation_flag", args=[a.pk]), {"reason": "again"}, headers=HX)
    assert response.status_code == 409
    assert 'data-said="You have already flagged this note; a moderator will look at it."' in response.content.decode()
    assert Flag.objects.count() == 1
