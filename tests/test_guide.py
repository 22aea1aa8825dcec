"""A discussion guide per group and document: ordered steps the instructor arranges."""

from django.urls import reverse

from discussions.models import GuideStep
from groups.models import StudyGroup
from tests.discussions_support import client_for, note, prompt


def _guide_url(group, document, name="guide", *args):
    return reverse(name, args=[group.pk, document.slug, *args])


def test_the_instructor_builds_and_reorders_a_guide(seminar, document):
    group, cast, paragraph = seminar
    p1 = prompt(cast["instructor"], paragraph, group, "FIRST")
    p2 = prompt(cast["instructor"], document.paragraphs.get(position=3), group, "SECOND")
    chosen = note(cast["member"], document.paragraphs.get(position=4), "CHOSEN", group=group)
    client = client_for(cast["instructor"])
    for a in (p1, p2, chosen):
        assert client.post(_guide_url(group, document, "guide_add_step"), {"annotation": a.pk}).status_code == 302
    steps = list(GuideStep.objects.order_by("position").values_list("annotation__body", flat=True))
    assert steps == ["FIRST", "SECOND", "CHOSEN"]
    last = GuideStep.objects.get(position=3)
    client.post(_guide_url(group, document, "guide_move_step", last.pk), {"direction": "up"})
    assert list(GuideStep.objects.order_by("position").values_list("annotation__body", flat=True)) == [
        "FIRST", "CHOSEN", "SECOND",
    ]
    first = GuideStep.objects.get(position=1)
    client.post(_guide_url(group, document, "guide_move_step", first.pk), {"direction": "up"})  # already first
    client.post(_guide_url(group, document, "guide_remove_step", first.pk))
    assert list(GuideStep.objects.order_by("position").values_list("position", "annotation__body")) == [
        (1, "CHOSEN"), (2, "SECOND"),
    ]


def test_members_follow_the_guide_step_by_step(seminar, document):
    group, cast, paragraph = seminar
    from discussions.guides import add_step, guide_for

    guide = guide_for(group, document, create_by=cast["instructor"])
    add_step(guide, prompt(cast["instructor"], paragraph, group, "FIRST"), "Start here")
    add_step(guide, prompt(cast["instructor"], document.paragraphs.get(position=3), group, "SECOND"))
    client = client_for(cast["member"])
    page = client.get(_guide_url(group, document)).content.decode()
    assert "Start the guide" in page and "Add a step" not in page
    step1 = client.get(_guide_url(group, document, "guide_step", 1)).content.decode()
    assert "Step 1 of 2" in step1 and "FIRST" in step1 and "Start here" in step1 and paragraph.text in step1
    assert _guide_url(group, document, "guide_step", 2) in step1
    step2 = client.get(_guide_url(group, document, "guide_step", 2)).content.decode()
    assert "SECOND" in step2 and "FIRST" not in step2
    assert client.get(_guide_url(group, document, "guide_step", 3)).status_code == 404


def test_only_instructors_edit_and_only_members_read(seminar, document):
    group, cast, paragraph = seminar
    p1 = prompt(cast["instructor"], paragraph, group, "FIRST")
    assert client_for(cast["member"]).post(_guide_url(group, document, "guide_add_step"), {"annotation": p1.pk}).status_code == 403
    assert client_for(cast["moderator"]).post(_guide_url(group, document, "guide_add_step"), {"annotation": p1.pk}).status_code == 403
    assert client_for(cast["outsider"]).get(_guide_url(group, document)).status_code == 404
    assert not GuideStep.objects.exists()


def test_a_note_from_another_group_cannot_become_a_step(seminar, document):
    group, cast, paragraph = seminar
    other = StudyGroup.objects.get(name="Other seminar")
    foreign = note(cast["other_instructor"], paragraph, "FOREIGN", group=other)
    response = client_for(cast["instructor"]).post(_guide_url(group, document, "guide_add_step"), {"annotation": foreign.pk})
    assert response.status_code == 422
    assert not GuideStep.objects.exists()
