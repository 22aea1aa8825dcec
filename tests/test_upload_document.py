"""Uploading a document (and a new version) from the web: preview, publish, refusals."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from access.policy import visible_documents
from reader.models import Document
from tests.importer_support import journal_pdf
from versions.models import DocumentVersion, Publication, Upload

TIDE = (Path(__file__).resolve().parent / "data" / "tide-ledgers.txt").read_bytes()


def _file(content=TIDE, name="tide-ledgers.md"):
    return SimpleUploadedFile(name, content, content_type="text/markdown")


@pytest.fixture
def instructor_client(client, group_roles):
    group, _, cast = group_roles
    client.force_login(cast["instructor"])
    return client, group, cast


def test_only_instructors_and_staff_may_upload(client, group_roles, make_user):
    _, _, cast = group_roles
    url = reverse("upload_document")
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(cast["member"])
    assert client.get(url).status_code == 403
    client.force_login(make_user("stella", is_staff=True))
    assert client.get(url).status_code == 200
    client.force_login(cast["instructor"])
    assert client.get(url).status_code == 200


def test_upload_shows_a_preview_then_publishes_for_the_group_only(instructor_client, make_user):
    client, group, cast = instructor_client
    response = client.post(
        reverse("upload_document"), {"file": _file(), "slug": "tide-ledgers", "audience": str(group.pk)}
    )
    upload = Upload.objects.get()
    assert response.status_code == 302 and response.url == reverse("upload_preview", args=[upload.pk])
    assert not Document.objects.exists()  # nothing is published before the preview

    preview = client.get(response.url)
    html = preview.content.decode()
    assert "Tide Tables and Ledgers" in html
    assert "<strong>1</strong> title" in html and "footnote" in html and "reference" in html
    assert "for the group “Seminar” only" in html

    published = client.post(reverse("upload_publish", args=[upload.pk]))
    document = Document.objects.get(slug="tide-ledgers")
    assert published.status_code == 302 and published.url == document.get_absolute_url()
    assert document.paragraphs.count() > 20
    assert Publication.objects.get(document=document).group == group

    # Group-only: its members see it, nobody else does.
    assert document in visible_documents(cast["member"])
    assert document not in visible_documents(cast["outsider"])
    assert document not in visible_documents(make_user("anon-like"))
    assert document in visible_documents(cast["superuser"])

    # Publishing twice (a double click) publishes once.
    again = client.post(reverse("upload_publish", args=[upload.pk]))
    assert again.status_code == 302 and Document.objects.count() == 1


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "The submitted file is empty."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "looks like a binary file, not text"),
        ("Café au lait, naïve résumé".encode("latin-1"), "is not UTF-8 text"),
    ],
)
def test_a_bad_file_gets_a_clear_message_and_changes_nothing(instructor_client, content, message):
    client, group, _ = instructor_client
    response = client.post(
        reverse("upload_document"), {"file": _file(content, "paper.txt"), "slug": "my-paper", "audience": "library"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html
    assert 'value="my-paper"' in html  # what was typed is kept
    assert not Upload.objects.exists() and not Document.objects.exists()


def test_a_taken_slug_is_a_field_error(instructor_client, document):
    client, _, _ = instructor_client
    response = client.post(reverse("upload_document"), {"file": _file(), "slug": document.slug, "audience": "library"})
    assert response.status_code == 422
    assert "A document with the slug “short-paper” already exists." in response.content.decode()


def test_someone_elses_upload_is_not_found(instructor_client, group_roles):
    client, group, cast = instructor_client
    upload = Upload.objects.create(uploaded_by=cast["other_instructor"], source_name="x.md", text="Hello.", slug="x")
    assert client.get(reverse("upload_preview", args=[upload.pk])).status_code == 404
    assert client.post(reverse("upload_publish", args=[upload.pk])).status_code == 404
    assert Upload.objects.get(pk=upload.pk).published_document is None and not Document.objects.filter(slug="x").exists()


def test_new_version_from_the_web(instructor_client):
    client, group, cast = instructor_client
    client.post(reverse("upload_document"), {"file": _file(), "slug": "tide-ledgers", "audience": str(group.pk)})
    client.post(reverse("upload_publish", args=[Upload.objects.get().pk]))

    corrected = TIDE.replace(b"When a herring boat comes back empty", b"When a herring boat returns empty")
    response = client.post(reverse("upload_new_version", args=["tide-ledgers"]), {"file": _file(corrected)})
    upload = Upload.objects.get(replaces__isnull=False)
    assert response.url == reverse("upload_preview", args=[upload.pk])
    html = client.get(response.url).content.decode()
    assert "Compared with version 1" in html and "<strong>1</strong> edited" in html

    published = client.post(reverse("upload_publish", args=[upload.pk]), follow=True)
    assert "Version 2 is published" in published.content.decode()
    current = Document.objects.get(slug="tide-ledgers")
    assert current.version == 2 and Publication.objects.get(document=current).group == group
    assert DocumentVersion.objects.count() == 2


def test_new_version_refusals(client, group_roles, document):
    _, _, cast = group_roles
    url = reverse("upload_new_version", args=[document.slug])
    client.force_login(cast["instructor"])  # a library document imported by command: staff only
    assert client.get(url).status_code == 403
    client.force_login(cast["superuser"])
    bad = client.post(url, {"file": _file(b"\x00\x01\x02", "v2.txt")})
    assert bad.status_code == 422 and "binary" in bad.content.decode()
    assert not Upload.objects.exists() and Document.objects.get().version == 1


def test_the_preview_lists_what_was_left_out_as_header_footer_or_page_number(instructor_client):
    client, group, _ = instructor_client
    data, _, _ = journal_pdf()
    pdf = SimpleUploadedFile("ledgers.pdf", data, content_type="application/pdf")
    response = client.post(reverse("upload_document"), {"file": pdf, "slug": "ledgers", "audience": str(group.pk)})
    html = client.get(response.url).content.decode()
    left_out = html[html.index("Left out as running header"):]
    assert "Journal of Harbour Studies · Vol. 12 · 2026" in left_out
    assert "Page numbers" in left_out
    assert "Tide Ledgers <span" in left_out
    # A paragraph cut by the page break cites both pages.
    assert '<span class="page-of">pp. 117–118</span>' in html
    assert "<strong>1</strong> references heading" in html  # kinds in words, not their keys
    # Listed, not in the paper.
    assert "Journal of Harbour Studies · Vol. 12" not in Upload.objects.get().text
