"""Instructors post discussion prompts on paragraphs; prompts look different and name the instructor."""

import json

from django.urls import reverse

from annotations.models import Annotation
from discussions.models import Guide, GuideStep
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


HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_prompt_form_opens_in_the_margin_and_the_margin_comes_back_with_the_prompt(seminar):
    group, cast, paragraph = seminar
    client = client_for(cast["instructor"])
    form = client.get(_url(paragraph), **HTMX)
    assert form.status_code == 200 and form["HX-Retarget"] == f"#f-{paragraph.anchor}"
    assert f'id="pr-{paragraph.anchor}-body"' in form.content.decode()
    assert "Add it to the group&#x27;s discussion guide as the next step" in form.content.decode()
    response = client.post(_url(paragraph), {"group": group.pk, "body": "MARGIN-PROMPT"}, **HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'id="m-{paragraph.anchor}"' in page and "MARGIN-PROMPT" in page
    assert json.loads(response["HX-Trigger-After-Settle"]) == {"marginalia:said": "Prompt posted."}
    assert not GuideStep.objects.exists()


def test_a_prompt_from_the_margin_starts_the_guide_then_continues_it(seminar, document):
    group, cast, paragraph = seminar
    client = client_for(cast["instructor"])
    data = {"group": group.pk, "body": "FIRST STEP", "add_to_guide": "on", "step_note": "Start here."}
    response = client.post(_url(paragraph), data, **HTMX)
    assert json.loads(response["HX-Trigger-After-Settle"]) == {
        "marginalia:said": "Prompt posted, step 1 of the discussion guide.",
        "marginalia:guide": {"group": group.pk, "step": 1},
    }
    later = document.paragraphs.get(position=4)
    client.post(_url(later), {"group": group.pk, "body": "SECOND STEP", "add_to_guide": "on"}, **HTMX)
    steps = GuideStep.objects.order_by("position")
    assert [(s.annotation.body, s.note) for s in steps] == [("FIRST STEP", "Start here."), ("SECOND STEP", "")]
    assert Guide.objects.get().created_by == cast["instructor"]


def test_an_empty_prompt_in_the_margin_comes_back_in_place(seminar):
    group, cast, paragraph = seminar
    response = client_for(cast["instructor"]).post(_url(paragraph), {"group": group.pk, "body": " "}, **HTMX)
    assert response.status_code == 422 and response["HX-Retarget"] == f"#f-{paragraph.anchor}"
    assert "Write the prompt." in response.content.decode()


def test_without_javascript_the_prompt_link_is_the_paragraphs_discussion_page(seminar):
    group, cast, paragraph = seminar
    response = client_for(cast["instructor"]).get(_url(paragraph))
    assert response.status_code == 302 and response["Location"] == _url(paragraph, "paragraph_discussion") + "#prompt"
    assert client_for(cast["member"]).get(_url(paragraph), **HTMX).status_code == 403
