"""The sweep: every URL the project resolves and every operation of the API's OpenAPI schema,
for every role, with the ids of objects that role may not see. A new view is swept the day it
is added: its pattern comes from the URL resolver, and a parameter this module cannot fill
fails the test until it says which hidden object the parameter names.

Each request must neither reveal nor change the hidden objects: no 200, 201, 204 or 403 (a
403 confirms the object exists), no redirect except a signed-out person's to the login page,
no 500; no word of the hidden papers, notes or groups in the body; no row of the database
changed. Roles: anonymous, outsider, member, moderator, instructor, other_instructor (of
another group), superuser; each gets the other side's objects (the superuser: someone's
private note, upload, notification, token and orphan, the only things hidden from them).
"""

import json
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from annotations.models import Annotation, Visibility
from api.api import api
from api.models import ApiToken
from courses.models import Assignment, ScoreOverride
from discussions.models import Curation, Flag, Follow, Guide, GuideStep, ModerationAction, Notification, Vote
from groups.models import GroupSettings, Invitation, Membership, Role
from reader.importing import import_document
from tests.conftest import ROLES
from versions.models import DocumentVersion, Lineage, Orphan, Publication, Upload

# Not swept, and why: the admin is the superuser's own (and sends everyone else to its login);
# a password-reset link, a sign-up's activation link and an invite link are capabilities
# (whoever holds the token may use it; tests/test_signup.py and tests/test_invitations.py
# cover the last two).
UNSWEPT = {"admin/", "accounts/password/reset/<uidb64>/<token>/", "accounts/activate/<uidb64>/<token>/",
           "join/<str:token>/"}

SCHEMA = api.get_openapi_schema(path_prefix="/api/")


def _patterns(patterns=None, prefix=""):
    for p in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(p.pattern)
        if any(route.startswith(skip) for skip in UNSWEPT):
            continue
        if isinstance(p, URLResolver):
            yield from _patterns(p.url_patterns, route)
        elif isinstance(p, URLPattern) and p.pattern.converters and not route.startswith("api/"):
            yield route, p


ROUTES = sorted({route for route, _ in _patterns()})


def _world(label, group, instructor, author):
    """A group-only paper with a public note, a reply, a group note and a prompt on it; the
    group's invitation, guide, upload, orphan, and a notification and a token of its instructor.
    Every text carries `label`, so a leak is a word in a body."""
    paper, _ = import_document(
        f"{label} Paper Title\n\n1. Opening\n\nThe {label} paragraph speaks of harbours.\n", f"{label.lower()}-paper"
    )
    Publication.objects.create(document=paper, group=group, published_by=instructor)
    paragraph = paper.paragraphs.get(kind="body")
    note = Annotation.objects.create(
        paragraph=paragraph, author=author, body=f"{label} public note", visibility=Visibility.PUBLIC
    )
    note.tags.set([f"{label.lower()}tag"])
    reply = Annotation.objects.create(
        paragraph=paragraph, author=instructor, body=f"{label} reply", parent=note, visibility=Visibility.PUBLIC
    )
    group_note = Annotation.objects.create(
        paragraph=paragraph, author=author, body=f"{label} group note", visibility=Visibility.GROUP, group=group
    )
    Curation.objects.create(annotation=group_note, is_question=True)
    guide = Guide.objects.create(group=group, document=paper, title=f"{label} guide", created_by=instructor)
    step = GuideStep.objects.create(guide=guide, annotation=note, position=1, note=f"{label} step")
    version = DocumentVersion.objects.create(lineage=Lineage.objects.create(), document=paper, number=1)
    orphan = Orphan.objects.create(annotation=group_note, version=version, old_paragraph=paragraph)
    notification = Notification.objects.create(
        recipient=instructor, kind=Notification.Kind.REPLY, annotation=note, actor=author
    )
    token, _raw = ApiToken.issue(instructor, f"{label} token")
    assignment = Assignment.objects.create(group=group, document=paper, guide=guide, title=f"{label} assignment")
    ScoreOverride.objects.create(assignment=assignment, student=author, points=1, reason=f"{label} override")
    return SimpleNamespace(
        label=label, group=group, paper=paper, paragraph=paragraph, note=note, reply=reply, group_note=group_note,
        guide=guide, step=step, orphan=orphan, notification=notification, token=token, author=author,
        assignment=assignment,
        membership=Membership.objects.get(group=group, user=author),
        invitation=Invitation.objects.create(group=group, created_by=instructor),
        upload=Upload.objects.create(
            uploaded_by=instructor, source_name=f"{label}.txt", text=f"{label} draft\n\nWords.\n",
            slug=f"{label.lower()}-draft", group=group,
        ),
        secrets=[f"{label} Paper", f"{label} public", f"{label} reply", f"{label} group", f"{label} paragraph",
                 f"{label} guide", f"{label} step", f"{label} draft", f"{label} assignment", f"{label} override",
                 group.name],
    )


@pytest.fixture
def worlds(group_roles, make_user):
    group, other, cast = group_roles
    group.name, other.name = "Seminar Alderwood", "Seminar Birchmoor"
    group.save(), other.save()
    gita, oscar = make_user("gita"), make_user("oscar")
    Membership.objects.create(group=group, user=gita, role=Role.MEMBER)
    Membership.objects.create(group=other, user=oscar, role=Role.MEMBER)
    GroupSettings.objects.create(group=group, allow_anonymous=True)
    mine = _world("Alderwood", group, cast["instructor"], gita)
    theirs = _world("Birchmoor", other, cast["other_instructor"], oscar)
    # Hidden even from the superuser: a member's private note (and their upload, notification,
    # token and the orphan of that note).
    private = SimpleNamespace(**vars(mine))
    private.note = private.reply = private.group_note = Annotation.objects.create(
        paragraph=mine.paragraph, author=gita, body="Cedarfall private note", visibility=Visibility.PRIVATE
    )
    private.orphan = Orphan.objects.create(
        annotation=private.note, version=mine.orphan.version, old_paragraph=mine.paragraph
    )
    private.upload = Upload.objects.create(uploaded_by=gita, source_name="c.txt", text="Cedarfall draft\n\nW.\n")
    private.notification = Notification.objects.create(
        recipient=gita, kind=Notification.Kind.REPLY, annotation=private.note, actor=gita
    )
    private.token, _raw = ApiToken.issue(gita, "Cedarfall token")
    private.secrets = ["Cedarfall"]
    hidden_from = {
        "anonymous": mine, "outsider": mine, "other_instructor": mine,
        "member": theirs, "moderator": theirs, "instructor": theirs,
        "superuser": private,
    }
    return hidden_from, cast


# Which hidden object each parameter names, by the route it is in.
def _value(route, name, w):
    if name == "pk":
        for prefix, pk in (
            ("annotations/", w.note.pk), ("threads/", w.note.pk), ("groups/", w.group.pk), ("uploads/", w.upload.pk),
            ("orphans/", w.orphan.pk), ("notifications/", w.notification.pk), ("api/tokens/", w.token.pk),
            ("assignments/", w.assignment.pk),
        ):
            if route.startswith(prefix):
                return pk
    if name == "slug":  # a paper's (a guide and a dashboard page are named by their paper too)
        return w.paper.slug
    return {
        "anchor": w.paragraph.anchor, "membership_pk": w.membership.pk, "invitation_pk": w.invitation.pk,
        "step_pk": w.step.pk, "position": 1, "number": 1, "table": "participation",
        "name": w.note.tags.first().name if w.note.tags.exists() else "none", "username": w.author.username,
    }[name]


# For the superuser only notes, uploads, orphans, notifications and tokens can be hidden:
# routes naming a group or a paper show them everything, by design.
SUPERUSER_SWEPT = ("annotations/", "threads/", "uploads/", "orphans/", "notifications/", "api/tokens/")

# What a POST sends: every field name the project's forms use, with plausible values.
POST_DATA = {
    "body": "Sneaking in", "reason": "Look", "role": "moderator", "name": "Renamed", "description": "x",
    "visibility": "public", "version": 1, "paragraph": 1, "position": 1, "instructions": "x", "anonymous": "on",
    "allow_anonymous": "on", "hide_until_posted": "on", "direction": "up", "quote": "", "file": "",
    "points": "9", "title": "Renamed", "points_possible": "5", "clear": "1",
}


def _snapshot():
    """Every row of every table a hidden object lives in (what a refused request must not change)."""
    models = [Annotation, Vote, Flag, Notification, Membership, Invitation, Curation, ModerationAction, Guide,
              GuideStep, Publication, Upload, Orphan, Follow, GroupSettings, DocumentVersion, Assignment, ScoreOverride]
    rows = {m.__name__: list(m.objects.order_by("pk").values()) for m in models}
    rows["ApiToken"] = list(ApiToken.objects.order_by("pk").values("pk", "revoked_at"))
    rows["groups"] = list(get_user_model().objects.order_by("pk").values("pk", "is_active"))
    return rows


# Pages listing what a viewer may see under a name anyone may type: they answer any name, so a
# 200 that shows none of the hidden notes reveals nothing (the body check is what counts).
LISTINGS = {"tags/<tagname:name>/"}


def _judge(response, role, w, what, listing=False):
    status = response.status_code
    assert status != 500, f"{what}: 500"
    body = response.content.decode(errors="replace") if not getattr(response, "streaming", False) else ""
    for secret in w.secrets:
        assert secret not in body, f"{what}: shows {secret!r}"
    if status in (301, 302, 303, 307, 308):
        assert role == "anonymous" and response["Location"].startswith(reverse("login")), (
            f"{what}: {status} to {response['Location']}"
        )
    elif not (listing and status == 200):
        assert status in (400, 401, 404, 405, 422), f"{what}: {status}"


@pytest.mark.parametrize("role", ROLES)
def test_no_view_reveals_or_changes_what_a_role_may_not_see(role, worlds):
    hidden_from, cast = worlds
    w = hidden_from[role]
    client = Client()
    if role != "anonymous":
        client.force_login(cast[role])
    before = _snapshot()
    swept = 0
    for route, pattern in _patterns():
        if role == "superuser" and not route.startswith(SUPERUSER_SWEPT):
            continue
        kwargs = {name: _value(route, name, w) for name in pattern.pattern.converters}
        url = reverse(pattern.name, kwargs=kwargs) if pattern.name else None
        assert url, f"{route} has no name: sweep it by name"
        for method in ("GET", "POST"):
            response = client.get(url) if method == "GET" else client.post(url, POST_DATA)
            _judge(response, role, w, f"{role} {method} {route}", listing=method == "GET" and route in LISTINGS)
            swept += 1
    assert _snapshot() == before, f"{role}: a refused request changed the database"
    assert swept >= (2 * len(SUPERUSER_SWEPT) if role == "superuser" else 2 * len(ROUTES) - 1)


def _api_operations():
    for path, operations in SCHEMA["paths"].items():
        if "{" in path:
            for method in operations:
                yield method.upper(), path


API_BODY = {"body": "Sneaking in", "paragraph": 1, "visibility": "public", "tags": [], "links": []}


@pytest.mark.parametrize("role", ROLES)
def test_no_api_operation_reveals_or_changes_what_a_role_may_not_see(role, worlds):
    hidden_from, cast = worlds
    w = hidden_from[role]
    headers = {}
    if role != "anonymous":
        _, raw = ApiToken.issue(cast[role], "sweep")
        headers["Authorization"] = f"Bearer {raw}"
    client = Client()
    before = _snapshot()
    swept = 0
    for method, path in _api_operations():
        if role == "superuser" and "{annotation_id}" not in path:
            continue
        url = path.format(
            annotation_id=w.note.pk, slug=w.paper.slug, paragraph_id=w.paragraph.pk, group_id=w.group.pk
        )
        if method == "GET":
            response = client.get(url, headers=headers)
        else:
            response = client.generic(method, url, json.dumps(API_BODY), content_type="application/json",
                                      headers={**headers, "If-Match": "*"})
        _judge(response, role, w, f"{role} {method} {path}")
        swept += 1
    assert _snapshot() == before, f"{role}: a refused API request changed the database"
    assert swept > 0


def test_the_sweep_covers_every_route_with_parameters():
    """A route this module cannot fill fails here, by name, before anyone reads the sweep."""
    w = SimpleNamespace(
        note=SimpleNamespace(pk=1, tags=SimpleNamespace(exists=lambda: False)), group=SimpleNamespace(pk=1),
        upload=SimpleNamespace(pk=1), orphan=SimpleNamespace(pk=1), notification=SimpleNamespace(pk=1),
        token=SimpleNamespace(pk=1), paper=SimpleNamespace(slug="p"),
        paragraph=SimpleNamespace(anchor="a"), membership=SimpleNamespace(pk=1), invitation=SimpleNamespace(pk=1),
        step=SimpleNamespace(pk=1), author=SimpleNamespace(username="u"), assignment=SimpleNamespace(pk=1),
    )
    for route, pattern in _patterns():
        for name in pattern.pattern.converters:
            assert _value(route, name, w) is not None, route
    assert len(ROUTES) > 50
