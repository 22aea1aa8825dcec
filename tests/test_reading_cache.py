"""The reading page's cache (reader/page_cache.py): a second view costs a handful of queries,
and every change a reader could notice shows on the very next view, for them and for others."""

import re
import zlib

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from annotations.models import Annotation, Link, Visibility
from discussions.models import Curation, Vote
from groups.models import GroupSettings, Membership, Role
from reader.models import Document, KeptPage, Paragraph, ReadingStamp
from versions.models import Publication


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


def page(client, document, **params):
    response = client.get(reverse("document", args=[document.slug]), params)
    assert response.status_code == 200
    return response.text


def per_response(html):
    """The page without what differs on every response: CSRF tokens and live updates' start."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "csrf", html)
    return re.sub(r'data-since="\d+"', "since", html)


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_second_view_comes_from_the_cache(cast, django_assert_num_queries):
    client = signed_in(cast["member"])
    first = page(client, cast["document"])
    # One: the kept page, with the stamps that prove it current and a check that the session
    # lives. Not the session's data, the user, the document, nor the access check, whose
    # answers cannot have changed while the stamps have not.
    with django_assert_num_queries(1):
        second = page(client, cast["document"])
    assert per_response(second) == per_response(first)
    assert "Read this with care." in second


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


def _edit_paragraph(c):
    Paragraph.objects.filter(pk=c["note"].paragraph_id).update(text="Green growth needs cheap clean power.")
    return "Green growth needs cheap clean power.", "Industrial policy shapes"


CHANGES = [_new_note, _edit, _delete, _hide, _tag, _rename_tag, _vote, _endorse, _backlink, _rename_author,
           _hide_until_posted, _leave_group, _edit_paragraph]


@pytest.mark.parametrize("change", CHANGES, ids=lambda f: f.__name__.strip("_"))
def test_every_change_a_reader_would_notice_shows_on_the_next_view(cast, change):
    client = signed_in(cast["member"])
    before = page(client, cast["document"])
    assert "Read this with care." in before
    assert per_response(page(client, cast["document"])) == per_response(before)  # now cached
    shown, gone = change(cast)
    after = page(client, cast["document"])
    if shown:
        assert shown not in before and shown in after
    if gone:
        assert gone in before and gone not in after


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
    before = page(client, linked["document"])
    assert per_response(page(client, linked["document"])) == per_response(before)  # cached
    shown, gone = change(linked)
    after = page(client, linked["document"])
    assert gone in before and gone not in after
    assert shown in after


def test_a_change_to_a_document_leaves_other_documents_cached(cast):
    other = Document.objects.create(title="Another Paper", slug="another-paper")
    Paragraph.objects.create(document=other, position=0, text="Elsewhere.", anchor="e0", content_hash="e")
    stamps = dict(ReadingStamp.objects.values_list("document_id", "changes"))
    Annotation.objects.filter(pk=cast["note"].pk).update(body="Edited.")
    Annotation.objects.filter(pk=cast["note"].pk).update(body="Edited again.")
    after = dict(ReadingStamp.objects.values_list("document_id", "changes"))
    assert after[cast["document"].pk] == stamps[cast["document"].pk] + 2
    assert after[other.pk] == stamps[other.pk]
    assert after.get(ReadingStamp.EVERY_PAGE) == stamps.get(ReadingStamp.EVERY_PAGE)


def test_signing_in_changes_no_page(cast):
    before = ReadingStamp.objects.filter(document_id=ReadingStamp.EVERY_PAGE).first()
    Client().force_login(cast["member"])  # sets last_login
    after = ReadingStamp.objects.filter(document_id=ReadingStamp.EVERY_PAGE).first()
    assert (after and after.changes) == (before and before.changes)


def test_readers_never_see_each_others_copy(cast, make_user):
    Annotation.objects.create(paragraph=cast["note"].paragraph, author=cast["member"], body="My private doubt.",
                              visibility=Visibility.PRIVATE)
    assert "My private doubt." in page(signed_in(cast["member"]), cast["document"])
    for reader in (signed_in(cast["moderator"]), signed_in(cast["outsider"]), Client()):
        html = page(reader, cast["document"])
        assert "My private doubt." not in html
    # The outsider and the anonymous reader do not see the group's note either.
    assert "Read this with care." not in page(signed_in(cast["outsider"]), cast["document"])
    assert "Read this with care." not in page(Client(), cast["document"])


def test_a_filtered_page_is_its_own_copy(cast):
    client = signed_in(cast["member"])
    Annotation.objects.create(paragraph=cast["note"].paragraph, author=cast["member"], body="Mine only.",
                              visibility=Visibility.PRIVATE)
    assert "Read this with care." in page(client, cast["document"])
    mine = page(client, cast["document"], show="mine")
    assert "Mine only." in mine and "Read this with care." not in mine


def _tokens(html):
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)


def test_a_kept_page_carries_the_browsers_current_csrf_token(cast):
    """The token is filled in per response: a browser whose CSRF cookie changed (cleared, or
    expired) while its page was kept gets a token that matches the new one."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast["member"])
    page(client, cast["document"])
    del client.cookies["csrftoken"]
    with CaptureQueriesContext(connection) as queries:
        html = page(client, cast["document"])
    assert len(queries) == 1  # the kept copy
    tokens = set(_tokens(html))
    assert len(tokens) == 1 and "hole-" not in html
    response = client.post(reverse("logout"), {"csrfmiddlewaretoken": tokens.pop()})
    assert response.status_code == 302  # not 403: the token is the browser's new one


def test_live_updates_start_from_when_each_copy_is_sent(cast):
    client = signed_in(cast["member"])
    first = int(re.search(r'data-since="(\d+)"', page(client, cast["document"]))[1])
    second = int(re.search(r'data-since="(\d+)"', page(client, cast["document"]))[1])
    now = timezone.now().timestamp() * 1000
    assert first <= second <= now and now - second < 5000


def test_a_message_is_shown_once_and_never_kept(cast):
    client = signed_in(cast["instructor"])
    page(client, cast["document"])  # cached without a message
    response = client.post(reverse("annotation_delete", args=[cast["note"].pk]), follow=True)
    assert "Annotation deleted." in response.text
    assert "Annotation deleted." not in page(client, cast["document"])


def test_the_cache_can_be_turned_off(cast, settings):
    settings.READING_PAGE_CACHE_SECONDS = 0
    client = signed_in(cast["member"])
    page(client, cast["document"])
    with CaptureQueriesContext(connection) as queries:
        page(client, cast["document"])
    assert not KeptPage.objects.exists()
    assert len(queries) > 5


def test_a_page_past_its_time_is_built_again_and_old_ones_are_swept(cast, settings):
    client = signed_in(cast["member"])
    page(client, cast["document"])
    kept = KeptPage.objects.get()
    stale = [KeptPage(key=f"{n:064x}", document_id=kept.document_id, stamp=0, every_page_stamp=0, page=b"",
                      expires=timezone.now() - timezone.timedelta(minutes=1)) for n in range(25)]
    KeptPage.objects.bulk_create(stale)
    KeptPage.objects.filter(pk=kept.pk).update(expires=timezone.now() - timezone.timedelta(seconds=30))
    with CaptureQueriesContext(connection) as queries:
        assert "Read this with care." in page(client, cast["document"])
    assert len(queries) > 5  # built, not served from the expired copy
    # Keeping it again swept 20 of the 25 expired pages, oldest first, and kept it for 60 s.
    assert KeptPage.objects.count() == 1 + 5
    kept = KeptPage.objects.get(pk=kept.pk)
    assert kept.expires > timezone.now() + timezone.timedelta(seconds=50)


def test_a_password_change_signs_out_other_browsers_at_once(cast):
    """A cached view trusts the session's user without loading it; a password change must
    still sign out every other browser on their next view, as it does without the cache."""
    laptop, phone = signed_in(cast["member"]), signed_in(cast["member"])
    for browser in (laptop, phone):
        page(browser, cast["document"])
        assert "Read this with care." in page(browser, cast["document"])  # its kept copy
    member = cast["member"]
    member.set_password("a new passphrase for nina")
    member.save(update_fields=["password"])
    assert "Read this with care." not in page(phone, cast["document"])
    assert "Read this with care." not in page(laptop, cast["document"])
    assert "_auth_user_id" not in phone.session


def test_a_signed_out_session_is_never_served_its_kept_page(cast):
    client = signed_in(cast["member"])
    page(client, cast["document"])
    assert "Read this with care." in page(client, cast["document"])  # kept
    replay = Client()
    replay.cookies["sessionid"] = client.cookies["sessionid"].value  # someone kept a copy of it
    client.post(reverse("logout"))
    assert "Read this with care." not in page(replay, cast["document"])


def test_an_expired_session_is_never_served_its_kept_page(cast):
    from django.contrib.sessions.models import Session

    client = signed_in(cast["member"])
    page(client, cast["document"])
    # Well past: in a test everything runs in one transaction, whose now() (what the kept
    # page's query compares with) is when the test began, seconds ago on a busy machine.
    Session.objects.update(expire_date=timezone.now() - timezone.timedelta(hours=1))
    assert "Read this with care." not in page(client, cast["document"])


def test_a_deactivated_reader_is_signed_out_at_once(cast):
    client = signed_in(cast["member"])
    assert "Read this with care." in page(client, cast["document"])
    type(cast["member"]).objects.filter(pk=cast["member"].pk).update(is_active=False)
    assert "Read this with care." not in page(client, cast["document"])


# Tables a reading page may read without a stamp: per-request state, and the kept pages.
# A hide's reason (discussions_moderationaction) is written with the note's hidden_at, whose
# row is stamped: the log itself never changes without its note changing.
UNSTAMPED = {"django_session", "reader_keptpage", "reader_readingstamp", "discussions_moderationaction"}


def test_every_table_the_page_reads_advances_a_stamp(cast):
    """A new table read by the reading page must get triggers (reader/migrations/0002), or
    changes to it would not show until the cached copy expires."""
    tables = set()
    for role in ("member", "instructor", "superuser"):
        client = signed_in(cast[role])
        for params in ({}, {"tag": "energy"}, {"show": "mine"}, {"by": "ines"}, {"group": cast["group"].pk},
                       {"q": "industrial"}):
            with CaptureQueriesContext(connection) as queries:
                page(client, cast["document"], **params)
            for query in queries.captured_queries:
                tables |= set(re.findall(r'(?:FROM|JOIN) "(\w+)"', query["sql"]))
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger WHERE tgname LIKE 'reader_stamp%%'")
        stamped = {row[0] for row in cursor.fetchall()}
    assert "annotations_annotation" in tables and "accounts_user" in tables
    assert tables - UNSTAMPED <= stamped, tables - UNSTAMPED - stamped


def test_a_document_published_for_another_group_is_gone_at_once(cast):
    client = signed_in(cast["member"])
    page(client, cast["document"])
    Publication.objects.create(document=cast["document"], group=cast["other"])
    assert client.get(reverse("document", args=[cast["document"].slug])).status_code == 404


def test_an_unpublished_document_is_gone_at_once(cast):
    client = signed_in(cast["member"])
    page(client, cast["document"])
    Document.objects.filter(pk=cast["document"].pk).update(is_published=False)
    assert client.get(reverse("document", args=[cast["document"].slug])).status_code == 404


def test_leaving_the_group_a_document_is_published_for_closes_it_at_once(cast):
    Publication.objects.create(document=cast["document"], group=cast["group"])
    client = signed_in(cast["member"])
    page(client, cast["document"])
    assert per_response(page(client, cast["document"]))  # cached
    Membership.objects.filter(user=cast["member"], group=cast["group"]).delete()
    assert client.get(reverse("document", args=[cast["document"].slug])).status_code == 404


def test_joining_a_group_shows_its_notes_at_once(cast, make_user):
    newcomer = make_user("nina")
    client = signed_in(newcomer)
    assert "Read this with care." not in page(client, cast["document"])
    Membership.objects.create(group=cast["group"], user=newcomer, role=Role.MEMBER)
    assert "Read this with care." in page(client, cast["document"])


def test_the_page_carries_no_csp_nonce(cast):
    """A nonce is new on every response; a kept page would carry an old one and its scripts
    would be refused. The reading page loads its scripts from files; keep it that way, or
    leave the nonce as a hole in reader/page_cache.py."""
    html = page(signed_in(cast["instructor"]), cast["document"])
    assert "<script" in html and "nonce=" not in html


def test_a_changed_template_is_a_new_build(settings):
    """So a deploy (or, with DEBUG, an edit under a running server) never serves pages made
    by the old templates."""
    import os

    from reader.page_cache import build_id

    settings.DEBUG = True
    template = settings.BASE_DIR / "templates" / "reader" / "document.html"
    before, stat = build_id(), template.stat()
    try:
        os.utime(template, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
        assert build_id() != before
    finally:
        os.utime(template, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert build_id() == before


def test_browsers_get_the_page_deflated_as_kept(cast):
    client = signed_in(cast["member"])
    plain = page(client, cast["document"])
    for _ in range(2):  # built, then from the cache
        response = client.get(reverse("document", args=[cast["document"].slug]),
                              headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
        assert response["Content-Encoding"] == "deflate"
        assert "Accept-Encoding" in response["Vary"]
        html = zlib.decompress(response.content).decode()  # checks the Adler-32 too
        assert per_response(html) == per_response(plain)
        assert len(response.content) < len(html) / 3
    assert "Content-Encoding" not in client.get(reverse("document", args=[cast["document"].slug]))
