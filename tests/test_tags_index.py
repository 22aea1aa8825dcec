"""The tag index: every tag on the notes I may see, with counts from the database."""

import pytest
from django.urls import reverse

from annotations.models import Annotation, Visibility


@pytest.fixture
def tagged(document, group_roles):
    group, other, cast = group_roles
    paragraph = document.paragraphs.get(anchor="p2")

    def note(author, visibility, tags, group=None, **extra):
        a = Annotation.objects.create(paragraph=paragraph, author=author, body="x", visibility=visibility,
                                      group=group, **extra)
        a.tags.add(*tags)
        return a

    note(cast["member"], Visibility.PUBLIC, ["alpha", "beta"])
    note(cast["outsider"], Visibility.PUBLIC, ["alpha"])
    note(cast["instructor"], Visibility.GROUP, ["alpha", "seminar-only"], group=group)
    note(cast["other_instructor"], Visibility.GROUP, ["other-secret"], group=other)
    note(cast["moderator"], Visibility.PRIVATE, ["private-secret"])
    from django.utils import timezone

    note(cast["member"], Visibility.PUBLIC, ["deleted-tag"], deleted_at=timezone.now())
    return cast


def counts(response):
    return {row["tag__name"]: row["count"] for row in response.context["page"].object_list}


def test_anonymous_sees_public_tags_with_counts(client, tagged):
    response = client.get(reverse("tags"))
    assert response.status_code == 200
    assert counts(response) == {"alpha": 2, "beta": 1}
    for secret in ("seminar-only", "other-secret", "private-secret", "deleted-tag"):
        assert secret not in response.text


def test_member_sees_group_tags_and_counts_include_them(client, tagged):
    client.force_login(tagged["member"])
    assert counts(client.get(reverse("tags"))) == {"alpha": 3, "beta": 1, "seminar-only": 1}


def test_author_sees_own_private_tags(client, tagged):
    client.force_login(tagged["moderator"])
    assert counts(client.get(reverse("tags")))["private-secret"] == 1


def test_sorted_by_count_then_by_name(client, tagged):
    client.force_login(tagged["member"])
    by_count = [r["tag__name"] for r in client.get(reverse("tags")).context["page"].object_list]
    assert by_count == ["alpha", "beta", "seminar-only"]
    response = client.get(reverse("tags"), {"sort": "name"})
    assert [r["tag__name"] for r in response.context["page"].object_list] == ["alpha", "beta", "seminar-only"]
    assert response.context["sort"] == "name"


def test_sort_by_name_really_sorts_by_name(client, document, group_roles):
    paragraph = document.paragraphs.get(anchor="p2")
    member = group_roles[2]["member"]
    for tags in (["zebra"], ["zebra"], ["apple"]):
        Annotation.objects.create(paragraph=paragraph, author=member, visibility=Visibility.PUBLIC).tags.add(*tags)
    names = lambda r: [row["tag__name"] for row in r.context["page"].object_list]  # noqa: E731
    assert names(client.get(reverse("tags"))) == ["zebra", "apple"]
    assert names(client.get(reverse("tags"), {"sort": "name"})) == ["apple", "zebra"]
    assert names(client.get(reverse("tags"), {"sort": "bogus"})) == ["zebra", "apple"]


def test_tags_link_to_search(client, tagged):
    response = client.get(reverse("tags"))
    assert reverse("search") + "?tag=alpha" in response.text


def test_query_count_is_constant(client, document, group_roles, django_assert_max_num_queries):
    paragraph = document.paragraphs.get(anchor="p2")
    member = group_roles[2]["member"]
    for i in range(40):
        Annotation.objects.create(paragraph=paragraph, author=member, visibility=Visibility.PUBLIC).tags.add(f"t{i}")
    client.force_login(member)
    # session, user, roles, readable document ids, the tags with their counts (paged in
    # Python: a COUNT would scan the notes again)
    with django_assert_max_num_queries(5):
        response = client.get(reverse("tags"))
    assert len(response.context["page"].object_list) == 40


def test_counts_in_the_thousands_read_with_a_separator(client, document, group_roles):
    from taggit.models import Tag

    from annotations.models import TaggedAnnotation

    paragraph = document.paragraphs.get(anchor="p2")
    notes = Annotation.objects.bulk_create(
        Annotation(paragraph=paragraph, author=group_roles[2]["member"], body="x", visibility=Visibility.PUBLIC)
        for _ in range(1234)
    )
    tag = Tag.objects.create(name="crowded", slug="crowded")
    TaggedAnnotation.objects.bulk_create(TaggedAnnotation(tag=tag, content_object=a) for a in notes)
    response = client.get(reverse("tags"))
    assert '<span class="tag-count" aria-label="1,234 notes">1,234</span>' in response.text
