"""No input answers 500: hostile values in every URL's parameters, query and form fields.

Nothing here is a hand list of views: the URLs come from walking the URL resolver (so a view
is covered the day its pattern is added), and the field names from every Form class of the
project, the API's schema and the form controls and links the pages themselves render. Each
URL is tried as nobody and as a signed-in instructor of a group (which reaches the most
code), with real objects behind the valid ids, inside a savepoint rolled back afterwards so
one URL's writes (a deleted group, a log-out) do not change what the next one sees.
"""

import json
import re
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from django import forms
from django.apps import apps
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, URLResolver, get_resolver
from django.utils.regex_helper import normalize

from annotations.models import Annotation, Link, Visibility
from api.api import api
from api.models import ApiToken
from discussions.models import Guide, GuideStep, Notification
from groups.models import Invitation, Membership

# Already percent-encoded, so invalid UTF-8 ("%FF%FE") and NUL reach the server as sent.
HOSTILE_PATH_VALUES = ["%00", "%FF%FE", "%0A", "abc", "-1", "0", "99999999999999999999", "x" * 1000]
# Spread over the fields, each request shifted by one, so every field gets every value: not a
# number, negative, huge, a date past year 9999's end, invalid UTF-8 followed by overlong text.
# NUL goes alone: one NUL anywhere refuses the whole request (config/request_guards.py).
HOSTILE_FIELD_VALUES = ["NaN", "-1", "99999999999999999999", "9999-12-31", "%FF%FE" + "x" * 1000]
HOSTILE_JSON_BODIES = [
    json.dumps({"value": "\u0000", "n": 99999999999999999999, "neg": -1, "long": "x" * 3000,
                "date": "9999-12-31", "deep": [[[[[[]]]]]]}),
    "[" * 100_000,
    "\"\\ud800\"",  # a lone surrogate
]
ROOT = Path(__file__).resolve().parent.parent
# This project's apps (a new one counts at once), its config, and Django's auth forms it serves.
PROJECT_MODULES = tuple(app.name for app in apps.get_app_configs() if Path(app.path).is_relative_to(ROOT)) + (
    "config", "django.contrib.auth")
CONTROL_NAME = re.compile(r"<(?:input|select|textarea|button)\b[^>]*\bname=\"([^\"]+)\"")
LINK_QUERY = re.compile(r"href=\"[^\"]*\?([^\"#]+)")


def url_patterns(patterns=None, prefix=""):
    """(format string, parameter names) of every endpoint, include()s followed recursively."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        regex = prefix + pattern.pattern.regex.pattern.removeprefix("^")
        if isinstance(pattern, URLResolver):
            yield from url_patterns(pattern.url_patterns, regex)
        else:
            yield from normalize(regex)


def form_field_names() -> set[str]:
    """The fields of every Form class in the project (and Django's auth forms it serves)."""
    names, todo = set(), [forms.BaseForm]
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if cls.__module__.startswith(PROJECT_MODULES):
            names |= set(getattr(cls, "base_fields", {}))
    return names


def api_field_names() -> set[str]:
    """Every query parameter and body property the API's schema names."""
    schema = api.get_openapi_schema()
    names = {p["name"] for item in schema["paths"].values() for op in item.values() if isinstance(op, dict)
             for p in op.get("parameters", [])}
    for component in schema.get("components", {}).get("schemas", {}).values():
        names |= set(component.get("properties", {}))
    return names


def fill(format_string, values):
    return "/" + format_string % values


def resolves(url) -> bool:
    try:
        get_resolver().resolve(unquote(url.split("?")[0]))
    except Resolver404:
        return False
    return True


@pytest.fixture
def world(document, group_roles, make_user):
    """One of each thing a URL can name, and for each URL parameter (by the path segment before
    it) a value naming a real one: the values hostile ones are mixed with."""
    group, _, cast = group_roles
    instructor = cast["instructor"]
    p2, p3 = document.paragraphs.get(anchor="p2"), document.paragraphs.get(anchor="p3")
    note = Annotation.objects.create(paragraph=p2, author=instructor, body="Seminar *note*", quote="Industrial",
                                     start=0, end=10, visibility=Visibility.GROUP, group=group)
    note.tags.add("energy")
    Annotation.objects.create(paragraph=p2, author=cast["member"], body="A reply", parent=note,
                              visibility=Visibility.GROUP, group=group)
    Link.objects.create(annotation=note, target=p3, relation="supports")
    invitation = Invitation.objects.create(group=group, created_by=instructor)
    guide = Guide.objects.create(group=group, document=document, title="Guide", created_by=instructor)
    step = GuideStep.objects.create(guide=guide, position=1, annotation=note)
    notification = Notification.objects.create(recipient=instructor, kind="reply", annotation=note,
                                               actor=cast["member"])
    token, _ = ApiToken.issue(instructor, "fuzz")
    membership = Membership.objects.get(group=group, user=cast["member"])
    by_segment = {
        "d": document.slug, "guides": document.slug, "dashboard": document.slug, "documents": document.slug,
        "p": "p2", "groups": group.pk, "annotations": note.pk, "threads": note.pk, "notifications": notification.pk,
        "tokens": token.pk, "invitations": invitation.pk, "members": membership.pk, "steps": step.pk,
        "join": invitation.token, "tags": "energy", "people": instructor.username, "paragraphs": p2.pk,
        "v": 1,
    }
    return instructor, by_segment


def valid_values(format_string, params, by_segment):
    """For each parameter, the real value its preceding path segment names ("1" when unknown)."""
    values = {}
    for name in params:
        before = format_string.split(f"%({name})s")[0].rstrip("/").rsplit("/", 1)[-1]
        values[name] = quote(str(by_segment.get(before, "1")), safe="")
    return values


def test_no_hostile_value_anywhere_answers_500(world):
    instructor, by_segment = world
    client = Client(raise_request_exception=False)
    endpoints = sorted({(fmt, tuple(params)) for fmt, params in url_patterns()})
    assert len(endpoints) > 100  # the walk found the whole site, include()s and the API too
    failures = []

    def send(who, method, url, body=None, content_type=None):
        if method == "GET":
            response = client.get(url)
        else:
            response = client.generic(method, url, body or "", content_type=content_type)
        if response.status_code >= 500:
            failures.append(f"{who} {method} {url[:160]} -> {response.status_code}")
        return response

    # Field names: the forms', the API's, and those the pages render (first pass, valid URLs).
    names = form_field_names() | api_field_names()
    for fmt, params in endpoints:
        with transaction.atomic():
            client.force_login(instructor)
            page = send("instructor", "GET", fill(fmt, valid_values(fmt, params, by_segment)))
            if page.get("Content-Type", "").startswith("text/html"):
                text = page.content.decode(errors="replace")
                names |= set(CONTROL_NAME.findall(text))
                names |= {pair.split("=")[0] for query in LINK_QUERY.findall(text)
                          for pair in query.replace("&amp;", "&").split("&")}
            transaction.set_rollback(True)
    names.discard("csrfmiddlewaretoken")
    assert {"body", "tags", "visibility", "expires_on", "paragraph", "username", "q", "by"} <= names

    names = sorted(names)
    queries = ["&".join(f"{quote(name)}=%00" for name in names)] + [
        "&".join(f"{quote(name)}={HOSTILE_FIELD_VALUES[(i + shift) % len(HOSTILE_FIELD_VALUES)]}"
                 for i, name in enumerate(names))
        for shift in range(len(HOSTILE_FIELD_VALUES))
    ]
    for who in ("anonymous", "instructor"):
        for fmt, params in endpoints:
            valid = valid_values(fmt, params, by_segment)
            url = fill(fmt, valid)
            api = url.startswith("/api/")
            with transaction.atomic():
                if who == "instructor":
                    client.force_login(instructor)
                else:
                    client.logout()
                plain = {}
                for method in ("GET", "POST", "PUT", "PATCH", "DELETE") if api else ("GET", "POST"):
                    response = send(who, method, url)
                    # Not this method, sent to log in first, or answered as GET is whatever
                    # the method (a schema, a redirect): the view reads no input.
                    if response.status_code == 405 or (response.status_code == 302 and "/login/" in response["Location"]):
                        continue
                    if method != "GET" and (response.status_code, response.content) == plain.get("GET"):
                        continue
                    plain[method] = (response.status_code, response.content)
                if "GET" in plain:
                    # Each path parameter in turn, the others valid; values the URL patterns do
                    # not match are answered 404 by the resolver alone, so are not sent.
                    for name in params:
                        for value in HOSTILE_PATH_VALUES:
                            hostile = fill(fmt, {**valid, name: value})
                            if resolves(hostile):
                                send(who, "GET", hostile)
                for method in plain:
                    for query in queries:
                        if method == "GET":
                            send(who, method, f"{url}?{query}")
                        else:
                            send(who, method, url, query, "application/x-www-form-urlencoded")
                    if api and method != "GET":
                        for body in HOSTILE_JSON_BODIES:
                            send(who, method, url, body, "application/json")
                transaction.set_rollback(True)
    assert not failures, "Answered 500:\n" + "\n".join(sorted(set(failures)))
