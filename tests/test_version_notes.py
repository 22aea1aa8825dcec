"""What a new version does to notes, seen by their authors: a re-anchored note says what it was
written on, an orphan is announced, exported and found, and suggestions are whole words."""

import csv
import io
import json

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from annotations.models import Annotation
from discussions.models import Notification, NotificationPreference
from reader.importing import import_document
from versions.models import Orphan
from versions.moving import publish_new_version

PLENUM_OLD = "The Six Plenum of the party met in the autumn and set the course for reform of the whole economy."
PLENUM_NEW = "The Sixth Plenum of the party met in the autumn and set the course for reform of the whole economy."
REWRITTEN_OLD = "Farmers kept their grain in wooden barns until the railway reached the valley towns."
REWRITTEN_NEW = "Farmers kept their grain in wooden barns; nobody now remembers how the harvest travelled."
ORPHAN_QUOTE = "until the railway reached the valley towns"


def _text(*paragraphs):
    return "\n\n".join(("A Title", "1. Intro", *paragraphs)) + "\n"


def _note(author, paragraph, quote, body):
    start = paragraph.text.index(quote)
    end = start + len(quote)
    return Annotation.objects.create(
        author=author, paragraph=paragraph, body=body, quote=quote, start=start, end=end,
        prefix=paragraph.text[max(0, start - 32) : start], suffix=paragraph.text[end : end + 32],
    )


@pytest.fixture
def moved(db, make_user):
    author = make_user("ada")
    NotificationPreference.objects.create(user=author, email=True)
    v1, _ = import_document(_text(PLENUM_OLD, REWRITTEN_OLD), "paper")
    plenum = _note(author, v1.paragraphs.get(text=PLENUM_OLD), "Six Plenum", "Which plenum was this?")
    orphan = _note(author, v1.paragraphs.get(text=REWRITTEN_OLD), ORPHAN_QUOTE, "Railway dates matter here")
    publish_new_version(v1, _text(PLENUM_NEW, REWRITTEN_NEW), user=make_user("ines"))
    plenum.refresh_from_db()
    orphan.refresh_from_db()
    return author, plenum, orphan


def _export(client, fmt):
    response = client.get(reverse("export_download"), {"scope": "mine", "format": fmt})
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()


def test_a_reanchored_note_shows_what_it_was_written_on(client, moved):
    author, plenum, _ = moved
    assert plenum.quote == "Sixth Plenum" and plenum.written_on == "Six Plenum"
    client.force_login(author)
    html = client.get("/d/paper/").content.decode()
    assert "Sixth Plenum</blockquote>" in html and "written on: ‘Six Plenum’" in html
    items = json.loads(_export(client, "jsonld"))["first"]["items"]
    assert next(i for i in items if i["body"][0]["value"] == plenum.body)["marginalia:writtenOn"] == "Six Plenum"
    rows = list(csv.DictReader(io.StringIO(_export(client, "csv").lstrip("\ufeff"))))
    assert next(r for r in rows if r["id"] == str(plenum.pk))["written_on"] == "Six Plenum"
    assert "On “Sixth Plenum” (written on: ‘Six Plenum’)" in _export(client, "md")


def test_an_orphans_author_is_told_in_app_and_by_email_with_a_way_to_reattach(client, moved, settings):
    author, _, orphan = moved
    assert Orphan.objects.open().filter(annotation=orphan).exists()
    notification = Notification.objects.get(recipient=author, annotation=orphan)
    assert notification.kind == Notification.Kind.ORPHANED
    client.force_login(author)
    page = client.get(reverse("notifications")).content.decode()
    assert "A new version of “A Title” could not place your note: attach it again" in page
    landing = client.get(reverse("notification_open", args=[notification.pk])).url
    assert landing == reverse("orphans") + f"#orphan-of-{orphan.pk}"
    card = client.get(reverse("orphans")).content.decode().split(f'id="orphan-of-{orphan.pk}"')[1]
    assert card.index(ORPHAN_QUOTE) < card.index("Attach it again")
    call_command("send_notification_emails")
    assert len(mail.outbox) == 1 and "could not place your note" in mail.outbox[0].subject


def test_an_orphan_is_in_its_authors_exports_with_its_original_quote_and_paragraph(client, moved):
    author, _, orphan = moved
    client.force_login(author)
    items = json.loads(_export(client, "jsonld"))["first"]["items"]
    item = next(i for i in items if i["body"][0]["value"] == orphan.body)
    assert item["marginalia:orphaned"] is True
    assert item["target"]["source"].endswith("/d/paper/v/1/")
    assert {"type": "TextQuoteSelector", "exact": ORPHAN_QUOTE} .items() <= item["target"]["selector"][1].items()
    row = next(r for r in csv.DictReader(io.StringIO(_export(client, "csv").lstrip("\ufeff"))) if r["id"] == str(orphan.pk))
    assert row["orphaned"] == "yes" and row["quote"] == ORPHAN_QUOTE
    md = _export(client, "md")
    assert "**Orphaned**" in md and REWRITTEN_OLD in md


def test_an_orphan_is_found_in_search_by_its_author_only(client, moved, make_user):
    author, _, orphan = moved
    client.force_login(author)
    found = client.get(reverse("search"), {"q": "railway dates"}).content.decode()
    assert "<mark>Railway</mark> <mark>dates</mark> matter here" in found
    client.force_login(make_user("otto"))
    assert "matter here" not in client.get(reverse("search"), {"q": "railway dates"}).content.decode()


def test_reattach_suggestions_are_whole_words(client, db, make_user):
    author = make_user("ada")
    old = "In the spring the harvest was poor and the villagers worried about the coming winter months."
    new = "The harvesters were poorer in spring; winter months worried the villagers, who sold the coming seed."
    v1, _ = import_document(_text(old), "farm")
    _note(author, v1.paragraphs.get(text=old), "harvest was poor", "A bad year")
    publish_new_version(v1, _text(new))
    orphan = Orphan.objects.get()
    client.force_login(author)
    html = client.get(reverse("orphan", args=[orphan.pk])).content.decode()
    assert "harvesters were poorer" in html
