"""Instructors post discussion prompts on paragraphs; prompts look different and name the instructor."""

from django.urls import reverse

from annotations.models import Annotation
from tests.discussions_support import client_for


def _url(paragraph, name="post_prompt"):
    return reverse(name, args=[paragraph.document.slug, paragraph.anchor])


def test_an_instructor_posts_a_prompt_that_stands_out(seminar):
    group, cast, paragraph = seminar
    client = client_for(cast["instructor"])
    assert "Post a discussion prompt" in client.get(_url(paragraph, "paragraph_discussion")).content.decode()
    response = client.post(_url(paragraph), {"group": group.pk, "body": "PROMPT-TEXT", "is_question": "on"})
    assert response.status_code == 302
    prompt = Annotation.objects.get(body="PROMPT-TEXT")
    assert prompt.curation.is_prompt and prompt.curation.is_question and prompt.group == group
    page = client_for(cast["member"]).get(_url(paragraph, "paragraph_discussion")).content.decode()
    assert "is-prompt" in page and "badge-prompt" in page and "badge-instructor" in page
    assert "Post a discussion prompt" not in page


def test_members_cannot_post_prompts(seminar):
    group, cast, paragraph = seminar
    assert client_for(cast["member"]).post(_url(paragraph), {"group": group.pk, "body": "x"}).status_code == 403
    assert client_for(cast["moderator"]).post(_url(paragraph), {"group": group.pk, "body": "x"}).status_code == 403
    # Another group's instructor cannot post into this group (the choice is not offered).
    response = client_for(cast["other_instructor"]).post(_url(paragraph), {"group": group.pk, "body": "x"})
    assert response.status_code == 422
    assert not Annotation.objects.exists()


def test_an_empty_prompt_keeps_the_form(seminar):
    group, cast, paragraph = seminar
    response = client_for(cast["instructor"]).post(_url(paragraph), {"group": group.pk, "body": " ", "is_question": "on"})
    assert response.status_code == 422 and "Write the prompt." in response.content.decode()
