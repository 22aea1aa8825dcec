"""A PDF, Word or EPUB upload is read in the background: the upload returns at once to its
preview address, which shows the import's progress (polled by htmx), then the preview; a
failure says why, and an import whose process died is shown as stopped, with "Try again"."""

import io
from datetime import timedelta

import pypdfium2
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from groups.models import Membership, Role, StudyGroup
from reader.models import Document
from reader.importers import read_source
from tests.importer_support import journal_pdf, short_docx, short_epub
from versions import imports
from versions.models import ImportStatus, Upload

HTMX_POLL = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "import-progress"}


def _post_pdf(client, data=None, slug="ledgers"):
    pdf = SimpleUploadedFile("ledgers.pdf", data or journal_pdf()[0], content_type="application/pdf")
    return client.post(reverse("upload_document"), {"file": pdf, "slug": slug, "audience": "library"})


@pytest.fixture
def staff_client(client, make_user):
    client.force_login(make_user("stella", is_staff=True))
    return client


def test_a_pdf_upload_is_imported_then_previewed(staff_client):
    response = _post_pdf(staff_client)
    upload = Upload.objects.get()
    assert response.status_code == 302 and response.url == reverse("upload_preview", args=[upload.pk])
    assert upload.status == ImportStatus.READY and (upload.stage, upload.pages_done, upload.pages_total) == ("reading", 2, 2)
    html = staff_client.get(response.url).content.decode()
    assert "Tide Ledgers and the Making of a Harbour Economy" in html and "Publish" in html
    # The progress display's last poll, once the import is done, reloads the page to the preview.
    assert staff_client.get(response.url, **HTMX_POLL).headers["HX-Refresh"] == "true"


def _blank_pdf() -> bytes:
    document = pypdfium2.PdfDocument.new()
    document.new_page(595, 842)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_failed_import_says_why_and_publishes_nothing(staff_client):
    # A PDF opens quickly, so only its pages show it has no text: the import finds that out.
    response = _post_pdf(staff_client, data=_blank_pdf())
    upload = Upload.objects.get()
    assert response.url == reverse("upload_preview", args=[upload.pk]) and upload.status == ImportStatus.FAILED
    html = staff_client.get(response.url).content.decode()
    assert "ledgers.pdf could not be imported" in html
    assert "“ledgers.pdf” has no text layer" in html
    assert "Choose another file" in html and "Try again" not in html
    assert staff_client.post(reverse("upload_publish", args=[upload.pk])).url == response.url
    assert not Document.objects.exists()


def test_an_import_whose_process_died_is_shown_stopped_and_can_be_tried_again(staff_client, settings):
    _post_pdf(staff_client)
    upload = Upload.objects.get()
    # As a server restart leaves it: running, half-way, silent for longer than any page takes.
    silent = timezone.now() - timedelta(seconds=settings.IMPORT_STALL_SECONDS + 1)
    Upload.objects.filter(pk=upload.pk).update(status=ImportStatus.RUNNING, pages_done=1, text="", progressed=silent)
    url = reverse("upload_preview", args=[upload.pk])
    html = staff_client.get(url).content.decode()
    assert "The import stopped before it finished" in html and "Try again" in html
    assert staff_client.get(url, **HTMX_POLL).headers["HX-Refresh"] == "true"  # a page left open shows it too
    assert staff_client.post(reverse("upload_publish", args=[upload.pk])).url == url  # nothing half-read is published
    assert not Document.objects.exists()

    staff_client.post(reverse("upload_retry", args=[upload.pk]))
    assert "Tide Ledgers and the Making of a Harbour Economy" in staff_client.get(url).content.decode()
    staff_client.post(reverse("upload_publish", args=[upload.pk]))
    assert Document.objects.get(slug="ledgers").paragraphs.exists()


def test_an_import_still_running_is_not_stopped_nor_tried_again(staff_client):
    _post_pdf(staff_client)
    upload = Upload.objects.get()
    Upload.objects.filter(pk=upload.pk).update(status=ImportStatus.RUNNING, progressed=timezone.now())
    staff_client.post(reverse("upload_retry", args=[upload.pk]))
    assert Upload.objects.get().status == ImportStatus.RUNNING  # one import at a time


@pytest.mark.django_db(transaction=True)  # the import thread has its own connection: it sees only committed rows
def test_a_reload_mid_import_shows_the_progress_then_the_preview(client, make_user, paused_import):
    first_page, release = paused_import
    instructor = make_user("ines")
    group = StudyGroup.objects.create(name="Seminar")
    Membership.objects.create(group=group, user=instructor, role=Role.INSTRUCTOR)
    client.force_login(instructor)
    pdf = SimpleUploadedFile("ledgers.pdf", journal_pdf()[0], content_type="application/pdf")
    response = client.post(reverse("upload_document"), {"file": pdf, "slug": "ledgers", "audience": str(group.pk)})
    assert first_page.wait(timeout=30)

    html = client.get(response.url).content.decode()  # a reload, in the middle
    assert "Importing ledgers.pdf" in html and "Reading page 1 of 2" in html
    assert 'hx-trigger="every 1s"' in html
    poll = client.get(response.url, **HTMX_POLL)
    assert 'id="import-progress"' in poll.content.decode() and "<html" not in poll.content.decode()
    assert client.post(reverse("upload_publish", args=[Upload.objects.get().pk])).url == response.url
    assert not Document.objects.exists()

    release.set()
    imports._executor.shutdown(wait=True)
    assert "Tide Ledgers and the Making of a Harbour Economy" in client.get(response.url).content.decode()


@pytest.mark.django_db(transaction=True)  # the import thread has its own connection: it sees only committed rows
@pytest.mark.parametrize(
    "name, make, stage",
    [("notes.epub", short_epub, "Reading chapter 1 of 5…"), ("draft.docx", short_docx, "Converting the Word document…")],
)
def test_an_epub_or_word_import_shows_its_stage_while_it_runs(staff_client, paused_import, name, make, stage):
    first_stage, release = paused_import
    file = SimpleUploadedFile(name, make(), content_type="application/octet-stream")
    response = staff_client.post(reverse("upload_document"), {"file": file, "slug": "salt", "audience": "library"})
    assert first_stage.wait(timeout=30)
    html = staff_client.get(response.url).content.decode()
    assert f"Importing {name}" in html and stage in html and "Opening the file" not in html

    release.set()
    imports._executor.shutdown(wait=True)
    assert "Publish" in staff_client.get(response.url).content.decode()


def test_epub_and_word_imports_report_each_step_to_the_progress_display(staff_client):
    def steps(data, name):
        heard = []
        read_source(data, name, progress=lambda stage, done, total: heard.append((stage, done, total)))
        return heard

    # An EPUB's chapters one by one, in spine order, then its notes linked; a Word file's two steps.
    assert steps(short_epub(), "notes.epub") == [("chapter", n, 5) for n in range(5)] + [("linking", 5, 5)]
    assert steps(short_docx(), "draft.docx") == [("converting", 0, 2), ("linking", 1, 2)]
    # What the preview says of the last step, for either.
    response = staff_client.post(reverse("upload_document"), {
        "file": SimpleUploadedFile("notes.epub", short_epub()), "slug": "salt", "audience": "library"})
    Upload.objects.update(status=ImportStatus.RUNNING, stage="linking", pages_done=5, pages_total=5,
                          progressed=timezone.now())
    html = staff_client.get(response.url, **HTMX_POLL).content.decode()
    assert "Finding the headings and linking the footnotes…" in html
    assert 'aria-label="Import progress"' in html
