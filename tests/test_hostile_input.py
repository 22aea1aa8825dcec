"""Hostile input gets a clear 4xx and never breaks a page for anyone else (issue 20).

Each case here answered 500 before (or, for tags, broke every page showing the note).
tests/test_fuzz_inputs.py sends such values to every URL and form; these are the known ones.
"""

import json
import logging

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import path, reverse

from annotations.models import Annotation, Visibility
from config import urls as site_urls
from discussions.models import Notification
from groups.models import Invitation
from tests.api_support import ApiClient
from tests.test_orphans import orphaned  # noqa: F401  (fixture)
from versions.models import Orphan


def _boom(request):
    raise RuntimeError("a real bug")


def _refused(request):
    raise PermissionDenied


# For the logging tests: one view that fails, one that refuses (beside the site's, which the
# refusal page links to).
urlpatterns = [path("boom/", _boom), path("refused/", _refused), *site_urls.urlpatterns]


# --- Tags with "/" (and other characters) ---------------------------------------------------


def test_a_tag_with_a_slash_from_the_api_leaves_every_page_working(client, document, group_roles):
    _, _, cast = group_roles
    paragraph = document.paragraphs.get(anchor="p2")
    created = ApiClient(cast["member"]).post("/api/annotations", {
        "paragraph": paragraph.pk, "body": "Pandemic policy", "visibility": "public",
        "tags": ["covid/19", "and/or?", "50% #1"],
    })
    assert created.status_code == 201, created.content
    # The reading page, the paragraph's margin and the tag's own page, for anyone.
    reading = client.get(reverse("document", args=[document.slug]))
    assert reading.status_code == 200 and "#covid/19" in reading.text
    margin = client.get(reverse("paragraph_margin", args=[document.slug, "p2"]))
    assert margin.status_code == 200 and "#covid/19" in margin.text
    assert 'href="/tags/covid/19/?next=' in reading.text  # (with the way back to the paragraph)
    tag_page = client.get("/tags/covid/19/")
    assert tag_page.status_code == 200 and "Pandemic policy" in tag_page.text
    assert "Pandemic policy" in client.get(reverse("tag", args=["and/or?"])).text
    assert "Pandemic policy" in client.get(reverse("tag", args=["50% #1"])).text


def test_a_tag_typed_in_the_form_keeps_its_slash_and_loses_line_breaks(client, document, group_roles):
    _, _, cast = group_roles
    client.force_login(cast["member"])
    response = client.post(reverse("annotation_new", args=[document.slug, "p3"]),
                           {"body": "Energy", "tags": "input/output, two\nlines\ttab", "visibility": "public"})
    assert response.status_code == 302
    note = Annotation.objects.get(body="Energy")
    assert sorted(note.tags.names()) == ["input/output", "two lines tab"]
    assert client.get(reverse("document", args=[document.slug])).status_code == 200


def test_an_old_tag_holding_a_line_break_still_has_a_page(client, document, group_roles):
    """Tags stored before names were tidied: the page showing them must not fail."""
    _, _, cast = group_roles
    note = Annotation.objects.create(paragraph=document.paragraphs.get(anchor="p2"), author=cast["member"],
                                     body="Old note", visibility=Visibility.PUBLIC)
    note.tags.add("old\nline")
    assert client.get(reverse("document", args=[document.slug])).status_code == 200
    assert "Old note" in client.get(reverse("tag", args=["old\nline"])).text


def _import(client, payload):
    raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return client.post(reverse("import_annotations"), {
        "document": "short-paper", "visibility": "public",
        "file": SimpleUploadedFile("annotations.json", raw, content_type="application/json"),
    })


def test_imported_tags_with_nul_or_slashes_are_stored_and_shown(client, document, group_roles):
    _, _, cast = group_roles
    client.force_login(cast["member"])
    hypothesis = {"annotations": [{
        "id": "h1", "text": "Imported", "tags": ["nul\x00inside", "covid/19"],
        "target": [{"selector": [{"type": "TextQuoteSelector", "exact": "new energy"}]}],
    }]}
    w3c = {"@context": "http://www.w3.org/ns/anno.jsonld", "id": "w1", "type": "Annotation",
           "body": [{"type": "TextualBody", "value": "From W3C", "purpose": "commenting"},
                    {"type": "TextualBody", "value": "a/b\x00", "purpose": "tagging"}],
           "target": {"selector": {"type": "TextQuoteSelector", "exact": "cleaner production"}}}
    assert _import(client, hypothesis).status_code == 200
    assert _import(client, w3c).status_code == 200
    assert sorted(Annotation.objects.get(body="Imported").tags.names()) == ["covid/19", "nulinside"]
    assert list(Annotation.objects.get(body="From W3C").tags.names()) == ["a/b"]
    assert client.get(reverse("document", args=[document.slug])).status_code == 200


def test_deeply_nested_json_is_refused_clearly(client, document, group_roles):
    _, _, cast = group_roles
    client.force_login(cast["member"])
    response = _import(client, b"[" * 100000)
    assert response.status_code == 400
    assert "nests its JSON too deeply" in response.text
    # Deep selector refinements inside a file JSON can still parse.
    selector = {"type": "TextQuoteSelector", "exact": "new energy"}
    for _ in range(400):
        selector = {"type": "FragmentSelector", "value": "p-p3", "refinedBy": selector}
    deep = {"annotations": [{"id": "d1", "text": "Deep", "target": [{"selector": [selector]}]}]}
    assert _import(client, deep).status_code == 200


# --- NUL bytes in the address -----------------------------------------------------------------


def test_a_nul_in_the_address_answers_400(client, document, group_roles):
    group, _, cast = group_roles
    client.force_login(cast["instructor"])
    slug = document.slug
    for url in ("/tags/%00/", "/people/%00/", "/join/%00/", f"/d/{slug}/?by=%00", f"/d/{slug}/?tag=%00",
                "/annotations/tag-suggestions/?tags=%00", f"/groups/{group.pk}/mentions/?q=%00",
                "/search/?q=a%00b"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "NUL" in response.text
    assert client.get(f"/d/{slug}/?tag=energy").status_code == 200
    # The API answers as it answers any bad input: 422, naming the field.
    api = client.get("/api/annotations?tag=%00")
    assert api.status_code == 422 and api.json()["detail"][0]["loc"] == ["query", "tag"]


def test_a_nul_in_a_form_field_answers_400_and_writes_nothing(client, document, group_roles):
    _, _, cast = group_roles
    client.force_login(cast["member"])
    response = client.post(reverse("annotation_new", args=[document.slug, "p3"]), {"body": "a\x00b"})
    assert response.status_code == 400
    assert not Annotation.objects.exists()


# --- Malformed numbers and dates in forms -----------------------------------------------------


def test_marking_a_notification_read_with_a_bad_id_is_a_404(client, document, group_roles):
    _, _, cast = group_roles
    note = Annotation.objects.create(paragraph=document.paragraphs.get(anchor="p2"), author=cast["moderator"],
                                     body="Hello", visibility=Visibility.PUBLIC)
    Notification.objects.create(recipient=cast["member"], kind="reply", annotation=note, actor=cast["moderator"])
    client.force_login(cast["member"])
    assert client.post(reverse("notifications_read"), {"id": "abc"}).status_code == 404
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_attaching_an_orphan_to_a_non_paragraph_asks_for_a_paragraph(client, orphaned):  # noqa: F811
    notes, cast, _ = orphaned
    client.force_login(cast["member"])
    orphan = Orphan.objects.open().get(annotation=notes["group"])
    response = client.post(reverse("orphan_attach", args=[orphan.pk]), {"paragraph": "abc", "quote": "typed"})
    assert response.status_code == 422
    assert "Choose a paragraph of the current version." in response.text
    assert "typed" in response.text  # what the person typed is kept


def test_an_invitation_ending_in_year_9999_is_refused_with_a_field_error(client, group_roles):
    group, _, cast = group_roles
    client.force_login(cast["instructor"])
    response = client.post(reverse("group_invite", args=[group.pk]), {"role": "member", "expires_on": "9999-12-31"})
    assert response.status_code == 400
    assert "within the next ten years" in response.text
    assert not Invitation.objects.exists()


# --- Bodies over the limit -------------------------------------------------------------------


def test_a_form_upload_over_the_body_limit_answers_413(client, group_roles, settings):
    settings.MAX_REQUEST_BODY_BYTES = 100_000
    _, _, cast = group_roles
    client.force_login(cast["instructor"])
    big = SimpleUploadedFile("paper.txt", b"A paragraph.\n\n" * 20_000, content_type="text/plain")
    response = client.post(reverse("upload_document"), {"file": big, "slug": "big"})
    assert response.status_code == 413
    small = SimpleUploadedFile("paper.txt", b"Title\n\nA paragraph.\n", content_type="text/plain")
    assert client.post(reverse("upload_document"), {"file": small, "slug": "small"}).status_code != 413


# --- People's pages do not tell who has an account --------------------------------------------


def test_a_person_with_nothing_visible_answers_like_an_unknown_name(client, document, group_roles):
    _, _, cast = group_roles
    Annotation.objects.create(paragraph=document.paragraphs.get(anchor="p2"), author=cast["member"],
                              body="Only mine", visibility=Visibility.PRIVATE)
    unknown = client.get(reverse("person", args=["nobody-at-all"]))
    silent = client.get(reverse("person", args=[cast["member"].username]))
    assert unknown.status_code == silent.status_code == 404
    assert unknown.content.replace(b"nobody-at-all", b"") == silent.content.replace(b"mia", b"")
    # The person themselves still sees their page.
    client.force_login(cast["member"])
    assert "Only mine" in client.get(reverse("person", args=[cast["member"].username])).text


# --- Logs: a refusal is one line, an error keeps its traceback ---------------------------------


@pytest.mark.urls("tests.test_hostile_input")
def test_a_refusal_is_logged_on_one_line_and_an_error_with_its_traceback(db, caplog):
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get("/refused/").status_code == 403
        assert client.get("/boom/").status_code == 500
    refusal, error = [r for r in caplog.records if r.name == "django.request"]
    assert refusal.getMessage() == "Forbidden (Permission denied): /refused/"
    assert refusal.exc_info is None and "Traceback" not in caplog.text.split("/boom/")[0]
    assert error.exc_info is not None and error.exc_info[0] is RuntimeError
