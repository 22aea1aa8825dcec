"""A group's assignments: on the group page (fetched by htmx, with a link for no JavaScript)
and on a page of their own; members see them, strangers get 404."""

import pytest
from django.urls import reverse

from courses.models import Assignment
from reader.models import Document
from tests.courses_support import course  # noqa: F401  (a fixture)
from tests.discussions_support import client_for
from versions.models import Publication


def url(course):
    return reverse("group_assignments", args=[course.group.pk])


@pytest.mark.parametrize("role, status", [
    ("anonymous", 302), ("outsider", 404), ("other_instructor", 404), ("member", 200), ("instructor", 200),
])
def test_who_may_see_them(course, request_as, role, status):
    assert request_as(role, "GET", url(course)).status_code == status


def test_the_group_page_fetches_them_and_links_to_them(course):
    html = client_for(course.member).get(reverse("group", args=[course.group.pk])).content.decode()
    assert f'hx-get="{url(course)}" hx-trigger="load"' in html
    assert f'<a href="{url(course)}">See the group\'s assignments</a>' in html


def test_members_see_the_list_soonest_due_first_and_only_instructors_may_add(course):
    Assignment.objects.create(group=course.group, document=course.document, title="No date yet")
    Assignment.objects.create(group=course.other, document=course.document, title="Another group's")
    hidden = Document.objects.create(title="Elsewhere", slug="elsewhere")
    Publication.objects.create(document=hidden, group=course.other, published_by=course.other_instructor)
    Assignment.objects.create(group=course.group, document=hidden, title="On a paper members cannot read")
    fragment = client_for(course.member).get(url(course), headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert "<html" not in html  # a fragment for the group page
    assert html.index("Week one: the short paper") < html.index("No date yet")
    assert "due 2 March 2026, 17:00" in html and "Another group's" not in html
    assert "On a paper members cannot read" not in html
    assert "New assignment" not in html
    page = client_for(course.instructor).get(url(course)).content.decode()
    assert "<html" in page and reverse("assignment_create", args=[course.group.pk]) in page
