"""The permission matrix for discussions: every role against reply, vote, flag, hide, restore,
pin, endorse, lock, resolve, post a prompt, edit the guide, add a note to it, read the guide, the moderation
queue and log, and the group's discussion settings, through real HTTP requests (CSRF on).

Same shape as tests/test_permission_matrix.py: ACTIONS, one EXPECTED row per action with a
status per role in ROLES' order, and `must_not_see` secrets checked in every response.
"""

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Callable

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from access.policy import PERMISSIONS, has_permission
from annotations.models import Annotation
from discussions.models import Curation
from tests.conftest import ROLES
from tests.discussions_support import note, prompt


@dataclass(frozen=True)
class Action:
    method: str
    url: Callable
    data: Callable = field(default=lambda m: {})


def _para(m, name):
    return reverse(name, args=[m.document.slug, m.paragraph.anchor])


ACTIONS = {
    "thread_page": Action("GET", lambda m: reverse("thread", args=[m.note.pk])),
    "reply": Action("POST", lambda m: reverse("thread_reply", args=[m.note.pk]), lambda m: {"body": "A reply"}),
    "reply_locked": Action("POST", lambda m: reverse("thread_reply", args=[m.locked.pk]), lambda m: {"body": "x"}),
    "vote": Action("POST", lambda m: reverse("annotation_vote", args=[m.note.pk])),
    "flag": Action("POST", lambda m: reverse("annotation_flag", args=[m.note.pk]), lambda m: {"reason": "Rude"}),
    "hide": Action("POST", lambda m: reverse("annotation_hide", args=[m.note.pk]), lambda m: {"reason": "r"}),
    "restore": Action("POST", lambda m: reverse("annotation_unhide", args=[m.hidden.pk]), lambda m: {"reason": "r"}),
    "pin": Action("POST", lambda m: reverse("annotation_pin", args=[m.note.pk])),
    "endorse": Action("POST", lambda m: reverse("annotation_endorse", args=[m.note.pk])),
    "lock": Action("POST", lambda m: reverse("annotation_lock", args=[m.note.pk]), lambda m: {"lock": "on", "reason": "r"}),
    "resolve": Action("POST", lambda m: reverse("annotation_resolve", args=[m.question.pk])),
    "post_prompt": Action("POST", lambda m: _para(m, "post_prompt"), lambda m: {"group": m.group.pk, "body": "Discuss"}),
    "edit_guide": Action(
        "POST", lambda m: reverse("guide_add_step", args=[m.group.pk, m.document.slug]),
        lambda m: {"annotation": m.prompt.pk},
    ),
    "add_to_guide": Action("POST", lambda m: reverse("annotation_add_to_guide", args=[m.note.pk])),
    "read_guide": Action("GET", lambda m: reverse("guide", args=[m.group.pk, m.document.slug])),
    "moderation_queue": Action("GET", lambda m: reverse("moderation_queue", args=[m.group.pk])),
    "read_moderation_log": Action("GET", lambda m: reverse("moderation_log", args=[m.group.pk])),
    "discussion_settings": Action("GET", lambda m: reverse("group_discussion_settings", args=[m.group.pk])),
    "vote_by_get": Action("GET", lambda m: reverse("annotation_vote", args=[m.note.pk])),
}

# fmt: off
EXPECTED = {
    #                        anon outsider member moderator instructor other_instr superuser
    "thread_page":          (404, 404,    200,   200,      200,       404,        200),
    "reply":                (302, 404,    302,   302,      302,       404,        302),
    "reply_locked":         (302, 404,    403,   403,      403,       404,        403),
    "vote":                 (302, 404,    302,   302,      302,       404,        302),
    "flag":                 (302, 404,    403,   302,      302,       404,        302),  # not one's own
    "hide":                 (302, 404,    403,   302,      302,       404,        302),
    "restore":              (302, 404,    403,   302,      302,       404,        302),  # the author sees it, hidden
    "pin":                  (302, 404,    403,   403,      302,       404,        302),
    "endorse":              (302, 404,    403,   403,      302,       404,        302),
    "lock":                 (302, 404,    403,   302,      302,       404,        302),
    "resolve":              (302, 404,    302,   403,      302,       404,        302),  # the member asked it
    # Another group's instructor may post prompts, but not into this group: the choice is refused.
    "post_prompt":          (302, 403,    403,   403,      302,       422,        302),
    "edit_guide":           (302, 404,    403,   403,      302,       404,        302),
    "add_to_guide":         (302, 404,    403,   403,      302,       404,        302),  # a member's note, from the margin
    "read_guide":           (302, 404,    200,   200,      200,       404,        200),
    "moderation_queue":     (302, 404,    403,   200,      200,       404,        200),
    "read_moderation_log":  (302, 404,    403,   403,      200,       404,        200),
    "discussion_settings":  (302, 404,    403,   403,      200,       404,        200),
    "vote_by_get":          (302, 405,    405,   405,      405,       405,        405),
}
# fmt: on

# Who may read the member's group notes (and so their text), and the hidden one.
NOTE_READERS = {"member", "moderator", "instructor", "superuser"}
HIDDEN_READERS = {"member", "moderator", "instructor", "superuser"}  # its author and the moderating roles


@pytest.fixture
def matrix(group_roles, document):
    group, other, cast = group_roles
    paragraph = document.paragraphs.get(position=2)
    m = SimpleNamespace(group=group, cast=cast, document=document, paragraph=paragraph)
    m.note = note(cast["member"], paragraph, "Zephyrine margin thought", group=group)
    m.hidden = note(cast["member"], paragraph, "Quillfeather hidden remark", group=group, hidden_at="2020-01-01T00:00Z")
    m.question = note(cast["member"], paragraph, "Why the Marchbank question?", group=group)
    Curation.objects.create(annotation=m.question, is_question=True)
    m.locked = note(cast["instructor"], paragraph, "Locked Thistledown thread", group=group)
    Curation.objects.create(annotation=m.locked, locked_at="2020-01-01T00:00Z", lock_reason="Closed")
    m.prompt = prompt(cast["instructor"], paragraph, group, "Prompt of Brambleworth")
    return m


def must_not_see(role, m):
    secrets = []
    if role not in NOTE_READERS:
        secrets += [m.note.body, m.question.body, m.locked.body, m.prompt.body]
    if role not in HIDDEN_READERS:
        secrets.append(m.hidden.body)
    return secrets


def test_every_action_has_a_row_and_every_row_a_status_per_role():
    assert set(ACTIONS) == set(EXPECTED)
    assert all(len(statuses) == len(ROLES) for statuses in EXPECTED.values())


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action_name", list(ACTIONS))
def test_matrix(action_name, role, matrix, request_as):
    action = ACTIONS[action_name]
    expected = EXPECTED[action_name][ROLES.index(role)]
    url = action.url(matrix)
    response = request_as(role, action.method, url, action.data(matrix))
    assert response.status_code == expected, f"{role} {action.method} {url}"
    if expected == 302 and role == "anonymous":
        assert response["Location"].startswith(reverse("login"))
    body = response.content.decode()
    leaked = [secret for secret in must_not_see(role, matrix) if secret in body]
    assert not leaked, f"{role} {action.method} {url} leaked {leaked}"


def _user(role, cast):
    return AnonymousUser() if role == "anonymous" else cast[role]


@pytest.mark.parametrize("role", ROLES)
def test_every_discussion_permission_is_defined_for_every_role(role, matrix):
    """No annotation or group permission raises for any role, on any of the matrix's notes."""
    user = _user(role, matrix.cast)
    for permission in PERMISSIONS:
        kind, _ = permission.split(".")
        targets = [matrix.group] if kind == "group" else (
            [Annotation.objects.get(pk=a.pk) for a in (matrix.note, matrix.hidden, matrix.question, matrix.locked)]
            if kind == "annotation" else []
        )
        for target in targets:
            assert has_permission(user, permission, target) in (True, False), (permission, target)
