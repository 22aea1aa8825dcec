"""The permission matrix for annotations: every visibility (private, group, public, deleted)
against every action, for every role of tests/conftest.py, through real requests.

The annotation is written by the group's member ("member" column = its author), on
paragraph p2, links to paragraph p4, carries a unique tag, and its note holds a unique word,
so a leak through any page (margin, counts, backlinks, search, tag page, person page, tag
suggestions) is easy to spot. Roles are in ROLES' column order:
anonymous, outsider, member (author), moderator, instructor, other_instructor, superuser.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from access.policy import has_permission
from annotations.models import Annotation, Link, Visibility
from annotations.permissions import visible_annotations
from tests.conftest import ROLES

SECRET = "Zanzibarquill"
TAG = "quillfeathertag"
VISIBILITIES = ("private", "group", "public", "deleted")

# Who sees the annotation in lists, counts, backlinks, search, tag pages and suggestions.
# fmt: off
SEES = {
    #           anon  outsider member moderator instructor other_instr superuser
    "private": (0,    0,       1,     0,        0,         0,          0),
    "group":   (0,    0,       1,     1,        1,         0,          1),
    "public":  (1,    1,       1,     1,        1,         1,          1),
    "deleted": (0,    0,       0,     0,        0,         0,          0),
}
STATUS = {
    # The annotation's own page (its author may still open a deleted one, to restore it).
    ("view", "private"):    (404, 404, 200, 404, 404, 404, 404),
    ("view", "group"):      (404, 404, 200, 200, 200, 404, 200),
    ("view", "public"):     (200, 200, 200, 200, 200, 200, 200),
    ("view", "deleted"):    (404, 404, 200, 404, 404, 404, 404),
    # Edit (note, tags, visibility), delete, and add a link from it: the author, while it is live.
    # 404 to whoever may not see it, 403 to whoever may see it but not change it.
    ("edit", "private"):    (302, 404, 302, 404, 404, 404, 404),
    ("edit", "group"):      (302, 404, 302, 403, 403, 404, 403),
    ("edit", "public"):     (302, 403, 302, 403, 403, 403, 403),
    ("edit", "deleted"):    (302, 404, 403, 404, 404, 404, 404),
    ("delete", "private"):  (302, 404, 302, 404, 404, 404, 404),
    ("delete", "group"):    (302, 404, 302, 403, 403, 404, 403),
    ("delete", "public"):   (302, 403, 302, 403, 403, 403, 403),
    ("delete", "deleted"):  (302, 404, 403, 404, 404, 404, 404),
    ("link_to", "private"): (302, 404, 302, 404, 404, 404, 404),
    ("link_to", "group"):   (302, 404, 302, 403, 403, 404, 403),
    ("link_to", "public"):  (302, 403, 302, 403, 403, 403, 403),
    ("link_to", "deleted"): (302, 404, 403, 404, 404, 404, 404),
    # Restore: the author, within 30 days of deleting it.
    ("restore", "deleted"): (302, 404, 302, 404, 404, 404, 404),
}
# fmt: on


@pytest.fixture
def world(document, group_roles):
    group, other, cast = group_roles

    def make(visibility):
        a = Annotation.objects.create(
            paragraph=document.paragraphs.get(anchor="p2"), author=cast["member"], body=f"The {SECRET} argument",
            visibility=Visibility.PUBLIC if visibility == "deleted" else visibility,
            group=group if visibility == "group" else None,
            deleted_at=timezone.now() - timedelta(days=1) if visibility == "deleted" else None,
        )
        a.tags.set([TAG])
        Link.objects.create(annotation=a, target=document.paragraphs.get(anchor="p4"), relation="contradicts")
        return a

    return make, document, cast


def margin_of(html, anchor):
    return html.split(f'id="p-{anchor}"', 1)[1].split("</aside>", 1)[0]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_lists_counts_backlinks_search_tags_and_suggestions(role, visibility, world, request_as):
    make, document, cast = world
    a = make(visibility)
    sees = bool(SEES[visibility][ROLES.index(role)])
    reading = request_as(role, "GET", reverse("document", args=[document.slug])).text
    pages = {
        "list (the margin)": margin_of(reading, "p2"),
        "see a backlink": margin_of(reading, "p4"),
        # (searched by another word of the note: the page repeats the query in its search box)
        "search": request_as(role, "GET", reverse("search"), {"q": "argument"}).text,
        "tag page": request_as(role, "GET", reverse("tag", args=[TAG])).text,
        "person page": request_as(role, "GET", reverse("person", args=["mia"])).text,
    }
    for where, html in pages.items():
        # The author's own page lists what they deleted, to restore it; nobody else's does.
        own_restore_list = where == "person page" and visibility == "deleted" and role == "member"
        assert (SECRET in html) == (sees or own_restore_list), f"{role} / {visibility}: {where}"
    # count: the margin's number, from the database
    assert ('data-count="1"' in pages["list (the margin)"]) == sees, f"{role} / {visibility}: count"
    assert ("Linked from" in pages["see a backlink"]) == sees, f"{role} / {visibility}: backlink"
    suggestions = request_as(role, "GET", reverse("tag_suggestions"), {"tags": TAG[:5]}).text
    assert (TAG in suggestions) == sees, f"{role} / {visibility}: tag suggestions"
    # The queryset and the predicate agree.
    user = None if role == "anonymous" else cast[role]
    if user is not None:
        assert (a in visible_annotations(user).live()) == sees


def _edit_data(a, **extra):
    return {"body": "Changed", "visibility": "public", "version": a.version, **extra}


ACTIONS = {
    "view": ("GET", lambda a: reverse("annotation", args=[a.pk]), lambda a: {}),
    "edit": ("POST", lambda a: reverse("annotation_edit", args=[a.pk]), _edit_data),
    "delete": ("POST", lambda a: reverse("annotation_delete", args=[a.pk]), lambda a: {}),
    "link_to": ("POST", lambda a: reverse("annotation_edit", args=[a.pk]),
                lambda a: _edit_data(a, body=a.body, link="https://example.org/more", relation="supports")),
    "restore": ("POST", lambda a: reverse("annotation_restore", args=[a.pk]), lambda a: {}),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action, visibility", list(STATUS))
def test_actions(action, visibility, role, world, request_as):
    make, document, cast = world
    a = make(visibility)
    method, url, data = ACTIONS[action]
    response = request_as(role, method, url(a), data(a))
    expected = STATUS[(action, visibility)][ROLES.index(role)]
    assert response.status_code == expected, f"{role} {action} {visibility}"
    if role == "anonymous" and expected == 302:
        assert response["Location"].startswith(reverse("login"))
    if expected != 200 or role != "member":
        if not SEES[visibility][ROLES.index(role)] and expected != 302:
            assert SECRET not in response.content.decode(), f"{role} {action} {visibility} leaked"
    # Whatever was refused changed nothing.
    a_after = Annotation.objects.get(pk=a.pk)
    if expected in (403, 404) or role == "anonymous":
        assert (a_after.body, a_after.deleted_at, a_after.links.count()) == (a.body, a.deleted_at, 1)


@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_the_predicates_match_the_table(visibility, world):
    from django.contrib.auth.models import AnonymousUser

    make, document, cast = world
    a = make(visibility)
    for role in ROLES:
        user = AnonymousUser() if role == "anonymous" else cast[role]
        index = ROLES.index(role)
        assert has_permission(user, "annotation.view", a) == (STATUS[("view", visibility)][index] == 200), role
        may_edit = STATUS[("edit", visibility)][index] == 302 and role != "anonymous"
        assert has_permission(user, "annotation.edit", a) == may_edit, role
        assert has_permission(user, "annotation.delete", a) == may_edit, role
