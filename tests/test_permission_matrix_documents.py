"""The permission matrix's document axis: what a public note, its reply, its links and its tag
reveal depends on whether the viewer may read the note's paper.

Four papers: one in the library, one published for the seminar only, the old version of a
seminar-only paper (with an orphan left on it), and an upload not yet published. Each carries
a public note with a unique word, a reply, a tag and a link to the library paper (so the
library paper's margin shows a backlink). For every role and every page or action that shows
or changes the note, each cell asserts the exact status and that neither the note, the reply,
the paper's title nor the paragraph's text appears in the body of a refusal.

Permissions nest (annotations/permissions.py, NESTED): reading or acting on an annotation
requires reading its paper. Every cell here fails if the nesting is removed.
"""

import json

import pytest
from django.test import Client
from django.urls import reverse

from access.policy import has_permission
from annotations.models import Annotation, Link, Visibility
from annotations.permissions import visible_annotations, visible_links
from api.models import ApiToken
from reader.importing import import_document
from tests.conftest import ROLES
from versions.models import Orphan, Publication, Upload
from versions.moving import publish_new_version

NOTE = "Quokkalantern"  # a word of the note on each paper
REPLY = "Marmosetvault"  # a word of the reply
TAG = "velvetcompass"
TITLES = {
    "library": "Open Shelf Essay",
    "group_only": "Seminar Dossier Restricted",
    "old_version": "Archived Seminar Dossier",
}
# The noted paragraph's text, one per paper.
TEXTS = {
    "library": "Tidewater cooperatives pooled their harvests.",
    "group_only": "Lighthouse guilds rationed their lamp oil.",
    "old_version": "Orchard syndicates bartered their seedlings.",
}


def _source(title, text):
    return f"{title}\n\n1. Opening\n\n{text}\n\nA second paragraph that stays the same.\n"


@pytest.fixture
def papers(document, group_roles):
    """{kind: (document, note, reply)} for the three published kinds, and the upload."""
    group, _other, cast = group_roles
    made = {}
    library_target = document.paragraphs.get(anchor="p2")
    for kind, title in TITLES.items():
        doc, _ = import_document(_source(title, TEXTS[kind]), kind.replace("_", "-"))
        if kind != "library":
            Publication.objects.create(document=doc, group=group, published_by=cast["instructor"])
        paragraph = doc.paragraphs.get(text=TEXTS[kind])
        note = Annotation.objects.create(
            paragraph=paragraph, author=cast["member"], body=f"The {NOTE} reading", visibility=Visibility.PUBLIC
        )
        note.tags.set([TAG])
        Link.objects.create(annotation=note, target=library_target, relation="supports")
        reply = Annotation.objects.create(
            paragraph=paragraph, author=cast["instructor"], body=f"A {REPLY} answer", parent=note,
            visibility=Visibility.PUBLIC,
        )
        if kind == "old_version":
            # The paragraph goes away in version 2: the note stays, orphaned, on version 1.
            publish_new_version(doc, f"{title}\n\n1. Opening\n\nA second paragraph that stays the same.\n")
            assert Orphan.objects.open().filter(annotation=note, old_paragraph=paragraph).exists()
            doc.refresh_from_db()
        made[kind] = (doc, note, reply)
    upload = Upload.objects.create(
        uploaded_by=cast["instructor"], source_name="draft.txt", text=_source("Unpublished Draft Zephyrine", "Nothing here yet."),
        slug="draft", group=group,
    )
    return made, upload, document


# Who may read each paper: the library's is everyone's; the seminar's (and its old version) its
# members' and the superuser's.
READERS = {
    "library": set(ROLES),
    "group_only": {"member", "moderator", "instructor", "superuser"},
    "old_version": {"member", "moderator", "instructor", "superuser"},
}


def _client(role, cast):
    client = Client()
    if role != "anonymous":
        client.force_login(cast[role])
    return client


def _api(role, cast, method, url, data=None):
    headers = {}
    if role != "anonymous":
        _, raw = ApiToken.issue(cast[role], "tests")
        headers["Authorization"] = f"Bearer {raw}"
    client = Client()
    if method == "GET":
        return client.get(url, headers=headers)
    return client.generic(method, url, json.dumps(data or {}), content_type="application/json", headers=headers)


# Pages and actions on the note: (method, url of (note, reply, document), data, via the API).
# A reader gets `ok`; anyone else gets 404 (or, signed out, the login page for what needs a
# login: a redirect that says nothing).
ACTIONS = {
    "note page": ("GET", lambda n, r, d: reverse("annotation", args=[n.pk]), None, False, 200),
    "thread page": ("GET", lambda n, r, d: reverse("thread", args=[n.pk]), None, False, 200),
    # (a reply's address leads to its thread's)
    "reply's thread page": ("GET", lambda n, r, d: reverse("thread", args=[r.pk]), None, False, 302),
    "flag form": ("GET", lambda n, r, d: reverse("annotation_flag", args=[n.pk]), None, False, 200),
    "api note": ("GET", lambda n, r, d: f"/api/annotations/{n.pk}", None, True, 200),
    "api replies": ("GET", lambda n, r, d: f"/api/annotations/{n.pk}/replies", None, True, 200),
    "reply": ("POST", lambda n, r, d: reverse("thread_reply", args=[n.pk]), {"body": "Me too"}, False, 302),
    "vote": ("POST", lambda n, r, d: reverse("annotation_vote", args=[n.pk]), {}, False, 302),
    "flag": ("POST", lambda n, r, d: reverse("annotation_flag", args=[n.pk]), {"reason": "Off topic"}, False, 302),
    "api reply": ("POST", lambda n, r, d: f"/api/annotations/{n.pk}/replies", {"body": "Me too"}, True, 201),
}
OPEN_TO_ANONYMOUS = {"note page", "thread page", "reply's thread page", "api note", "api replies"}
# The author cannot flag their own note (403 to them, as on any paper they may read).
AUTHOR_REFUSED = {"flag form": 403, "flag": 403}


def expected_status(action, kind, role):
    method, _url, _data, api, ok = ACTIONS[action]
    if role in READERS[kind]:
        if role == "anonymous" and action not in OPEN_TO_ANONYMOUS:
            return 401 if api else 302
        if role == "member" and action in AUTHOR_REFUSED:
            return AUTHOR_REFUSED[action]
        return ok
    if role == "anonymous" and action not in OPEN_TO_ANONYMOUS:
        return 401 if api else 302  # signed out: the login page, whatever the note
    return 404


def _secrets(kind, document):
    return [NOTE, REPLY, TITLES[kind], TEXTS[kind]] if kind != "library" else []


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", list(TITLES))
def test_the_note_is_as_private_as_its_paper(kind, role, papers, group_roles):
    """One cell per action (in one test, as the papers take a while to build): each changes
    nothing it may not, so the cells do not disturb one another."""
    made, _upload, _library = papers
    _group, _other, cast = group_roles
    doc, note, reply = made[kind]
    for action, (method, url, data, api, _ok) in ACTIONS.items():
        before = (Annotation.objects.count(), note.votes.count(), note.flags.count())
        if api:
            response = _api(role, cast, method, url(note, reply, doc), data)
        elif method == "GET":
            response = _client(role, cast).get(url(note, reply, doc))
        else:
            response = _client(role, cast).post(url(note, reply, doc), data)
        expected = expected_status(action, kind, role)
        assert response.status_code == expected, f"{role} {action} on a {kind} paper"
        if role not in READERS[kind]:
            body = response.content.decode()
            for secret in _secrets(kind, doc):
                assert secret not in body, f"{role} {action} on a {kind} paper shows {secret!r}"
            after = (Annotation.objects.count(), note.votes.count(), note.flags.count())
            assert after == before, f"{role} {action} on a {kind} paper changed something"
        if response.status_code == 302 and role == "anonymous" and action not in OPEN_TO_ANONYMOUS:
            assert response["Location"].startswith(reverse("login"))


# Pages that list notes from many papers: the note (and its paper) appear exactly for readers.
LISTS = {
    "person page": lambda: reverse("person", args=["mia"]),
    "tag page": lambda: reverse("tag", args=[TAG]),
    "tag suggestions": lambda: reverse("tag_suggestions") + f"?tags={TAG[:6]}",
    "search": lambda: reverse("search") + "?q=reading",
    "api list": lambda: "/api/annotations?q=reading",
    "tags index": lambda: reverse("tags"),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", ["group_only", "old_version"])
def test_lists_show_the_note_only_to_its_papers_readers(kind, role, papers, group_roles):
    made, _upload, _library = papers
    _group, _other, cast = group_roles
    # Only this kind's note carries the tag and the word here.
    for other_kind, (_doc, other_note, other_reply) in made.items():
        if other_kind != kind:
            other_note.tags.clear()
            Annotation.objects.filter(pk__in=[other_note.pk, other_reply.pk]).update(body="Elsewhere")
    reads = role in READERS[kind]
    for where, url in LISTS.items():
        response = _api(role, cast, "GET", url()) if where.startswith("api") else _client(role, cast).get(url())
        body = response.content.decode()
        assert response.status_code == 200, f"{role} {where}"  # (the API list is public, as the search page)
        # Search and the API list look through current versions only: an old version's notes are
        # not hits, except that an orphan's author (the member) finds it (issue 21).
        shown = reads and not (where in ("search", "api list") and kind == "old_version" and role != "member")
        if where in ("tag suggestions", "tags index"):
            assert (TAG in body) == shown, f"{role} {where} on a {kind} paper"
        else:
            assert (NOTE in body) == shown, f"{role} {where} on a {kind} paper"
        if not reads:
            assert TITLES[kind] not in body and TEXTS[kind] not in body, f"{role} {where} shows the {kind} paper"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", ["group_only", "old_version"])
def test_a_library_margin_shows_backlinks_only_from_readable_papers(kind, role, papers, group_roles):
    made, _upload, library = papers
    _group, _other, cast = group_roles
    for other_kind, (_doc, other_note, _reply) in made.items():
        if other_kind != kind:
            Link.objects.filter(annotation=other_note).delete()
    reading = _client(role, cast).get(reverse("document", args=[library.slug]))
    assert reading.status_code == 200
    margin = reading.content.decode().split('id="p-p2"', 1)[1].split("</aside>", 1)[0]
    reads = role in READERS[kind]
    assert ("Linked from" in margin) == reads, f"{role}: backlink from a {kind} paper"
    assert (TITLES[kind] in margin) == reads and (NOTE in margin) == reads, f"{role}: {kind} paper in a backlink"


@pytest.mark.parametrize("role", ROLES)
def test_a_link_preview_never_shows_a_paper_one_may_not_read(role, papers, group_roles):
    """A public note on the library paper that links into the seminar's paper: its readers see
    the preview; others see the note without the link's target."""
    made, _upload, library = papers
    _group, _other, cast = group_roles
    target = made["group_only"][0].paragraphs.get(text=TEXTS["group_only"])
    note = Annotation.objects.create(
        paragraph=library.paragraphs.get(anchor="p3"), author=cast["member"], body="Pointing elsewhere",
        visibility=Visibility.PUBLIC,
    )
    Link.objects.create(annotation=note, target=target, relation="contradicts")
    page = _client(role, cast).get(reverse("annotation", args=[note.pk])).content.decode()
    reads = role in READERS["group_only"]
    assert "Pointing elsewhere" in page
    assert (TITLES["group_only"] in page) == reads and (TEXTS["group_only"] in page) == reads, role
    user = cast.get(role)
    if user is not None:
        assert visible_links(user, Link.objects.filter(annotation=note)).exists() == reads


@pytest.mark.parametrize("role", ROLES)
def test_an_unpublished_upload_is_its_uploaders_alone(role, papers, group_roles):
    _made, upload, _library = papers
    _group, _other, cast = group_roles
    client = _client(role, cast)
    preview = client.get(reverse("upload_preview", args=[upload.pk]))
    publish = client.post(reverse("upload_publish", args=[upload.pk]))
    if role == "anonymous":
        assert (preview.status_code, publish.status_code) == (302, 302)
    elif role == "instructor":  # the uploader
        assert preview.status_code == 200 and "Zephyrine" in preview.content.decode()
        assert publish.status_code == 302
    else:
        assert (preview.status_code, publish.status_code) == (404, 404), role
        assert "Zephyrine" not in preview.content.decode()
    upload.refresh_from_db()
    assert (upload.published_document_id is not None) == (role == "instructor")


def test_publishing_to_a_group_is_checked_again_when_publishing(papers, group_roles):
    """An instructor who uploaded for their group, then was made a plain member, cannot publish."""
    _made, upload, _library = papers
    group, _other, cast = group_roles
    group.memberships.filter(user=cast["instructor"]).update(role="member")
    response = _client("instructor", cast).post(reverse("upload_publish", args=[upload.pk]))
    assert response.status_code == 403
    upload.refresh_from_db()
    assert upload.published_document_id is None


def test_the_form_says_who_everyone_is_on_a_group_only_paper(papers, group_roles):
    made, _upload, library = papers
    group, _other, cast = group_roles
    client = _client("member", cast)
    doc = made["group_only"][0]
    anchor = doc.paragraphs.get(text=TEXTS["group_only"]).anchor
    form = client.get(reverse("annotation_new", args=[doc.slug, anchor])).content.decode()
    assert f"Everyone who may read this paper (members of {group.name})" in form
    library_form = client.get(reverse("annotation_new", args=[library.slug, "p2"])).content.decode()
    assert "Everyone (public)" in library_form and "Everyone who may read" not in library_form


@pytest.mark.parametrize("kind", list(TITLES))
def test_the_queryset_and_the_predicates_agree(kind, papers, group_roles):
    from django.contrib.auth.models import AnonymousUser

    made, _upload, _library = papers
    _group, _other, cast = group_roles
    _doc, note, reply = made[kind]
    for role in ROLES:
        user = AnonymousUser() if role == "anonymous" else cast[role]
        reads = role in READERS[kind]
        for a in (note, reply):
            fresh = Annotation.objects.get(pk=a.pk)
            assert has_permission(user, "annotation.view", fresh) == reads, f"{role} {kind}"
            assert visible_annotations(user).filter(pk=a.pk).exists() == reads, f"{role} {kind}"
