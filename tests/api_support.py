"""Fixtures shared by the API tests (import them into a test module to use them)."""

import json
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import timezone

from annotations.models import Annotation, Link, Visibility
from api.models import ApiToken
from tests.conftest import ROLES  # noqa: F401  (re-exported for the test modules)


class ApiClient:
    """A Django test client speaking JSON with a bearer token (or as nobody)."""

    def __init__(self, user=None):
        self.client = Client()
        self.headers = {}
        if user is not None:
            _, raw = ApiToken.issue(user, "tests")
            self.headers["Authorization"] = f"Bearer {raw}"

    def request(self, method, url, data=None, headers=None, **params):
        all_headers = {**self.headers, **(headers or {})}
        if method == "GET":
            return self.client.get(url, params or None, headers=all_headers)
        body = json.dumps(data) if data is not None else ""
        return self.client.generic(method, url, body, content_type="application/json", headers=all_headers)

    def get(self, url, **params):
        headers = params.pop("headers", None)
        return self.request("GET", url, headers=headers, **params)

    def post(self, url, data=None, headers=None):
        return self.request("POST", url, data, headers)

    def put(self, url, data=None, headers=None):
        return self.request("PUT", url, data, headers)

    def patch(self, url, data=None, headers=None):
        return self.request("PATCH", url, data, headers)

    def delete(self, url, headers=None):
        return self.request("DELETE", url, None, headers)


@pytest.fixture
def api_as(group_roles):
    """api_as(role) -> ApiClient for one of the group_roles cast; "anonymous" sends no token."""
    _, _, cast = group_roles
    return lambda role: ApiClient(None if role == "anonymous" else cast[role])


@pytest.fixture
def world(document, group_roles):
    """A note of every audience on the small document, plus a reply, a hidden note and a deleted one."""
    group, other, cast = group_roles
    p = {para.anchor: para for para in document.paragraphs.all()}
    make = Annotation.objects.create
    w = SimpleNamespace(document=document, group=group, other=other, cast=cast, p=p)
    w.public = make(paragraph=p["p2"], author=cast["member"], body="Public note on policy",
                    visibility=Visibility.PUBLIC, quote="Industrial policy", start=0, end=17)
    w.public.tags.add("policy")
    w.group_note = make(paragraph=p["p3"], author=cast["instructor"], body="Seminar question on energy",
                        visibility=Visibility.GROUP, group=group)
    w.group_note.tags.add("seminar")
    Link.objects.create(annotation=w.group_note, target=p["p2"], relation="supports")
    w.private = make(paragraph=p["p3"], author=cast["member"], body="My private thought",
                     visibility=Visibility.PRIVATE)
    w.other_note = make(paragraph=p["p4"], author=cast["other_instructor"], body="Other seminar secret",
                        visibility=Visibility.GROUP, group=other)
    w.hidden = make(paragraph=p["p4"], author=cast["member"], body="Hidden by a moderator",
                    visibility=Visibility.GROUP, group=group, hidden_at=timezone.now())
    w.reply = make(paragraph=p["p3"], author=cast["member"], body="A reply in the seminar",
                   visibility=Visibility.GROUP, group=group, parent=w.group_note)
    w.deleted = make(paragraph=p["p2"], author=cast["member"], body="Deleted note",
                     visibility=Visibility.PUBLIC, deleted_at=timezone.now())
    return w


# Which of world's annotations each role may read, as the permission map says.
VISIBLE = {
    "anonymous": {"public"},
    "outsider": {"public"},
    "member": {"public", "group_note", "private", "hidden", "reply"},
    "moderator": {"public", "group_note", "hidden", "reply"},
    "instructor": {"public", "group_note", "hidden", "reply"},
    "other_instructor": {"public", "other_note"},
    "superuser": {"public", "group_note", "other_note", "hidden", "reply"},
}
ALL_NOTES = ("public", "group_note", "private", "other_note", "hidden", "reply", "deleted")
