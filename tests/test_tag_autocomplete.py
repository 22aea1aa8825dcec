"""Tag suggestions come from annotations I may see, never from others' private ones."""

import pytest
from django.urls import reverse

from annotations.models import Annotation, Visibility


@pytest.fixture
def tags(document, group_roles):
    group, other, cast = group_roles
    p = document.paragraphs.get(anchor="p2")
    for author, visibility, g, names in (
        ("member", Visibility.PUBLIC, None, ["energy", "economy"]),
        ("member", Visibility.PUBLIC, None, ["energy"]),
        ("member", Visibility.GROUP, group, ["emissions"]),
        ("member", Visibility.PRIVATE, None, ["embarrassing"]),
        ("outsider", Visibility.PRIVATE, None, ["eccentric"]),
    ):
        a = Annotation.objects.create(paragraph=p, author=cast[author], visibility=visibility, group=g, body="x")
        a.tags.set(names)
    return cast


def suggest(client, typed):
    response = client.get(reverse("tag_suggestions"), {"tags": typed})
    assert response.status_code == 200
    return response.text


def test_strangers_get_public_tags_most_used_first(client, tags):
    html = suggest(client, "e")
    assert html.index('value="energy"') < html.index('value="economy"')
    assert "emissions" not in html and "embarrassing" not in html and "eccentric" not in html


def test_members_get_group_tags_and_authors_their_own_private_ones(client, tags):
    client.force_login(tags["instructor"])
    html = suggest(client, "e")
    assert "emissions" in html and "embarrassing" not in html and "eccentric" not in html
    client.force_login(tags["member"])
    html = suggest(client, "E")
    assert "embarrassing" in html and "eccentric" not in html


def test_the_suggestion_completes_the_last_tag_and_keeps_the_others(client, tags):
    html = suggest(client, "policy, ene")
    assert '<option value="policy, energy">' in html
    # A tag already in the field is not offered again.
    assert "energy, energy" not in suggest(client, "energy, e")


def test_nothing_typed_nothing_suggested(client, tags):
    assert "<option" not in suggest(client, "")
    assert "<option" not in suggest(client, "policy, ")


def test_tags_are_case_insensitive_and_trimmed_when_saved(client, tags, document):
    client.force_login(tags["member"])
    client.post(reverse("annotation_new", args=[document.slug, "p3"]),
                {"tags": "  ENERGY ,  new   tag, New Tag", "visibility": "private"})
    a = Annotation.objects.latest("pk")
    assert sorted(t.name for t in a.tags.all()) == ["energy", "new tag"]  # the existing spelling is reused
