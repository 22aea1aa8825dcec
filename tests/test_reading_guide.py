"""The reading page's guide bar (discussions.views.reading_guide): a member sees a step of
their group's discussion guide to the paper with the previous and next; an instructor sees
how to start one; a stranger to the paper gets 404; anyone else, nothing."""

from importlib import import_module

from django.apps import apps
from django.urls import reverse

from discussions import guides
from discussions.models import Guide
from reader.models import Document
from tests.discussions_support import client_for, note, prompt
from versions.models import Publication
from versions.moving import publish_new_version


def _bar(client, document, **params):
    return client.get(reverse("reading_guide", args=[document.slug]), params, HTTP_HX_REQUEST="true")


def _guide(group, cast, document):
    found = guides.guide_for(group, document, create_by=cast["instructor"])
    first = prompt(cast["instructor"], document.paragraphs.get(position=2), group, "What drives *policy*?")
    second = note(cast["member"], document.paragraphs.get(position=4), "A member's reading", group=group)
    guides.add_step(found, first, "Start here.")
    guides.add_step(found, second)
    return found


def test_a_member_sees_the_current_step_with_next_and_previous(seminar, document):
    group, cast, _paragraph = seminar
    _guide(group, cast, document)
    client = client_for(cast["member"])
    page = _bar(client, document).content.decode()
    assert "Step 1 of 2" in page and "Start here." in page and 'href="#p-p2"' in page
    assert 'rel="next"' in page and 'rel="prev"' not in page
    assert reverse("guide_step", args=[group.pk, document.slug, 2]) in page  # without JavaScript
    page = _bar(client, document, group=group.pk, step=2).content.decode()
    assert "Step 2 of 2" in page and "A member&#x27;s reading" in page and 'rel="prev"' in page and 'rel="next"' not in page
    assert "data-prompt-url" not in page  # members post no prompts
    assert "Step 2 of 2" in _bar(client, document, step=99).content.decode()


def test_a_steps_text_shows_markdown_as_text(seminar, document):
    group, cast, _paragraph = seminar
    found = _guide(group, cast, document)
    found.steps.filter(position=1).update(note="")
    page = _bar(client_for(cast["member"]), document).content.decode()
    assert "What drives policy?" in page and "*policy*" not in page


def test_an_instructor_without_a_guide_is_told_how_to_start_one(seminar, document):
    group, cast, _paragraph = seminar
    page = _bar(client_for(cast["instructor"]), document).content.decode()
    assert "None yet for this paper" in page
    assert f'data-prompt-url="{reverse("post_prompt", args=[document.slug, "__anchor__"])}"' in page


def test_nothing_for_whoever_has_no_guide_and_404_for_a_stranger_to_the_paper(seminar, document, client):
    group, cast, _paragraph = seminar
    assert _bar(client_for(cast["member"]), document).status_code == 204
    assert _bar(client, document).status_code == 204  # signed out
    _guide(group, cast, document)
    assert _bar(client_for(cast["outsider"]), document).status_code == 204  # not their group's guide
    Publication.objects.create(document=document, group=group, published_by=cast["instructor"])
    assert _bar(client_for(cast["outsider"]), document).status_code == 404
    assert _bar(client_for(cast["member"]), document).status_code == 200


def test_a_new_version_takes_the_guide_along_with_its_notes(seminar, document):
    group, cast, _paragraph = seminar
    found = _guide(group, cast, document)
    text = "\n\n".join(p.text for p in document.paragraphs.order_by("position"))
    publish_new_version(document, text.replace("new energy", "renewable energy"))
    current = Document.objects.get(slug="short-paper")
    found.refresh_from_db()
    assert found.document == current
    steps = found.steps.select_related("annotation__paragraph")
    assert {s.annotation.paragraph.document_id for s in steps} == {current.pk}
    client = client_for(cast["member"])
    page = _bar(client, current).content.decode()
    assert "Step 1 of 2" in page and "Start here." in page
    step = found.steps.select_related("annotation__paragraph").get(position=1)
    assert f'href="#p-{step.annotation.paragraph.anchor}"' in page
    page = _bar(client, current, step=2).content.decode()
    assert "Step 2 of 2" in page and "A member&#x27;s reading" in page
    assert "Start here." in client.get(reverse("guide", args=[group.pk, "short-paper"])).content.decode()


def test_a_guide_left_on_an_old_version_moves_to_the_current_one_unless_taken(seminar, group_roles, document):
    """The migration for guides written before new versions took them along."""
    group, cast, _paragraph = seminar
    other = group_roles[1]
    text = "\n\n".join(p.text for p in document.paragraphs.order_by("position"))
    publish_new_version(document, text)
    old, current = Document.objects.get(slug="short-paper--v1"), Document.objects.get(slug="short-paper")
    left = Guide.objects.create(group=group, document=old, title="Left behind")
    stays = Guide.objects.create(group=other, document=old, title="Older")
    newer = Guide.objects.create(group=other, document=current, title="Newer")
    import_module("versions.migrations.0008_guides_to_current_versions").move_guides(apps, None)
    assert Guide.objects.get(pk=left.pk).document == current
    assert Guide.objects.get(pk=stays.pk).document == old and Guide.objects.get(pk=newer.pk).document == current
