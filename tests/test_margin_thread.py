"""A note's thread in the reading page's margin: the thread view and its actions answer htmx
with the margin's fragment (discussions/_margin_thread.html), through the same permissions
as the thread page; counts include nested replies; pinned and endorsed notes come first."""

from django.urls import reverse

from annotations.models import Annotation
from discussions.models import Curation
from tests.discussions_support import client_for, note
from versions.models import Publication

HTMX = {"HTTP_HX_REQUEST": "true"}


def _thread(client, annotation, **extra):
    return client.get(reverse("thread", args=[annotation.pk]), **HTMX, **extra)


def test_an_htmx_thread_is_the_margins_fragment_with_nested_replies_and_the_reply_form(seminar):
    group, cast, paragraph = seminar
    root = note(cast["member"], paragraph, "What drives it?", group=group)
    first = note(cast["moderator"], None, "Policy.", parent=root)
    note(cast["instructor"], None, "And markets.", parent=first)
    response = _thread(client_for(cast["member"]), root)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page and f'id="mt-{root.pk}"' in page
    assert "2 replies" in page  # the nested one counts
    assert 'class="reply depth-1"' in page and 'class="reply depth-2"' in page
    assert f'action="{reverse("thread_reply", args=[root.pk])}"' in page
    assert f'id="mt{root.pk}-body"' in page  # the form's ids are the thread's own
    assert f'href="{reverse("thread", args=[root.pk])}"' in page  # the permalink


def test_a_reply_fragment_opens_its_roots_thread(seminar):
    group, cast, paragraph = seminar
    root = note(cast["member"], paragraph, "Root", group=group)
    reply = note(cast["moderator"], None, "A reply", parent=root)
    page = _thread(client_for(cast["member"]), reply).content.decode()
    assert f'id="mt-{root.pk}"' in page and "1 reply" in page


def test_a_stranger_gets_404_for_a_thread_fragment_of_a_group_only_paper(seminar):
    group, cast, paragraph = seminar
    Publication.objects.create(document=paragraph.document, group=group, published_by=cast["instructor"])
    root = note(cast["member"], paragraph, "Only for the seminar", visibility="public")
    for role in ("outsider", "other_instructor"):
        assert _thread(client_for(cast[role]), root).status_code == 404
        response = client_for(cast[role]).post(reverse("thread_reply", args=[root.pk]), {"body": "Hi"}, **HTMX)
        assert response.status_code == 404
    assert _thread(client_for(cast["member"]), root).status_code == 200


def test_a_reply_from_the_margin_answers_with_the_thread_and_the_new_reply_in_focus(seminar):
    group, cast, paragraph = seminar
    root = note(cast["instructor"], paragraph, "Discuss.", group=group)
    response = client_for(cast["member"]).post(reverse("thread_reply", args=[root.pk]), {"body": "My answer"}, **HTMX)
    reply = Annotation.objects.get(parent=root)
    page = response.content.decode()
    assert response.status_code == 200
    assert "My answer" in page and f'data-focus="a-{reply.pk}"' in page and 'data-said="Reply posted."' in page


def test_an_empty_reply_from_the_margin_comes_back_in_place_with_its_error(seminar):
    group, cast, paragraph = seminar
    root = note(cast["instructor"], paragraph, "Discuss.", group=group)
    response = client_for(cast["member"]).post(reverse("thread_reply", args=[root.pk]), {"body": "  "}, **HTMX)
    assert response.status_code == 422
    page = response.content.decode()
    assert f'id="mt-{root.pk}"' in page and "Write a reply." in page
    assert not Annotation.objects.filter(parent=root).exists()


def test_an_instructor_pins_endorses_and_locks_in_the_margin_and_a_member_may_not(seminar):
    group, cast, paragraph = seminar
    root = note(cast["member"], paragraph, "A reading", group=group)
    instructor = client_for(cast["instructor"])
    page = instructor.post(reverse("annotation_pin", args=[root.pk]), {"on": "1"}, **HTMX).content.decode()
    assert 'badge-pinned' in page and 'data-said="Pinned."' in page and ">Unpin<" in page
    page = instructor.post(reverse("annotation_endorse", args=[root.pk]), {"on": "1"}, **HTMX).content.decode()
    assert 'badge-endorsed' in page
    page = instructor.post(reverse("annotation_lock", args=[root.pk]), {"lock": "1", "reason": "Done."}, **HTMX).content.decode()
    assert "Locked:" in page and "Done." in page and "Unlock thread" in page
    assert 'action="%s"' % reverse("thread_reply", args=[root.pk]) not in page  # no replies to a locked thread
    refused = instructor.post(reverse("annotation_lock", args=[root.pk]), {"lock": "", "reason": ""}, **HTMX)
    assert refused.status_code == 200 and "Unlock thread" not in refused.content.decode()
    member = client_for(cast["member"])
    assert member.post(reverse("annotation_pin", args=[root.pk]), {"on": "0"}, **HTMX).status_code == 403
    assert Curation.objects.get(annotation=root).pinned_at is not None


def test_a_lock_without_a_reason_stays_open_in_the_margin_with_the_error(seminar):
    group, cast, paragraph = seminar
    root = note(cast["member"], paragraph, "A reading", group=group)
    response = client_for(cast["instructor"]).post(reverse("annotation_lock", args=[root.pk]), {"lock": "1"}, **HTMX)
    assert response.status_code == 422
    page = response.content.decode()
    assert "Say why the thread is locked" in page and 'class="lock-box" open' in page


def test_question_and_resolved_from_the_margin(seminar):
    group, cast, paragraph = seminar
    root = note(cast["member"], paragraph, "Why?", group=group)
    member = client_for(cast["member"])
    page = member.post(reverse("annotation_question", args=[root.pk]), {"on": "1"}, **HTMX).content.decode()
    assert "badge-question" in page
    page = client_for(cast["instructor"]).post(reverse("annotation_resolve", args=[root.pk]), {"on": "1"}, **HTMX).content.decode()
    assert "badge-resolved" in page and 'data-said="Marked resolved."' in page


def test_the_margin_counts_nested_replies_and_opens_the_thread_in_place(seminar):
    group, cast, paragraph = seminar
    busy = note(cast["member"], paragraph, "Busy", group=group)
    first = note(cast["moderator"], None, "One", parent=busy)
    note(cast["instructor"], None, "Two, nested", parent=first)
    quiet = note(cast["member"], paragraph, "Quiet", group=group)
    note(cast["moderator"], None, "Only one", parent=quiet)
    page = client_for(cast["member"]).get(paragraph.document.get_absolute_url()).content.decode()
    assert ">2 replies</a>" in page and ">1 reply</a>" in page
    assert f'hx-get="{reverse("thread", args=[busy.pk])}" hx-target="#a-{busy.pk}"' in page


def test_pinned_and_endorsed_notes_come_first_in_the_margin(seminar):
    group, cast, paragraph = seminar
    oldest = note(cast["member"], paragraph, "Oldest note", group=group)
    endorsed = note(cast["member"], paragraph, "Endorsed note", group=group)
    pinned = note(cast["member"], paragraph, "Pinned note", group=group)
    instructor = client_for(cast["instructor"])
    instructor.post(reverse("annotation_pin", args=[pinned.pk]), {"on": "1"})
    instructor.post(reverse("annotation_endorse", args=[endorsed.pk]), {"on": "1"})
    page = client_for(cast["member"]).get(paragraph.document.get_absolute_url()).content.decode()
    margin = page[page.index(f'id="m-{paragraph.anchor}"'):]
    order = [margin.index(text) for text in ("Pinned note", "Endorsed note", "Oldest note")]
    assert order == sorted(order)
    assert "badge-pinned" in margin and "badge-endorsed" in margin


def test_a_signed_out_reader_opens_a_public_thread_in_the_margin_without_the_reply_form(seminar, client):
    group, cast, paragraph = seminar
    root = note(cast["member"], paragraph, "A public reading")
    note(cast["moderator"], None, "A public reply", parent=root)
    response = _thread(client, root)
    page = response.content.decode()
    assert response.status_code == 200 and "A public reply" in page and "1 reply" in page
    assert reverse("thread_reply", args=[root.pk]) not in page
    private = note(cast["member"], paragraph, "Mine alone", visibility="private")
    assert _thread(client, private).status_code == 404
