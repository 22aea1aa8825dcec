"""Imports of W3C Web Annotation and Hypothesis JSON: anchored, reported, never duplicated."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from annotations.models import Annotation

HYPOTHESIS_EXPORT = {
    "export_date": "2025-05-01T10:00:00Z",
    "export_userid": "acct:reader@hypothes.is",
    "annotations": [
        {
            "id": "hyp-1", "text": "Why *every* economy?", "tags": ["scope", "policy"],
            "uri": "https://example.org/paper.pdf",
            "target": [{"source": "https://example.org/paper.pdf", "selector": [
                {"type": "TextPositionSelector", "start": 1200, "end": 1216},
                {"type": "TextQuoteSelector", "exact": "every economy", "prefix": "modernization in ", "suffix": "."},
            ]}],
        },
        {"id": "hyp-2", "text": "Agreed.", "references": ["hyp-1"], "target": [{"source": "https://example.org/paper.pdf"}]},
        {
            "id": "hyp-3", "text": "Not in this paper",
            "target": [{"selector": [{"type": "TextQuoteSelector", "exact": "quantum chromodynamics"}]}],
        },
        {"id": "hyp-4", "text": "Orphan reply", "references": ["somewhere-else"], "target": [{}]},
        # The rendered page shows emphasis without asterisks and line breaks as spaces.
        {"id": "hyp-5", "text": "", "tags": ["platforms"],
         "target": [{"selector": [{"type": "TextQuoteSelector", "exact": "through   data\nand platforms"}]}]},
    ],
}

W3C_SINGLE = {
    "@context": "http://www.w3.org/ns/anno.jsonld",
    "id": "https://elsewhere.example/anno/9",
    "type": "Annotation",
    "body": {"type": "TextualBody", "value": "Energy matters", "purpose": "commenting"},
    "target": {"source": "https://elsewhere.example/doc", "selector": {
        "type": "TextQuoteSelector", "exact": "new energy", "prefix": "asks for ", "suffix": " and cleaner"}},
}


def upload(client, payload, **fields):
    raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    data = {"document": "short-paper", "visibility": "private",
            "file": SimpleUploadedFile("annotations.json", raw, content_type="application/json"), **fields}
    return client.post(reverse("import_annotations"), data)


@pytest.fixture
def importer(client, document, group_roles):
    client.force_login(group_roles[2]["member"])
    return group_roles[2]["member"]


def test_import_page_needs_login(client, db):
    assert client.get(reverse("import_annotations")).status_code == 302


def test_hypothesis_export_anchors_what_it_can_and_reports_the_rest(client, importer, document):
    response = upload(client, HYPOTHESIS_EXPORT)
    assert response.status_code == 200
    report = response.context["report"]
    assert (report.created, report.duplicates) == (3, 0)
    assert [(p.index, p.reason) for p in report.problems] == [
        (3, "The quoted passage is not in this document."),
        (4, "It replies to an annotation that is not in this import."),
    ]
    assert "quantum chromodynamics" in response.text and "Orphan reply" in response.text
    note = Annotation.objects.get(body="Why *every* economy?")
    assert note.paragraph.anchor == "p2" and note.quote == "every economy"
    assert note.paragraph.text[note.start:note.end] == "every economy"
    assert (note.author, note.visibility, note.group) == (importer, "private", None)
    assert sorted(t.name for t in note.tags.all()) == ["policy", "scope"]
    reply = Annotation.objects.get(body="Agreed.")
    assert reply.parent == note and reply.paragraph == note.paragraph
    tagged = Annotation.objects.get(tags__name="platforms")
    assert tagged.paragraph.text[tagged.start:tagged.end] == "through data and platforms"


def test_reimport_creates_no_duplicates(client, importer):
    upload(client, HYPOTHESIS_EXPORT)
    response = upload(client, HYPOTHESIS_EXPORT)
    report = response.context["report"]
    assert (report.created, report.duplicates, len(report.problems)) == (0, 3, 2)
    assert Annotation.objects.count() == 3


def test_reimport_after_deleting_recreates(client, importer):
    from django.utils import timezone

    upload(client, W3C_SINGLE)
    Annotation.objects.update(deleted_at=timezone.now())
    assert upload(client, W3C_SINGLE).context["report"].created == 1
    assert Annotation.objects.live().count() == 1


def test_w3c_single_annotation_into_a_group(client, importer, group_roles):
    group, other, _ = group_roles
    response = upload(client, W3C_SINGLE, visibility="group", group=group.pk)
    assert response.context["report"].created == 1
    note = Annotation.objects.get()
    assert (note.visibility, note.group, note.paragraph.anchor, note.quote) == ("group", group, "p3", "new energy")
    response = upload(client, W3C_SINGLE, visibility="group", group=other.pk)
    assert response.status_code == 400 and "Select a valid choice" in response.text


def test_items_without_ids_dedup_by_content(client, importer):
    items = [{"type": "Annotation", "body": "No id here", "target": {"selector": {"type": "TextQuoteSelector", "exact": "Digital"}}}]
    assert upload(client, items).context["report"].created == 1
    assert upload(client, items).context["report"].duplicates == 1
    assert Annotation.objects.count() == 1


def test_prefix_and_suffix_choose_between_repeated_quotes(client, importer, document):
    from reader.models import Paragraph

    Paragraph.objects.create(document=document, position=5, text="Energy here. Energy there.", anchor="p5",
                             content_hash="5")
    item = {"type": "Annotation", "body": "second", "target": {"selector": {
        "type": "TextQuoteSelector", "exact": "Energy", "prefix": "here. ", "suffix": " there"}}}
    upload(client, [item])
    note = Annotation.objects.get()
    assert (note.paragraph.anchor, note.start) == ("p5", 13)


@pytest.mark.parametrize("raw, message", [
    (b"not json at all", "not a JSON file"),
    (b"42", "holds no annotations"),
])
def test_unreadable_files_get_a_field_error(client, importer, raw, message):
    response = upload(client, raw)
    assert response.status_code == 400 and message in response.text
    assert not Annotation.objects.exists()


def test_garbage_entries_are_reported_not_fatal(client, importer):
    response = upload(client, [1, "x", {"type": "Annotation"}, {"type": "Annotation", "target": 5, "body": 7}])
    assert response.status_code == 200
    assert len(response.context["report"].problems) == 4
    assert not Annotation.objects.exists()


def test_group_visibility_needs_a_group(client, importer):
    response = upload(client, W3C_SINGLE, visibility="group")
    assert response.status_code == 400 and "Choose the group" in response.text
