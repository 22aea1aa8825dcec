"""A thread can be a question; its author or an instructor marks it resolved."""

from django.urls import reverse

from discussions.models import Curation
from tests.discussions_support import client_for, note


def _state(a):
    return Curation.objects.filter(annotation=a).first()


def test_the_author_marks_a_question_and_resolves_it(seminar):
    group, cast, paragraph = seminar
    a = note(cast["member"], paragraph, "Why?", group=group)
    client = client_for(cast["member"])
    client.post(reverse("annotation_question", args=[a.pk]), {"on": "1"})
    assert _state(a).is_question and _state(a).resolved_at is None
    page = client.get(reverse("thread", args=[a.pk])).content.decode()
    assert "badge-question" in page and "Mark resolved" in page
    client.post(reverse("annotation_resolve", args=[a.pk]), {"on": "1"})
    assert _state(a).resolved_by == cast["member"]
    assert "badge-resolved" in client.get(reverse("thread", args=[a.pk])).content.decode()


def test_an_instructor_resolves_a_members_question_but_a_classmate_cannot(seminar):
    group, cast, paragraph = seminar
    a = note(cast["member"], paragraph, "Why?", group=group)
    Curation.objects.create(annotation=a, is_question=True)
    assert client_for(cast["moderator"]).post(reverse("annotation_resolve", args=[a.pk])).status_code == 403
    assert client_for(cast["instructor"]).post(reverse("annotation_resolve", args=[a.pk])).status_code == 302
    assert _state(a).resolved_by == cast["instructor"]


def test_only_the_author_marks_a_question_and_a_non_question_cannot_be_resolved(seminar):
    group, cast, paragraph = seminar
    a = note(cast["member"], paragraph, "Why?", group=group)
    assert client_for(cast["instructor"]).post(reverse("annotation_question", args=[a.pk])).status_code == 403
    assert client_for(cast["member"]).post(reverse("annotation_resolve", args=[a.pk])).status_code == 403
    reply = note(cast["member"], None, "A reply", parent=a)
    assert client_for(cast["member"]).post(reverse("annotation_question", args=[reply.pk])).status_code == 403


def test_unmarking_a_question_clears_its_resolution(seminar):
    group, cast, paragraph = seminar
    a = note(cast["member"], paragraph, "Why?", group=group)
    Curation.objects.create(annotation=a, is_question=True, resolved_at="2020-01-01T00:00Z")
    client_for(cast["member"]).post(reverse("annotation_question", args=[a.pk]), {"on": "0"})
    assert not _state(a).is_question and _state(a).resolved_at is None
