"""/annotations/<pk>/guide/: an instructor makes a note (any group note, not only a prompt) the
next step of the group's discussion guide to its paper, from the note's card in the reading
page's margin (discussions.views.add_to_guide)."""

import json
import re

import pytest
from django.urls import reverse

from discussions.models import Guide, GuideStep
from tests.discussions_support import client_for, note, prompt

HX = {"HX-Request": "true"}


def url(a):
    return reverse("annotation_add_to_guide", args=[a.pk])


@pytest.fixture
def student_note(seminar):
    group, cast, paragraph = seminar
    return note(cast["member"], paragraph, "The pace is set by the state, not the market.", group=group)


def test_the_margin_offers_it_to_the_groups_instructor_only(seminar, student_note):
    group, cast, paragraph = seminar
    page = reverse("document", args=[paragraph.document.slug])
    offered = f'data-guide-add="{student_note.pk}"'
    assert offered in client_for(cast["instructor"]).get(page).text
    for role in ("member", "moderator", "other_instructor"):
        assert offered not in client_for(cast[role]).get(page).text, role


def test_the_first_note_starts_the_guide_and_the_answer_says_which_step(seminar, student_note, django_assert_max_num_queries):
    group, cast, paragraph = seminar
    instructor = client_for(cast["instructor"])
    instructor.get(url(student_note), headers=HX)  # the session, once
    with django_assert_max_num_queries(9):
        form = instructor.get(url(student_note), headers=HX)
    assert form.status_code == 200
    assert "Start Seminar's discussion guide to this paper with this note" in form.text
    assert f'hx-post="{url(student_note)}" hx-target="#gs-{student_note.pk}"' in form.text
    with django_assert_max_num_queries(18):  # with the savepoints of creating the guide
        added = instructor.post(url(student_note), {"note": "Who sets the pace?"}, headers=HX)
    assert added.status_code == 200
    assert "Added as step 1 of Seminar's discussion guide." in added.text
    assert json.loads(added["HX-Trigger-After-Settle"]) == {"marginalia:guide": {"group": group.pk, "step": 1}}
    step = GuideStep.objects.get()
    assert (step.annotation, step.note, step.position, step.guide.created_by) == (student_note, "Who sets the pace?", 1, cast["instructor"])


def test_a_later_note_continues_the_guide_and_a_step_is_not_added_twice(seminar, student_note):
    group, cast, paragraph = seminar
    instructor = client_for(cast["instructor"])
    first = prompt(cast["instructor"], paragraph, group)
    assert instructor.post(url(first), headers=HX).status_code == 200
    assert "as step 2" in instructor.get(url(student_note), headers=HX).text
    assert "Added as step 2 of" in instructor.post(url(student_note), headers=HX).text
    again = instructor.post(url(student_note), headers=HX)
    assert "Already step 2 of Seminar's discussion guide." in again.text
    assert Guide.objects.count() == 1 and GuideStep.objects.count() == 2


def test_a_step_note_too_long_comes_back_on_the_form_with_what_was_typed(seminar, student_note):
    _group, cast, _paragraph = seminar
    typed = "Look closer. " * 50
    response = client_for(cast["instructor"]).post(url(student_note), {"note": typed}, headers=HX)
    assert response.status_code == 422
    assert re.search(rf'value="{typed.strip()}\s*"|value="{typed}"', response.text)
    assert "at most 500 characters" in response.text
    assert not GuideStep.objects.exists()


def test_without_javascript_it_is_the_guides_page_with_the_note_chosen(seminar, student_note):
    group, cast, paragraph = seminar
    instructor = client_for(cast["instructor"])
    response = instructor.get(url(student_note))
    guide = reverse("guide", args=[group.pk, paragraph.document.slug])
    assert response.status_code == 302 and response["Location"] == f"{guide}?annotation={student_note.pk}#add-step"
    page = instructor.get(response["Location"]).text
    assert re.search(rf'<option value="{student_note.pk}" selected>', page)
    posted = instructor.post(url(student_note))
    assert posted.status_code == 302 and GuideStep.objects.get().annotation == student_note


@pytest.mark.parametrize("role", ["member", "moderator", "other_instructor", "outsider"])
def test_only_the_groups_instructors_add_to_its_guide(seminar, student_note, role):
    _group, cast, _paragraph = seminar
    response = client_for(cast[role]).post(url(student_note), headers=HX)
    assert response.status_code in (403, 404)
    assert not GuideStep.objects.exists()


def test_a_private_or_hidden_note_cannot_become_a_step(seminar):
    group, cast, paragraph = seminar
    private = note(cast["instructor"], paragraph, "Mine alone", visibility="private")
    public = note(cast["instructor"], paragraph, "For everyone")
    for a in (private, public):
        assert client_for(cast["instructor"]).post(url(a), headers=HX).status_code == 403
    assert not GuideStep.objects.exists()
