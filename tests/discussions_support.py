"""Shared setup for the discussion tests: a seminar (tests/conftest.py group_roles) reading
the small `document`, and helpers to write notes and post as someone."""

import pytest
from django.test import Client

from annotations.models import Annotation, Visibility
from discussions.models import Curation, GroupSettings


def note(author, paragraph, body="A note", group=None, parent=None, visibility=None, **extra):
    """A root note (group-visible when a group is given, else public) or a reply (inherits)."""
    if parent is not None:
        return Annotation.objects.create(
            paragraph=parent.paragraph, author=author, body=body, parent=parent,
            visibility=parent.visibility, group=parent.group, **extra,
        )
    if visibility is None:
        visibility = Visibility.GROUP if group else Visibility.PUBLIC
    return Annotation.objects.create(
        paragraph=paragraph, author=author, body=body, group=group, visibility=visibility, **extra
    )


def prompt(author, paragraph, group, body="Discuss this paragraph."):
    a = note(author, paragraph, body, group=group)
    Curation.objects.create(annotation=a, is_prompt=True)
    return a


def settings_for(group, **flags):
    GroupSettings.objects.update_or_create(group=group, defaults=flags)


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def seminar(group_roles, document):
    """(group, cast, paragraph): the seminar, its cast and a body paragraph of the document."""
    group, _, cast = group_roles
    return group, cast, document.paragraphs.get(position=2)
