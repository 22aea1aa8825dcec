"""Correcting the structure an upload was parsed into, on its preview, before publishing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reader.importing import block_hash, parse_document
from reader.models import Document
from versions.models import Upload

PAPER = b"""# Harbour Credit

## 1. Introduction

Boats come back empty. The skipper still owes the harbour.

We read the ledgers.

Then we counted the loans.

2 Methods and data

Loans were small.

## 3.1 Results

Smith, J. (2020). Harbour credit. Journal of Fish.

A stray running header
"""


@pytest.fixture
def preview(client, group_roles):
    """The instructor's client and their upload of PAPER, waiting on its preview."""
    group, _, cast = group_roles
    client.force_login(cast["instructor"])
    file = SimpleUploadedFile("harbour.md", PAPER, content_type="text/markdown")
    client.post(reverse("upload_document"), {"file": file, "slug": "harbour", "audience": str(group.pk)})
    return client, Upload.objects.get(), cast


def _blocks(upload):
    return parse_document(upload.text, fallback_title=upload.source_name).paragraphs


def _correct(client, upload, text, action, **fields):
    """POSTs a correction of the block (of the preview as shown now) whose text starts with ``text``."""
    shown = client.get(reverse("upload_preview", args=[upload.pk])).context["blocks"]
    index, (p, hash_) = next((i, b) for i, b in enumerate(shown) if b[0].text.startswith(text))
    data = {"block": index, "hash": hash_, "action": action, **fields}
    return client.post(reverse("upload_correct", args=[upload.pk]), data), index


def _published(client, upload):
    response = client.post(reverse("upload_publish", args=[upload.pk]))
    document = Document.objects.get(slug="harbour")
    assert response.url == document.get_absolute_url()
    return [(p.kind, p.section, p.text) for p in document.paragraphs.order_by("position")]


def test_each_correction_is_what_gets_published(preview):
    client, upload, _ = preview
    response, index = _correct(client, upload, "2 Methods", "kind", kind="heading")
    # No JavaScript: back to the preview, at the block corrected.
    assert response.status_code == 302 and response.url == f"{upload.get_absolute_url()}#b-{index}"
    _correct(client, upload, "2 Methods", "number", number="2")
    _correct(client, upload, "3.1 Results", "number", number="3")
    _correct(client, upload, "Smith, J.", "kind", kind="reference")
    _correct(client, upload, "A stray running header", "kind", kind="drop")
    _correct(client, upload, "We read the ledgers.", "merge")
    _correct(client, upload, "Boats come back empty.", "split", at="The skipper")

    html = client.get(upload.get_absolute_url()).content.decode()
    assert "7 corrections made." in html and "We read the ledgers. Then we counted the loans." in html

    assert _published(client, upload) == [
        ("title", "", "Harbour Credit"),
        ("heading", "1", "1. Introduction"),
        ("body", "1", "Boats come back empty."),
        ("body", "1", "The skipper still owes the harbour."),
        ("body", "1", "We read the ledgers. Then we counted the loans."),
        ("heading", "2", "2. Methods and data"),
        ("body", "2", "Loans were small."),  # the new heading's section
        ("heading", "3", "3. Results"),
        ("reference", "", "Smith, J. (2020). Harbour credit. Journal of Fish."),
    ]


def test_with_htmx_only_the_block_list_comes_back(preview):
    client, upload, _ = preview
    shown = client.get(upload.get_absolute_url()).context["blocks"]
    p, hash_ = shown[-1]
    response = client.post(
        reverse("upload_correct", args=[upload.pk]),
        {"block": len(shown) - 1, "hash": hash_, "action": "kind", "kind": "drop"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section aria-labelledby="paragraphs-heading" id="preview-blocks">')
    assert "A stray running header" not in html and "<h1>" not in html
    # A kind the corrections do not offer (the title) is shown as it is, not as the first offered.
    assert '<option value="title" selected>title</option>' in html


@pytest.mark.parametrize(
    "text, action, fields, message",
    [
        ("Boats come back", "split", {"at": "no such words"}, "Type the words where the second part starts"),
        ("Boats come back", "split", {"at": "Boats"}, "Type the words where the second part starts"),
        ("3.1 Results", "number", {"number": "three"}, "“three” is not a section number"),
        ("Loans were", "number", {"number": "2"}, "Only a heading has a number."),
        ("Loans were", "kind", {"kind": "title"}, "Choose heading, body, footnote, reference or leave it out."),
        ("A stray", "merge", {}, "there is no next one to merge it with"),
        ("Loans were", "kind", {"kind": "body"}, "It is that kind already"),
    ],
)
def test_bad_input_is_an_error_on_that_block_and_keeps_the_preview(preview, text, action, fields, message):
    client, upload, _ = preview
    response, index = _correct(client, upload, text, action, **fields)
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html
    block = html[html.index(f'id="b-{index}"'):]
    assert block.index(message) < block.index("</li>")  # on that block
    if fields.get("at"):
        assert f'value="{fields["at"]}"' in block  # what was typed is kept
    assert Upload.objects.get().corrections == [] and not Document.objects.exists()


def test_a_long_paragraph_is_split_at_words_past_what_the_list_shows(client, group_roles):
    group, _, cast = group_roles
    client.force_login(cast["instructor"])
    long = " ".join(f"word{n}" for n in range(80)) + "."
    file = SimpleUploadedFile("long.md", f"# Long\n\n{long}\n".encode(), content_type="text/markdown")
    client.post(reverse("upload_document"), {"file": file, "slug": "harbour", "audience": str(group.pk)})
    upload = Upload.objects.get()
    assert long in client.get(upload.get_absolute_url()).content.decode()  # whole, beside the split field
    _correct(client, upload, "word0 ", "split", at="word70 word71")
    texts = [text for _, _, text in _published(client, upload)]
    assert texts[1:] == [" ".join(f"word{n}" for n in range(70)), " ".join(f"word{n}" for n in range(70, 80)) + "."]


def test_a_correction_of_text_since_changed_is_refused(preview):
    client, upload, _ = preview
    data = {"block": 2, "hash": "0" * 12, "action": "kind", "kind": "footnote"}
    response = client.post(reverse("upload_correct", args=[upload.pk]), data)
    assert response.status_code == 422 and "This block changed since the page was shown" in response.content.decode()
    assert Upload.objects.get().corrections == []


def test_only_the_uploader_may_correct(preview, client):
    client, upload, cast = preview
    block = _blocks(upload)[2]
    data = {"block": 2, "hash": block_hash(block), "action": "kind", "kind": "drop"}
    for stranger in ("other_instructor", "member", "superuser"):
        client.force_login(cast[stranger])
        assert client.post(reverse("upload_correct", args=[upload.pk]), data).status_code == 404
        assert client.post(reverse("upload_undo_corrections", args=[upload.pk])).status_code == 404
    client.logout()
    assert client.post(reverse("upload_correct", args=[upload.pk]), data).status_code == 302  # to log in
    assert Upload.objects.get().corrections == []


def test_undo_all_corrections(preview):
    client, upload, _ = preview
    _correct(client, upload, "We read the ledgers.", "merge")
    assert len(Upload.objects.get().corrections) == 1
    response = client.post(reverse("upload_undo_corrections", args=[upload.pk]))
    assert response.url == upload.get_absolute_url() and Upload.objects.get().corrections == []
    assert ("body", "1", "We read the ledgers.") in _published(client, upload)


def test_a_new_version_of_the_same_file_gets_the_corrections_again(preview):
    client, upload, _ = preview
    _correct(client, upload, "Smith, J.", "kind", kind="reference")
    _correct(client, upload, "We read the ledgers.", "merge")
    _correct(client, upload, "Loans were small.", "split", at="were small")
    _published(client, upload)

    # The next version adds a paragraph (every block after it moves) and rewrites one that was split.
    v2 = PAPER.replace(b"We read the ledgers.", b"A new opening.\n\nWe read the ledgers.").replace(
        b"Loans were small.", b"Loans were tiny."
    )
    file = SimpleUploadedFile("harbour.md", v2, content_type="text/markdown")
    response = client.post(reverse("upload_new_version", args=["harbour"]), {"file": file}, follow=True)
    html = response.content.decode()
    assert "2 corrections made to the last version were made again here" in html
    assert "We read the ledgers. Then we counted the loans." in html

    again = Upload.objects.get(replaces__isnull=False)
    client.post(reverse("upload_publish", args=[again.pk]))
    current = Document.objects.get(slug="harbour")
    kinds = {p.text: p.kind for p in current.paragraphs.all()}
    assert current.version == 2
    assert kinds["Smith, J. (2020). Harbour credit. Journal of Fish."] == "reference"
    assert kinds["We read the ledgers. Then we counted the loans."] == "body"
    assert "Loans were tiny." in kinds  # its split no longer fitted: left out
