"""What people are told happened: a classmate's note posted a moment ago reads "just now",
not "0 minutes ago", and an older one "N minutes ago" (the `ago` filter, every template)."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from annotations.models import Annotation
from tests.discussions_support import client_for, note


def test_a_classmate_sees_a_note_just_posted_as_just_now(seminar):
    group, cast, paragraph = seminar
    fresh = note(cast["member"], paragraph, "Fresh thought", group=group)
    old = note(cast["member"], paragraph, "Older thought", group=group)
    Annotation.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(minutes=5))
    client = client_for(cast["moderator"])
    for url in (reverse("document", args=[paragraph.document.slug]), reverse("annotation", args=[fresh.pk])):
        html = client.get(url).text
        assert "just now</time>" in html, url
        assert "0\xa0minutes ago" not in html and "0 minutes ago" not in html, url
    assert "5\xa0minutes ago</time>" in client.get(reverse("document", args=[paragraph.document.slug])).text
