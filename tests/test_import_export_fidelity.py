"""Imports keep what the file says (typographic quotes, page notes, dates) and the JSON-LD
export is a whole W3C AnnotationCollection, paged when large."""

import json
from datetime import datetime, timezone

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from annotations import exporting
from annotations.models import Annotation
from reader.models import Paragraph


def upload(client, payload):
    raw = json.dumps(payload).encode()
    data = {"document": "short-paper", "visibility": "private",
            "file": SimpleUploadedFile("annotations.json", raw, content_type="application/json")}
    return client.post(reverse("import_annotations"), data)


def test_hypothesis_quotes_match_whatever_their_quote_marks_dashes_and_spaces(client, document, make_user):
    client.force_login(make_user("ada"))
    Paragraph.objects.filter(document=document, anchor="p3").update(
        text="Green development asks for \u201cnew energy\u201d \u2014 and cleaner production."
    )
    response = upload(client, {"annotations": [
        {"id": "h1", "text": "Typed with straight quotes",
         "target": [{"selector": [{"type": "TextQuoteSelector", "exact": '"new energy" -  and cleaner'}]}]},
    ]})
    assert response.context["report"].created == 1
    note = Annotation.objects.get(body="Typed with straight quotes")
    assert note.paragraph.anchor == "p3"
    assert note.paragraph.text[note.start : note.end] == "\u201cnew energy\u201d \u2014 and cleaner"


def test_a_hypothesis_page_note_goes_on_the_title_and_keeps_its_dates(client, document, make_user):
    client.force_login(make_user("ada"))
    response = upload(client, {"annotations": [
        {"id": "h2", "text": "About the whole paper", "created": "2024-03-01T09:30:00.000000+00:00",
         "updated": "2024-03-02T10:00:00.000000+00:00", "target": [{"source": "https://example.org/paper.pdf"}]},
    ]})
    assert response.context["report"].created == 1
    note = Annotation.objects.get(body="About the whole paper")
    assert note.paragraph.kind == "title" and note.quote == ""
    assert note.created == datetime(2024, 3, 1, 9, 30, tzinfo=timezone.utc)
    assert note.updated == datetime(2024, 3, 2, 10, 0, tzinfo=timezone.utc)


def test_a_w3c_import_keeps_its_dates(client, document, make_user):
    client.force_login(make_user("ada"))
    upload(client, {
        "@context": "http://www.w3.org/ns/anno.jsonld", "id": "urn:x:1", "type": "Annotation",
        "created": "2023-01-05T08:00:00Z", "modified": "2023-02-06T08:00:00Z",
        "body": {"type": "TextualBody", "value": "Dated note"},
        "target": {"source": "x", "selector": {"type": "TextQuoteSelector", "exact": "new energy"}},
    })
    note = Annotation.objects.get(body="Dated note")
    assert (note.created.year, note.created.month, note.updated.month) == (2023, 1, 2)


def _jsonld(client, **params):
    response = client.get(reverse("export_download"), {"scope": "mine", "format": "jsonld", **params})
    return response.status_code, json.loads(b"".join(response.streaming_content)) if response.status_code == 200 else None


def test_the_jsonld_export_is_a_complete_paged_collection(client, document, make_user, monkeypatch):
    author = make_user("ada")
    paragraph = document.paragraphs.get(anchor="p2")
    for n in range(5):
        Annotation.objects.create(paragraph=paragraph, author=author, body=f"Note {n}")
    monkeypatch.setattr(exporting, "PAGE_SIZE", 2)
    client.force_login(author)
    status, collection = _jsonld(client)
    assert collection["type"] == "AnnotationCollection" and collection["total"] == 5
    assert collection["first"]["type"] == "AnnotationPage" and len(collection["first"]["items"]) == 2
    assert collection["first"]["next"].endswith("page=2") and collection["last"].endswith("page=3")
    seen = [item["body"][0]["value"] for item in collection["first"]["items"]]
    status, page = _jsonld(client, page=2)
    assert page["type"] == "AnnotationPage" and page["partOf"]["total"] == 5 and page["startIndex"] == 2
    seen += [item["body"][0]["value"] for item in page["items"]]
    status, last = _jsonld(client, page=3)
    assert "next" not in last and last["prev"].endswith("page=2")
    seen += [item["body"][0]["value"] for item in last["items"]]
    assert sorted(seen) == [f"Note {n}" for n in range(5)]
    assert _jsonld(client, page=4)[0] == 404 and _jsonld(client, page="x")[0] == 404
