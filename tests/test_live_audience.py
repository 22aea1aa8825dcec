"""Live events go to whoever may see their note: the audience keys of live.audience, worked
out once per event, must say exactly what annotation.view says, for every role and every kind
of note (the two are written apart, so this sweep keeps them from drifting)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from access.policy import has_permission
from annotations.models import Annotation, Visibility
from discussions.models import Curation
from groups.models import GroupSettings, Membership, Role
from groups.roles import forget_roles
from live.audience import event_audience, stream_keys
from tests.conftest import ROLES


def _kinds(group, cast, paragraph):
    """{name: annotation}: the notes a class makes, each in the state that matters to who sees it."""
    def make(**fields):
        fields.setdefault("author", cast["member"])
        return Annotation.objects.create(paragraph=paragraph, body="x", **fields)

    now = timezone.now()
    kinds = {
        "public": make(visibility=Visibility.PUBLIC),
        "hidden public": make(visibility=Visibility.PUBLIC, hidden_at=now),
        "private": make(visibility=Visibility.PRIVATE),
        "group": make(visibility=Visibility.GROUP, group=group),
        "hidden group": make(visibility=Visibility.GROUP, group=group, hidden_at=now),
        "deleted group": make(visibility=Visibility.GROUP, group=group, deleted_at=now),
        "by the moderator": make(visibility=Visibility.GROUP, group=group, author=cast["moderator"]),
    }
    kinds["group reply"] = make(visibility=Visibility.GROUP, group=group, parent=kinds["group"], author=cast["instructor"])
    return kinds


def _sweep(kinds, cast, quiet):
    people = {role: cast.get(role) or AnonymousUser() for role in ROLES} | {"member who has not posted": quiet}
    for name, annotation in kinds.items():
        keys = set(event_audience(annotation.pk).readers)
        for role, user in people.items():
            forget_roles(user)
            fresh = Annotation.objects.get(pk=annotation.pk)
            assert bool(keys & stream_keys(user)) == has_permission(user, "annotation.view", fresh), (name, role)


@pytest.mark.parametrize("withholding", [False, True], ids=["open group", "hide until posted"])
def test_the_audience_of_each_note_is_exactly_who_may_see_it(withholding, seminar, make_user):
    group, cast, paragraph = seminar
    quiet = make_user("quinn")
    Membership.objects.create(group=group, user=quiet, role=Role.MEMBER)
    if withholding:
        GroupSettings.objects.create(group=group, hide_until_posted=True)
    kinds = _kinds(group, cast, paragraph)
    if withholding:
        prompt = Annotation.objects.create(paragraph=paragraph, body="Prompt", author=cast["instructor"],
                                           visibility=Visibility.GROUP, group=group)
        Curation.objects.create(annotation=prompt, is_prompt=True)
        kinds["prompt"] = prompt
    _sweep(kinds, cast, quiet)


def test_a_held_back_note_tells_only_those_it_is_held_back_from_that_it_waits(seminar, make_user):
    """The waiting audience is the group; a stream that is also a reader reads the note instead."""
    group, cast, paragraph = seminar
    GroupSettings.objects.create(group=group, hide_until_posted=True)
    note = Annotation.objects.create(paragraph=paragraph, body="x", author=cast["member"],
                                     visibility=Visibility.GROUP, group=group)
    reply = Annotation.objects.create(paragraph=paragraph, body="y", author=cast["member"], parent=note,
                                      visibility=Visibility.GROUP, group=group)
    assert event_audience(note.pk).waiting == [f"group:{group.pk}"]
    assert event_audience(reply.pk).waiting == []  # the margin counts notes, not replies
    GroupSettings.objects.filter(group=group).update(hide_until_posted=False)
    assert event_audience(note.pk).waiting == []
