"""Helpers for the discussion tests (the `seminar` fixture is in tests/conftest.py): write
notes and prompts, set a group's discussion settings, and sign a client in."""

from django.test import Client

from annotations.models import Annotation, Visibility
from discussions.models import Curation
from groups.models import GroupSettings


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
