"""Round trip: a group's annotations exported as W3C JSON-LD come back the same when imported."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from annotations.models import Annotation
from reader.models import Document, Paragraph
from tests.api_support import world  # noqa: F401


def snapshot(annotations):
    """What makes an annotation the same one: place, passage, words, tags, links and thread."""
    return sorted(
        (
            a.paragraph.anchor, a.quote, a.prefix, a.suffix, a.start, a.end, a.body,
            tuple(sorted(t.name for t in a.tags.all())),
            tuple(sorted((l.relation, l.target.anchor if l.target else l.url) for l in a.links.all())),
            a.parent.body if a.parent else None,
        )
        for a in annotations
    )


def export_group(client, group):
    response = client.get(reverse("export_download"), {"scope": f"group:{group.pk}", "format": "jsonld"})
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def import_file(client, raw, slug, **fields):
    data = {"document": slug, "visibility": "private",
            "file": SimpleUploadedFile("group.jsonld", raw, content_type="application/ld+json"), **fields}
    response = client.post(reverse("import_annotations"), data)
    assert response.status_code == 200, response.content
    return response.context["report"]


def test_group_export_reimported_into_a_copy_of_the_document(client, world):
    from annotations.models import Link

    Link.objects.create(annotation=world.group_note, url="https://example.org/ref", relation="see also")
    text = world.group_note.paragraph.text
    start = text.index("new energy")
    Annotation.objects.filter(pk=world.group_note.pk).update(
        quote="new energy", start=start, end=start + 10, prefix=text[:start][-20:], suffix=text[start + 10:][:12]
    )
    instructor = world.cast["instructor"]
    client.force_login(instructor)
    # What the instructor's export holds: the group's live notes, the hidden one included.
    before = snapshot(Annotation.objects.live().filter(group=world.group))
    raw = export_group(client, world.group)

    # A fresh copy of the document under another slug: same text, no annotations.
    copy = Document.objects.create(title="Copy", slug="copy")
    for p in world.document.paragraphs.all():
        Paragraph.objects.create(document=copy, position=p.position, kind=p.kind, section=p.section,
                                 text=p.text, anchor=p.anchor, content_hash=p.content_hash)
    report = import_file(client, raw, "copy", visibility="group", group=world.group.pk)
    assert report.problems == [] and report.created == 3
    imported = Annotation.objects.filter(paragraph__document=copy)
    assert snapshot(imported) == before
    # The importer owns the copies (nobody can post as someone else), shared as chosen.
    assert all(a.author == instructor and a.group == world.group for a in imported)
    # Links inside the paper point into the copy, not back at the original.
    link = Link.objects.get(annotation__paragraph__document=copy, relation="supports")
    assert link.target.document == copy

    # Importing the same file again adds nothing.
    again = import_file(client, raw, "copy", visibility="group", group=world.group.pk)
    assert again.created == 0 and imported.count() == len(json.loads(raw)["first"]["items"])


def test_group_export_reimported_after_deleting(client, world):
    client.force_login(world.cast["instructor"])
    group_notes = Annotation.objects.filter(group=world.group)
    before = snapshot(group_notes.live())
    raw = export_group(client, world.group)
    group_notes.delete()  # a fresh start: the group's annotations are gone
    report = import_file(client, raw, "short-paper", visibility="group", group=world.group.pk)
    assert report.problems == [] and report.duplicates == 0
    assert snapshot(Annotation.objects.filter(group=world.group)) == before


def test_a_paged_papers_export_with_page_selectors_comes_back_on_its_paragraphs(client, world):
    # A PDF's paper: each paragraph knows its printed page and its page of the file.
    for p in world.document.paragraphs.all():
        Paragraph.objects.filter(pk=p.pk).update(page=str(117 + p.position // 2), page_index=1 + p.position // 2)
    text = world.group_note.paragraph.text
    start = text.index("new energy")
    Annotation.objects.filter(pk=world.group_note.pk).update(
        quote="new energy", start=start, end=start + 10, prefix=text[:start][-20:], suffix=text[start + 10:][:12]
    )
    client.force_login(world.cast["instructor"])
    group_notes = Annotation.objects.filter(group=world.group)
    before = snapshot(group_notes.live())
    raw = export_group(client, world.group)
    note = next(i for i in json.loads(raw)["first"]["items"] if i["id"].endswith(f"/{world.group_note.pk}"))
    page_index = Paragraph.objects.get(pk=world.group_note.paragraph_id).page_index
    assert {"type": "FragmentSelector", "value": f"page={page_index}",
            "conformsTo": "http://tools.ietf.org/rfc/rfc3778"} in note["target"]["selector"]
    group_notes.delete()
    report = import_file(client, raw, "short-paper", visibility="group", group=world.group.pk)
    # The page= fragment names no paragraph: each note is back on its own, passage and all.
    assert report.problems == [] and report.duplicates == 0
    assert snapshot(Annotation.objects.filter(group=world.group)) == before
