"""A tag's page: everything I may see with that tag, whatever its case, in constant queries."""

import pytest
from django.urls import reverse

from annotations.models import Annotation, Visibility


@pytest.fixture
def tagged(document, group_roles):
    group, other, cast = group_roles
    p = document.paragraphs.get(anchor="p2")

    def note(author, body, visibility, group=None, tags=("energy",)):
        a = Annotation.objects.create(paragraph=p, author=cast[author], body=body, visibility=visibility, group=group)
        a.tags.set(list(tags))
        return a

    return {
        "public": note("member", "Public energy note", Visibility.PUBLIC),
        "group": note("member", "Seminar energy note", Visibility.GROUP, group),
        "private": note("member", "Private energy note", Visibility.PRIVATE),
        "other_tag": note("member", "Unrelated note", Visibility.PUBLIC, tags=("water",)),
    }, cast


def tag_page(client, name="energy"):
    return client.get(reverse("tag", args=[name]))


def test_anonymous_readers_see_only_public_notes_with_the_tag(client, tagged):
    html = tag_page(client).text
    assert "Public energy note" in html
    assert "Seminar energy note" not in html and "Private energy note" not in html and "Unrelated note" not in html
    assert "1 annotation you can see" in html


def test_group_members_see_the_group_notes_and_authors_their_private_ones(client, tagged):
    _, cast = tagged
    client.force_login(cast["moderator"])
    html = tag_page(client).text
    assert "Seminar energy note" in html and "Private energy note" not in html
    client.force_login(cast["member"])
    assert "Private energy note" in tag_page(client).text


def test_tags_are_case_insensitive(client, tagged):
    html = tag_page(client, "ENERGY").text
    assert "Public energy note" in html


def test_deleted_notes_are_not_listed(client, tagged):
    notes, cast = tagged
    Annotation.objects.filter(pk=notes["private"].pk).update(deleted_at="2026-01-01T00:00Z")
    client.force_login(cast["member"])
    html = tag_page(client).text
    assert "Private energy note" not in html and "Public energy note" in html


@pytest.mark.parametrize("extra", [0, 60])
def test_the_tag_page_takes_a_constant_number_of_queries(client, tagged, extra, django_assert_max_num_queries):
    notes, cast = tagged
    for i in range(extra):
        a = Annotation.objects.create(paragraph=notes["public"].paragraph, author=cast["member"], body=f"More {i}",
                                      visibility=Visibility.PUBLIC)
        a.tags.set(["energy", f"t{i}"])
    client.force_login(cast["member"])
    # session, user, roles, count, page of annotations, their tags, their links
    with django_assert_max_num_queries(7):
        assert tag_page(client).status_code == 200
