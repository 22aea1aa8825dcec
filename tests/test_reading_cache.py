"""The reading page: the paper's text kept per document (reader.rendering.ReadingPage.of),
the reader's margins built on every view, and an ETag naming the page as built for the
browser, so a reload with nothing changed answers 304 without a body."""

import gzip
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from annotations import reading as annotations_reading
from annotations.models import Annotation, Link, Visibility
from discussions.models import Curation, Vote
from groups.models import GroupSettings, Membership
from reader.models import Document, Paragraph


@pytest.fixture
def cast(group_roles, document):
    """The seminar's cast, its document, and a group note by the instructor on paragraph 2,
    tagged #energy."""
    group, other, cast = group_roles
    note = Annotation.objects.create(
        paragraph=document.paragraphs.get(position=2), author=cast["instructor"], body="Read this with care.",
        visibility=Visibility.GROUP, group=group,
    )
    note.tags.add("energy")
    return {**cast, "group": group, "other": other, "document": document, "note": note}


def view(client, document, etag=None, **params):
    headers = {"If-None-Match": etag} if etag else {}
    return client.get(reverse("document", args=[document.slug]), params, headers=headers)


def page(client, document, **params):
    response = view(client, document, **params)
    assert response.status_code == 200
    return response.text


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def _reads_the_text(queries) -> bool:
    """Whether the document's paragraphs were read (a margin's own queries join single ones)."""
    return any(q["sql"].startswith('SELECT "reader_paragraph"."id"')
               and 'WHERE "reader_paragraph"."document_id" =' in q["sql"] for q in queries.captured_queries)


def test_a_reload_with_nothing_changed_answers_304_without_a_body(cast):
    client = signed_in(cast["member"])
    first = view(client, cast["document"])
    etag = first["ETag"]
    assert first.status_code == 200 and etag.startswith('W/"read-')
    assert first["Cache-Control"] == "private, no-cache"
    assert "Cookie" in first["Vary"]
    again = view(client, cast["document"], etag)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag


def test_a_reload_with_nothing_changed_builds_no_margin(cast):
    """The ETag is worked out before the page (live.reading.reading_state): a 304 reads the
    paper, the session, the person, the margins' plan (roles, groups for the filter, counts)
    and the state of the whole margins' rows; no card, backlink or text."""
    client = signed_in(cast["member"])
    etag = view(client, cast["document"])["ETag"]
    with CaptureQueriesContext(connection) as queries:
        assert view(client, cast["document"], etag).status_code == 304
    tables = [re.search(r'FROM "?(\w+)', q["sql"])[1] for q in queries.captured_queries]
    assert tables == [
        "reader_document", "django_session", "accounts_user", "annotations_membership", "annotations_studygroup",
        "annotations_annotation",  # the counts
        "annotations_annotation",  # the state (WITH notes AS ...)
    ], tables
    assert queries.captured_queries[-1]["sql"].startswith("\nWITH notes AS")


def test_a_margin_that_comes_later_shows_its_count_and_ends_the_304s_by_it(cast, monkeypatch):
    """A pending margin (loaded as it scrolls into view) shows only its count: a new note
    there ends the 304s, an edit of a note there changes nothing on the page."""
    monkeypatch.setattr(annotations_reading, "CARD_BUDGET", 0)  # every margin with notes comes later
    client = signed_in(cast["member"])
    first = view(client, cast["document"])
    assert 'class="margin-count" data-count="1"' in first.text and "Read this with care." not in first.text
    Annotation.objects.filter(pk=cast["note"].pk).update(body="Read this twice.")
    assert view(client, cast["document"], first["ETag"]).status_code == 304
    _new_note(cast)
    after = view(client, cast["document"], first["ETag"])
    assert after.status_code == 200 and 'data-count="2"' in after.text


def test_a_reload_a_minute_later_shows_the_cards_times_moved_on(cast, monkeypatch):
    client = signed_in(cast["member"])
    first = view(client, cast["document"])
    assert "just now" in first.text
    later = timezone.now() + timezone.timedelta(minutes=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    again = view(client, cast["document"], first["ETag"])
    assert again.status_code == 200 and "just now" not in again.text


def test_a_message_waiting_is_shown_by_a_reload_not_a_304(cast):
    client = signed_in(cast["instructor"])
    etag = view(client, cast["document"])["ETag"]
    client.post(reverse("annotation_delete", args=[cast["note"].pk]))  # "Annotation deleted." waits
    Annotation.objects.filter(pk=cast["note"].pk).update(deleted_at=None)  # and the page is as it was
    response = view(client, cast["document"], etag)
    assert response.status_code == 200 and "Annotation deleted." in response.text


def test_a_browser_taking_gzip_gets_the_same_page_compressed_and_its_304(cast):
    client = signed_in(cast["member"])
    plain = view(client, cast["document"])
    assert not plain.has_header("Content-Encoding")
    url = reverse("document", args=[cast["document"].slug])
    packed = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert packed.status_code == 200 and packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"] and "Cookie" in packed["Vary"]
    assert len(packed.content) * 3 < len(plain.content)
    unpacked = gzip.decompress(packed.content).decode()
    # The same page: only the moment live updates start from and the CSRF token's mask (new on
    # every response) are the response's own.
    own = re.compile(r'data-since="\d+"|name="csrfmiddlewaretoken" value="[^"]+"')
    assert own.sub("", unpacked) == own.sub("", plain.text) and "Read this with care." in unpacked
    assert packed["ETag"] == plain["ETag"]
    again = client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": packed["ETag"]})
    assert again.status_code == 304 and again.content == b""


def test_a_new_note_shows_in_the_margin_while_the_text_stays_kept(cast):
    client = signed_in(cast["member"])
    etag = view(client, cast["document"])["ETag"]
    Annotation.objects.create(paragraph=cast["note"].paragraph, author=cast["moderator"], body="A second thought.",
                              visibility=Visibility.GROUP, group=cast["group"])
    with CaptureQueriesContext(connection) as queries:
        response = view(client, cast["document"], etag)
    assert response.status_code == 200 and response["ETag"] != etag
    assert "A second thought." in response.text
    assert "Industrial policy shapes" in response.text  # the text, kept: not read again
    assert not _reads_the_text(queries)


def test_the_text_is_rendered_once_for_every_reader(cast):
    with CaptureQueriesContext(connection) as queries:
        page(signed_in(cast["member"]), cast["document"])
    assert _reads_the_text(queries)
    for reader in (signed_in(cast["outsider"]), Client()):
        with CaptureQueriesContext(connection) as queries:
            page(reader, cast["document"], show="public")
        assert not _reads_the_text(queries)


def test_the_etag_names_the_reader_the_browser_and_the_filter(cast):
    member = signed_in(cast["member"])
    etag = view(member, cast["document"])["ETag"]
    assert view(member, cast["document"], etag, show="mine").status_code == 200
    for other in (signed_in(cast["member"]), signed_in(cast["moderator"]), Client()):
        assert view(other, cast["document"], etag).status_code == 200


def test_an_edit_in_the_admin_shows_the_new_text_at_once(cast, make_user):
    """The admin is the one place a paragraph's text is edited; it moves its document's
    `updated`, which the kept text is keyed on."""
    reader = signed_in(cast["member"])
    etag = view(reader, cast["document"])["ETag"]
    paragraph = cast["note"].paragraph
    admin = signed_in(make_user("admina", is_staff=True, is_superuser=True))
    response = admin.post(reverse("admin:reader_paragraph_change", args=[paragraph.pk]), {
        "document": paragraph.document_id, "position": paragraph.position, "kind": paragraph.kind,
        "section": paragraph.section, "level": paragraph.level, "label": paragraph.label,
        "anchor": paragraph.anchor, "text": "Green growth needs cheap clean power.",
    })
    assert response.status_code == 302
    after = view(reader, cast["document"], etag)
    assert after.status_code == 200
    assert "Green growth needs cheap clean power." in after.text and "Industrial policy shapes" not in after.text


# Each change: (what it does, text the member sees after it, text they no longer see).
def _new_note(c):
    Annotation.objects.create(paragraph=c["note"].paragraph, author=c["moderator"], body="A second thought.",
                              visibility=Visibility.GROUP, group=c["group"])
    return "A second thought.", None


def _edit(c):
    Annotation.objects.filter(pk=c["note"].pk).update(body="Read this twice.")
    return "Read this twice.", "Read this with care."


def _delete(c):
    c["note"].deleted_at = timezone.now()
    c["note"].save()
    return None, "Read this with care."


def _hide(c):
    Annotation.objects.filter(pk=c["note"].pk).update(hidden_at=timezone.now())
    return None, "Read this with care."


def _tag(c):
    c["note"].tags.add("energy-policy")
    return "#energy-policy", None


def _rename_tag(c):
    Tag.objects.filter(name="energy").update(name="renewables")
    return "#renewables", "#energy<"


def _vote(c):
    Vote.objects.create(annotation=c["note"], user=c["moderator"])
    return 'aria-label="1 vote"', None


def _endorse(c):
    Curation.objects.create(annotation=c["note"], endorsed_at=timezone.now())
    return "badge-endorsed", None


def _backlink(c):
    other = Document.objects.create(title="Another Paper", slug="another-paper")
    paragraph = Paragraph.objects.create(document=other, position=0, text="Elsewhere.", anchor="e0", content_hash="e")
    source = Annotation.objects.create(paragraph=paragraph, author=c["member"], body="Compare with the short paper.",
                                       visibility=Visibility.PUBLIC)
    Link.objects.create(annotation=source, target=c["note"].paragraph, relation="supports")
    return "Compare with the short paper.", None


def _rename_author(c):
    c["instructor"].display_name = "Dr Ines"
    c["instructor"].save()
    return "Dr Ines", None


def _hide_until_posted(c):
    GroupSettings.objects.update_or_create(group=c["group"], defaults={"hide_until_posted": True})
    return None, "Read this with care."


def _leave_group(c):
    Membership.objects.filter(user=c["member"], group=c["group"]).delete()
    return None, "Read this with care."




CHANGES = [_new_note, _edit, _delete, _hide, _tag, _rename_tag, _vote, _endorse, _backlink, _rename_author,
           _hide_until_posted, _leave_group]


@pytest.mark.parametrize("change", CHANGES, ids=lambda f: f.__name__.strip("_"))
def test_every_change_a_reader_would_notice_ends_the_304s(cast, change):
    client = signed_in(cast["member"])
    before = view(client, cast["document"])
    assert "Read this with care." in before.text
    assert view(client, cast["document"], before["ETag"]).status_code == 304
    shown, gone = change(cast)
    after = view(client, cast["document"], before["ETag"])
    assert after.status_code == 200
    if shown:
        assert shown not in before.text and shown in after.text
    if gone:
        assert gone in before.text and gone not in after.text


@pytest.fixture
def linked(cast):
    """Another paper, whose note links to the seminar's paragraph (a backlink there), and the
    seminar's note linking to the other paper's paragraph (shown on its card)."""
    other = Document.objects.create(title="Another Paper", slug="another-paper")
    there = Paragraph.objects.create(document=other, position=0, text="Cheap power drives industry.", anchor="e0",
                                     content_hash="e")
    source = Annotation.objects.create(paragraph=there, author=cast["member"], body="Compare the short paper.",
                                       visibility=Visibility.PUBLIC)
    Link.objects.create(annotation=source, target=cast["note"].paragraph, relation="supports")
    Link.objects.create(annotation=cast["note"], target=there, relation="see also")
    return {**cast, "other": other, "there": there, "source": source}


def _edit_linking_note(c):
    Annotation.objects.filter(pk=c["source"].pk).update(body="Contrast with the short paper.")
    return "Contrast with the short paper.", "Compare the short paper."


def _edit_linked_paragraph(c):
    Paragraph.objects.filter(pk=c["there"].pk).update(text="Dear power slows industry.")
    return "Dear power slows industry.", "Cheap power drives industry."


def _rename_linked_paper(c):
    Document.objects.filter(pk=c["other"].pk).update(title="A Renamed Paper")
    return "A Renamed Paper", "Another Paper"


@pytest.mark.parametrize("change", [_edit_linking_note, _edit_linked_paragraph, _rename_linked_paper],
                         ids=lambda f: f.__name__.strip("_"))
def test_a_change_on_a_linked_paper_shows_at_once(linked, change):
    """A link shows on both papers' pages, so a change at one end reaches the other's."""
    client = signed_in(linked["member"])
    before = view(client, linked["document"])
    shown, gone = change(linked)
    after = view(client, linked["document"], before["ETag"])
    assert after.status_code == 200
    assert gone in before.text and gone not in after.text
    assert shown in after.text


def _tokens(html):
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)


def test_each_page_carries_the_browsers_current_csrf_token(cast):
    """The token is filled in per response: a browser whose CSRF cookie changed (cleared, or
    expired) gets a token that matches the new one, and a different ETag."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast["member"])
    etag = view(client, cast["document"])["ETag"]
    del client.cookies["csrftoken"]
    response = view(client, cast["document"], etag)
    assert response.status_code == 200
    tokens = set(_tokens(response.text))
    assert len(tokens) == 1 and "hole-" not in response.text
    response = client.post(reverse("logout"), {"csrfmiddlewaretoken": tokens.pop()})
    assert response.status_code == 302  # not 403: the token is the browser's new one


def test_live_updates_start_from_when_each_page_is_sent(cast):
    client = signed_in(cast["member"])
    first = int(re.search(r'data-since="(\d+)"', page(client, cast["document"]))[1])
    second = int(re.search(r'data-since="(\d+)"', page(client, cast["document"]))[1])
    now = timezone.now().timestamp() * 1000
    assert first <= second <= now and now - second < 5000


def test_a_message_is_shown_once(cast):
    client = signed_in(cast["instructor"])
    page(client, cast["document"])
    response = client.post(reverse("annotation_delete", args=[cast["note"].pk]), follow=True)
    assert "Annotation deleted." in response.text
    assert "Annotation deleted." not in page(client, cast["document"])


def test_the_page_carries_no_csp_nonce(cast):
    """A nonce is new on every response: a browser shown its copy again (304) would hold an old
    one against the new header, and its scripts would be refused. The reading page loads its
    scripts from files; keep it that way."""
    html = page(signed_in(cast["instructor"]), cast["document"])
    assert "<script" in html and "nonce=" not in html
