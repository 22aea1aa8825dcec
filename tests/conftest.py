import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from groups.models import Membership, Role, StudyGroup
from reader.models import Document, Paragraph
from versions import imports

# A fresh clone has not run collectstatic: whitenoise then warned "No directory at
# var/staticfiles" for every test client (hundreds of lines hiding real warnings).
(Path(__file__).resolve().parent.parent / "var" / "staticfiles").mkdir(parents=True, exist_ok=True)


@pytest.fixture(autouse=True)
def imports_inline(settings):
    """Background imports run within the request, so a test sees their outcome (and no
    thread outlives it); tests of the thread itself turn this off."""
    settings.IMPORT_INLINE = True


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """A fast hasher in tests: PBKDF2 costs about 0.25 s a user, and the cast has six."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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


# --- The permission matrix's cast, as real requests ----------------------------------------

# Every role of the permission matrix, in the column order of its tables.
ROLES = ("anonymous", "outsider", "member", "moderator", "instructor", "other_instructor", "superuser")


@pytest.fixture
def request_as(group_roles):
    """request_as(role, method, url, data=None) -> response: one real request (with CSRF
    checks on, so a token is sent as a browser would) by one of the `group_roles` cast;
    "anonymous" is nobody signed in. Each call uses a fresh client, so no state carries over."""
    from django.test import Client
    from django.utils.crypto import get_random_string

    _, _, cast = group_roles

    def request(role, method, url, data=None):
        client = Client(enforce_csrf_checks=True)
        if role != "anonymous":
            client.force_login(cast[role])
        if method == "GET":
            return client.get(url, data or {})
        # A CSRF cookie and the matching header, as a page's form would send them.
        token = get_random_string(32)
        client.cookies["csrftoken"] = token
        return client.generic(
            method, url, data=_urlencode(data or {}), content_type="application/x-www-form-urlencoded",
            HTTP_X_CSRFTOKEN=token,
        )

    return request


def _urlencode(data):
    from urllib.parse import urlencode

    return urlencode(data, doseq=True)


@pytest.fixture
def seminar(group_roles, document):
    """(group, cast, paragraph) for the discussion tests: the seminar of `group_roles`, its
    cast and a body paragraph of `document` (helpers in tests/discussions_support.py)."""
    group, _, cast = group_roles
    return group, cast, document.paragraphs.get(position=2)


@pytest.fixture
def paused_import(monkeypatch, settings):
    """Imports run in a thread of their own, and stop after their first page until released;
    the thread is joined at the end."""
    settings.IMPORT_INLINE = False
    executor = ThreadPoolExecutor(max_workers=1)
    monkeypatch.setattr(imports, "_executor", executor)
    first_page, release = threading.Event(), threading.Event()
    record = imports.record_progress

    def record_then_wait(pk, stage, done, total):
        record(pk, stage, done, total)
        first_page.set()
        release.wait(timeout=60)  # a failing test must not leave the thread waiting for ever

    monkeypatch.setattr(imports, "record_progress", record_then_wait)
    yield first_page, release
    release.set()
    executor.shutdown(wait=True)
