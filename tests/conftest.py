import pytest
from django.contrib.auth import get_user_model

from annotations.models import Membership, Role, StudyGroup
from reader.models import Document, Paragraph


@pytest.fixture
def make_user(db):
    def make(username, **extra):
        return get_user_model().objects.create_user(
            username=username, email=f"{username}@example.org", password="correct horse battery", **extra
        )

    return make


@pytest.fixture
def document(db):
    """A small document: a title, a heading and three body paragraphs."""
    doc = Document.objects.create(title="A Short Paper", slug="short-paper", authors="A. Author")
    texts = [
        ("title", "", 0, "A Short Paper"),
        ("heading", "1", 1, "1. Introduction"),
        ("body", "1", 0, "Industrial policy shapes the pace of modernization in every economy."),
        ("body", "1", 0, "Green development asks for new energy and cleaner production."),
        ("body", "1", 0, "Digital and real economies integrate through data and platforms."),
    ]
    for position, (kind, section, level, text) in enumerate(texts):
        Paragraph.objects.create(
            document=doc, position=position, kind=kind, section=section, level=level,
            text=text, anchor=f"p{position}", content_hash=str(position),
        )
    return doc


@pytest.fixture
def group_roles(make_user):
    """A study group with an instructor, a moderator and a member, plus an outsider and
    the instructor of another group: the cast of the permission tests."""
    group = StudyGroup.objects.create(name="Seminar")
    other = StudyGroup.objects.create(name="Other seminar")
    cast = {
        "instructor": make_user("ines"),
        "moderator": make_user("moritz"),
        "member": make_user("mia"),
        "outsider": make_user("otto"),
        "other_instructor": make_user("olga"),
        "superuser": make_user("root", is_superuser=True, is_staff=True),
    }
    Membership.objects.create(group=group, user=cast["instructor"], role=Role.INSTRUCTOR)
    Membership.objects.create(group=group, user=cast["moderator"], role=Role.MODERATOR)
    Membership.objects.create(group=group, user=cast["member"], role=Role.MEMBER)
    Membership.objects.create(group=other, user=cast["other_instructor"], role=Role.INSTRUCTOR)
    return group, other, cast
