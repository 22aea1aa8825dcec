"""Uploading a paper in the formats instructors have: the web upload and the command read
the file by its content, keep the original for the paper's readers, show where each page of
the print begins, and refuse a bad file with a clear message that stores nothing."""

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from reader.importers import ocr
from reader.models import Document, SourceFile
from tests.importer_support import journal_pdf, short_docx
from tests.test_importers import _encrypted, scanned
from versions.models import Upload


@pytest.fixture
def instructor(client, group_roles):
    group, _, cast = group_roles
    client.force_login(cast["instructor"])
    return client, group, cast


def _upload(client, content, name, slug="tide-ledgers", audience="library"):
    # The name says text: the content decides.
    file = SimpleUploadedFile(name, content, content_type="text/plain")
    return client.post(reverse("upload_document"), {"file": file, "slug": slug, "audience": audience})


def test_a_pdf_upload_publishes_with_its_pages_and_original(instructor):
    client, group, cast = instructor
    data, _, _ = journal_pdf()
    response = _upload(client, data, "article.txt", audience=str(group.pk))
    assert response.status_code == 302
    preview = client.get(response.url).content.decode()
    assert "Tide Ledgers and the Making of a Harbour Economy" in preview
    assert "<strong>1</strong> table" in preview and "<strong>1</strong> caption" in preview
    assert not Document.objects.exists()

    client.post(reverse("upload_publish", args=[Upload.objects.get().pk]))
    document = Document.objects.get(slug="tide-ledgers")
    assert set(document.paragraphs.values_list("page", flat=True)) >= {"117", "118", "117–118"}
    # The published records keep which page of the file each starts on, too.
    assert set(document.paragraphs.values_list("page", "page_index")) >= {("117", 1), ("118", 2), ("117–118", 1)}

    page = client.get(document.get_absolute_url()).content.decode()
    assert '<span class="page-mark">p. 117</span>' in page and '<span class="page-mark">p. 118</span>' in page
    assert page.count('class="page-mark"') == 2  # where a page begins, not on every paragraph
    original = client.get(reverse("document_original", args=[document.slug]))
    assert original.status_code == 200 and original["Content-Type"] == "application/pdf"
    assert original.content == data and "article.txt" in original["Content-Disposition"]

    # Whoever may not read the paper may not know it has an original.
    client.force_login(cast["outsider"])
    assert client.get(reverse("document_original", args=[document.slug])).status_code == 404


@pytest.mark.parametrize(
    "content, message",
    [
        (b"A paper.\n\n" + b"word " * 2000 + b"\x00 and more.\n", "looks like a binary file, not text"),
        (_encrypted(), "is protected by a password"),
        (b"%PDF-1.7\n1 0 obj <<", "is not a readable PDF"),
    ],
    ids=["nul-after-8kb", "encrypted-pdf", "corrupt-pdf"],
)
def test_a_bad_file_is_a_clear_422_that_stores_nothing(instructor, content, message):
    client, _, _ = instructor
    response = _upload(client, content, "paper.pdf")
    assert response.status_code == 422 and message in response.content.decode()
    assert not Upload.objects.exists() and not SourceFile.objects.exists() and not Document.objects.exists()


def test_a_file_over_the_limit_is_refused_with_the_limit(instructor, settings):
    client, _, _ = instructor
    settings.MAX_UPLOAD_BYTES = 1024 * 1024
    response = _upload(client, b"Text. " * 200_000, "big.txt")
    assert response.status_code == 422 and "the limit here is 1 MB" in response.content.decode()


def test_the_library_offers_add_a_reading_to_those_who_may_upload(client, group_roles):
    _, _, cast = group_roles
    client.force_login(cast["instructor"])
    assert reverse("upload_document") in client.get(reverse("library")).content.decode()
    client.force_login(cast["member"])
    assert reverse("upload_document") not in client.get(reverse("library")).content.decode()


@pytest.mark.django_db
def test_import_document_reads_a_word_file_by_its_content(tmp_path, capsys):
    path = tmp_path / "salt-and-tide.bin"
    path.write_bytes(short_docx())
    call_command("import_document", str(path), "--slug", "salt-and-tide")
    document = Document.objects.get(slug="salt-and-tide")
    assert document.title == "Salt and Tide"
    assert list(document.paragraphs.filter(kind="footnote").values_list("label", flat=True)) == ["1", "2"]
    assert document.original.format == "docx" and bytes(document.original.data) == path.read_bytes()


@pytest.mark.skipif(
    not ocr.available() and os.environ.get("CI") != "true", reason="tesseract is not installed (.ci/run installs it)"
)
def test_the_preview_of_a_scan_says_its_text_was_recognised(instructor):
    client, _, _ = instructor
    response = _upload(client, scanned(journal_pdf(sections=1, columns=1)[0]), "scan.pdf")
    preview = client.get(response.url).content.decode()
    assert "its text was recognised from images of the pages and may contain errors" in preview
    assert "Tide Ledgers and the Making of a Harbour Economy" in preview
