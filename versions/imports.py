"""Reading an uploaded PDF, Word or EPUB file in the background, so the upload's request
returns at once (a scan's text recognition takes a second or two a page).

The job runs in a thread of the app process and keeps everything on the Upload row (stage,
pages done of total, then the text or the error), so the preview page can poll it and a
reload shows the same state. A process that dies mid-import leaves the row "running" and
silent; ``Upload.stalled`` tells, and the preview offers to try again. Nothing is published
from an upload until its import is ready (views.upload_publish checks)."""

import logging
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import close_old_connections, connections, transaction
from django.utils import timezone

from reader.importers import read_source
from reader.importing import ImportRefused, parse_document
from reader.models import SourceFile
from versions.models import ImportStatus, Upload

log = logging.getLogger(__name__)

# Plain text, Markdown and HTML are read within the request: they take milliseconds.
BACKGROUND_FORMATS = {"pdf", "docx", "epub"}

_executor = ThreadPoolExecutor(max_workers=settings.IMPORT_WORKERS, thread_name_prefix="import")


def start(upload: Upload) -> None:
    """Mark the upload running and read its file, after the caller's transaction commits
    (the thread's own connection sees only committed rows)."""
    Upload.objects.filter(pk=upload.pk).update(
        status=ImportStatus.RUNNING, stage="", pages_done=0, pages_total=0, error="", progressed=timezone.now()
    )
    if settings.IMPORT_INLINE:
        run(upload.pk)
    else:
        transaction.on_commit(lambda: _executor.submit(_in_thread, upload.pk))


def _in_thread(pk: int) -> None:
    close_old_connections()
    try:
        run(pk)
    except Exception:
        # Not even the failure could be written (the database went away): the upload stays
        # "running" until it is shown as stopped. A future would keep this error to itself.
        log.exception("Import of upload %s could not record its outcome", pk)
    finally:
        connections.close_all()  # this thread's connections, which Django opened for it


def record_progress(pk: int, stage: str, done: int, total: int) -> None:
    Upload.objects.filter(pk=pk).update(stage=stage, pages_done=done, pages_total=total, progressed=timezone.now())


def run(pk: int) -> None:
    upload = Upload.objects.select_related("original").get(pk=pk)
    name = f"“{upload.source_name}”"
    try:
        data = bytes(upload.original.data)
        source = read_source(data, name, progress=lambda stage, done, total: record_progress(pk, stage, done, total))
        if not parse_document(source.text).paragraphs:
            raise ImportRefused(f"{name} has no paragraphs.")
    except ImportRefused as refusal:
        _fail(pk, str(refusal))
        return
    except Exception:
        log.exception("Import of upload %s failed", pk)
        _fail(pk, f"{name} could not be read: something went wrong on our side while reading it.")
        return
    with transaction.atomic():
        SourceFile.objects.filter(pk=upload.original_id).update(format=source.format)  # "scan" once recognised
        Upload.objects.filter(pk=pk).update(
            text=source.text, dropped=[list(item) for item in source.dropped], status=ImportStatus.READY,
            error="", progressed=timezone.now(),
        )


def _fail(pk: int, error: str) -> None:
    Upload.objects.filter(pk=pk).update(status=ImportStatus.FAILED, error=error, progressed=timezone.now())
