"""Setting an assignment: instructors only, readings the whole group may read, a guide of that
reading, the rubric's defaults prefilled; bad input is refused with everything typed kept."""

import pytest
from django.urls import reverse

from courses.models import Assignment, LatePolicy
from discussions.models import Guide
from reader.models import Document
from tests.discussions_support import client_for
from versions.models import Publication


def url(group):
    return reverse("assignment_create", args=[group.pk])


def post_data(document, **changes):
    data = {
        "title": "Week two", "document": document.pk, "guide": "", "due_at": "2026-03-09T17:00",
        "points_possible": "20",
        "min_length": "100", "notes_target": "4", "notes_weight": "2", "replies_target": "2", "replies_weight": "1",
        "coverage_unit": "section", "coverage_target": "1", "coverage_weight": "1",
        "replies_received_target": "1", "replies_received_weight": "1", "votes_received_target": "1",
        "votes_received_weight": "0", "questions_target": "1", "questions_weight": "0",
        "late_policy": "decay", "late_factor": "0.50", "late_decay_per_day": "0.20",
    }
    return {**data, **changes}


@pytest.mark.parametrize("role, status", [
    ("anonymous", 302), ("outsider", 404), ("member", 403), ("moderator", 403), ("instructor", 200), ("superuser", 200),
])
def test_who_may_set_one(group_roles, request_as, role, status):
    group, _, _ = group_roles
    assert request_as(role, "GET", url(group)).status_code == status


def test_the_form_offers_the_groups_readings_and_prefills_the_default_rubric(group_roles, document):
    group, other, cast = group_roles
    theirs = Document.objects.create(title="Another group's reading", slug="theirs")
    Publication.objects.create(document=theirs, group=other, published_by=cast["other_instructor"])
    ours = Document.objects.create(title="Our own reading", slug="ours")
    Publication.objects.create(document=ours, group=group, published_by=cast["instructor"])
    response = client_for(cast["instructor"]).get(url(group))
    form = response.context["form"]
    assert {d.title for d in form.fields["document"].queryset} == {"A Short Paper", "Our own reading"}
    html = response.content.decode()
    assert 'name="notes_target" value="5"' in html and 'name="min_length" value="80"' in html
    assert 'name="late_factor" value="0.50"' in html
    for legend in ("Notes and replies written", "Reading covered", "Late work"):
        assert f"<legend>{legend}</legend>" in html


def test_an_instructor_sets_an_assignment_with_their_rubric(group_roles, document):
    group, _, cast = group_roles
    response = client_for(cast["instructor"]).post(url(group), post_data(document))
    assignment = Assignment.objects.get()
    assert response.status_code == 302 and response["Location"] == assignment.get_absolute_url()
    assert (assignment.group, assignment.created_by, assignment.points_possible) == (group, cast["instructor"], 20)
    assert (assignment.min_length, assignment.coverage_unit) == (100, "section")
    assert assignment.late_policy == LatePolicy.DECAY
    assert str(assignment.late_decay_per_day) == "0.20" and assignment.questions_weight == 0


@pytest.mark.parametrize("changes, field, message", [
    ({"notes_weight": "0", "replies_weight": "0", "coverage_weight": "0", "replies_received_weight": "0"}, None,
     "Give at least one part of the rubric a weight above 0."),
    ({"notes_target": "0"}, "notes_target", "Ensure this value is greater than or equal to 1."),
    ({"late_factor": "1.5"}, "late_factor", "Ensure this value is less than or equal to 1."),
    ({"points_possible": "0"}, "points_possible", "Points must be more than 0."),
    ({"title": ""}, "title", "This field is required."),
])
def test_bad_input_is_refused_and_what_was_typed_is_kept(group_roles, document, changes, field, message):
    group, _, cast = group_roles
    response = client_for(cast["instructor"]).post(url(group), post_data(document, **changes))
    assert response.status_code == 400
    form = response.context["form"]
    assert message in (form.errors[field] if field else form.non_field_errors())
    assert 'value="2026-03-09T17:00"' in response.content.decode()  # nothing typed is lost
    assert not Assignment.objects.exists()


def test_a_guide_must_be_to_the_chosen_reading(group_roles, document):
    group, _, cast = group_roles
    other_paper = Document.objects.create(title="Other paper", slug="other-paper")
    guide = Guide.objects.create(group=group, document=other_paper, created_by=cast["instructor"])
    response = client_for(cast["instructor"]).post(url(group), post_data(document, guide=guide.pk))
    assert response.status_code == 400
    assert response.context["form"].errors["guide"] == [
        "This guide is to another reading: choose one to this reading, or none."
    ]
    own = Guide.objects.create(group=group, document=document, created_by=cast["instructor"])
    client_for(cast["instructor"]).post(url(group), post_data(document, guide=own.pk))
    assert Assignment.objects.get().guide == own
