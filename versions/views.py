"""Uploading documents and new versions, version history, old versions, permalinks and orphans."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRefresh

from access.policy import get_document_for, has_permission
from reader.importing import (
    CORRECTABLE_KINDS,
    DROP,
    CorrectionRefused,
    ImportRefused,
    apply_corrections,
    block_hash,
    carry_corrections,
    import_document,
    parse_document,
)
from reader.models import Document
from reader.rendering import render_document
from versions import following, history, imports, orphans
from versions.forms import NewVersionForm, UploadForm
from versions.models import DocumentVersion, ImportStatus, ParagraphChange, Publication, Upload
from versions.moving import preview_new_version, publish_new_version
from versions.permissions import get_orphan_for, get_upload_for, visible_orphans

PREVIEW_PARAGRAPHS = 400  # the preview lists paragraphs up to this many (a paper has about a hundred)


# --- Uploading ---------------------------------------------------------------------------


@login_required
def upload_document(request):
    if not has_permission(request.user, "document.upload"):
        raise PermissionDenied
    # ?group=<pk>: the group page's "Add a reading" preselects that group as the audience.
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user, audience=request.GET.get("group"))
    if request.method == "POST" and form.is_valid():
        upload = _keep_upload(request, form, slug=form.cleaned_data["slug"], group=form.group())
        return redirect(upload)
    return render(request, "versions/upload.html", {"form": form}, status=422 if form.errors else 200)


@login_required
def upload_new_version(request, slug):
    document = get_document_for(request.user, slug)
    if not has_permission(request.user, "document.new_version", document):
        # Say why, and who can: the reader may well be an instructor of some group.
        context = {"document": document, "can_upload": has_permission(request.user, "document.upload")}
        return render(request, "versions/new_version_refused.html", context, status=403)
    form = NewVersionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = _keep_upload(request, form, slug=document.slug, replaces=document)
        _carry_corrections(request, upload)
        return redirect(upload)
    return render(
        request, "versions/new_version.html", {"form": form, "document": document}, status=422 if form.errors else 200
    )


@transaction.atomic
def _keep_upload(request, form, **fields):
    """The parsed file waiting for its preview, with the original file it came from; a PDF,
    Word or EPUB file is read in the background, and its preview shows the progress."""
    field = form.fields["file"]
    field.original.save()
    upload = Upload.objects.create(
        uploaded_by=request.user, source_name=field.source_name[:300], text=form.cleaned_data["file"],
        original=field.original, dropped=field.dropped, **fields,
    )
    if field.deferred:
        imports.start(upload)
    return upload


def _carry_corrections(request, upload):
    """A new version of the same file layout gets the corrections its last upload was
    published with, where they still fit; the preview says so, and they can be undone."""
    earlier = Upload.objects.filter(published_document=upload.replaces).exclude(corrections=[]).first()
    if earlier is None:
        return
    parsed = parse_document(upload.text, fallback_title=upload.replaces.title)
    upload.corrections = carry_corrections(parsed, earlier.corrections)
    if upload.corrections:
        upload.save(update_fields=["corrections"])
        n = len(upload.corrections)
        messages.info(
            request,
            f"{n} correction{'s' if n > 1 else ''} made to the last version {'were' if n > 1 else 'was'} "
            "made again here; undo them below if they do not fit.",
        )


def _preview_context(upload):
    if upload.replaces_id:
        report = preview_new_version(upload.replaces, upload.text, upload.corrections)
        parsed = report.parsed
    else:
        parsed = parse_document(upload.text, fallback_title=upload.source_name)
        report, parsed = None, apply_corrections(parsed, upload.corrections)
    return {
        "upload": upload,
        "parsed": parsed,
        "report": report,
        "kind_counts": parsed.kind_counts().most_common(),
        "blocks": [(p, block_hash(p)) for p in parsed.paragraphs[:PREVIEW_PARAGRAPHS]],
        "kind_choices": [(kind, kind.label.lower()) for kind in CORRECTABLE_KINDS] + [(DROP, "leave out")],
        "kind_values": CORRECTABLE_KINDS,  # any other kind is shown as it is, as the select's first option
    }


def _render_preview(request, upload, status=200, **extra):
    """The preview page; to htmx, only the block list (which holds the corrections' forms)."""
    context = _preview_context(upload) | extra
    template = "versions/_preview_blocks.html" if request.htmx else "versions/upload_preview.html"
    return render(request, template, context, status=status)


@login_required
@require_GET
def upload_preview(request, pk):
    upload = get_upload_for(request.user, pk)
    if upload.published_document_id:
        return redirect(upload.published_document)
    running = upload.status == ImportStatus.RUNNING and not upload.stalled
    if request.htmx and request.htmx.target == "import-progress":
        # The progress display's poll: its next state, or the whole page once the import ended.
        if running:
            return render(request, "versions/_import_progress.html", {"upload": upload})
        return HttpResponseClientRefresh()
    if upload.status != ImportStatus.READY:
        return render(request, "versions/upload_import.html", {"upload": upload, "failed": not running})
    return _render_preview(request, upload)


CORRECTION_FIELDS = ("action", "kind", "at", "number", "hash")


@login_required
@require_POST
def upload_correct(request, pk):
    """One correction of the preview's structure, recorded on the upload and replayed on
    every parse (the preview, and the publish). Only the uploader's: 404 to anyone else."""
    try:
        block = int(request.POST.get("block", ""))
    except ValueError:
        block = -1
    correction = {"block": block} | {name: request.POST.get(name, "") for name in CORRECTION_FIELDS}
    with transaction.atomic():
        upload = get_upload_for(request.user, pk, for_update=True)
        if upload.published_document_id:
            return redirect(upload.published_document)
        if upload.status != ImportStatus.READY:  # still being read: nothing to correct yet
            return redirect(upload)
        corrections = upload.corrections + [correction]
        try:
            # Replayed from the text: a correction that does not fit is refused, nothing is kept.
            parsed = parse_document(upload.text, fallback_title=upload.source_name)
            apply_corrections(parsed, corrections)
        except CorrectionRefused as refusal:
            typed = {name: request.POST.get(name, "") for name in ("kind", "at", "number")}
            return _render_preview(
                request, upload, status=422, block_error={"block": refusal.block, "message": str(refusal), **typed}
            )
        upload.corrections = corrections
        upload.save(update_fields=["corrections"])
    if request.htmx:
        return _render_preview(request, upload)
    # Back to where the instructor was: the corrected block (or, after a drop, the one that took its place).
    return redirect(f"{upload.get_absolute_url()}#b-{max(block, 0)}")


@login_required
@require_POST
def upload_undo_corrections(request, pk):
    with transaction.atomic():
        upload = get_upload_for(request.user, pk, for_update=True)
        if upload.published_document_id:
            return redirect(upload.published_document)
        upload.corrections = []
        upload.save(update_fields=["corrections"])
    return redirect(upload)


@login_required
@require_POST
def upload_retry(request, pk):
    """Read the file again, when the import stopped without an answer (the process died)."""
    upload = get_upload_for(request.user, pk)
    if upload.stalled and not upload.published_document_id:
        imports.start(upload)
    return redirect(upload)


@login_required
@require_POST
def upload_publish(request, pk):
    upload = get_upload_for(request.user, pk)
    if upload.published_document_id:
        return redirect(upload.published_document)
    if upload.status != ImportStatus.READY:
        return redirect(upload)  # still importing, or failed: nothing half-read is published
    try:
        if upload.replaces_id:
            # Still allowed, and still the current version? (Both may have changed since the preview.)
            current = get_document_for(request.user, upload.replaces.slug, "document.new_version")
            if current.pk != upload.replaces_id:
                raise ImportRefused("Someone published another version meanwhile; upload your file again to compare with it.")
            with transaction.atomic():
                report = publish_new_version(
                    current, upload.text, user=request.user, source_name=upload.source_name,
                    corrections=upload.corrections,
                )
                document = report.document
                Document.objects.filter(pk=document.pk).update(original=upload.original)
            outcome = report.annotations
            messages.success(
                request,
                f"Version {report.number} is published: {outcome['kept']} annotations kept, "
                f"{outcome['reanchored']} re-anchored, {outcome['orphaned']} orphaned.",
            )
        else:
            # Checked again: the uploader may have lost the right since the upload (or never had it).
            may_publish = (
                has_permission(request.user, "group.publish", upload.group)
                if upload.group_id
                else has_permission(request.user, "document.upload")
            )
            if not may_publish:
                raise PermissionDenied
            with transaction.atomic():
                document, _ = import_document(
                    upload.text, upload.slug, source_name=upload.source_name, original=upload.original,
                    corrections=upload.corrections,
                )
                Publication.objects.create(document=document, group=upload.group, published_by=request.user)
            messages.success(request, f"“{document.title}” is published.")
    except ImportRefused as refusal:
        return _render_preview(request, upload, status=409, error=str(refusal))
    upload.published_document = document
    upload.save(update_fields=["published_document"])
    return redirect(document)


# --- Versions ----------------------------------------------------------------------------


def _lineage_versions(document):
    """The document's versions, oldest first (just itself when it has never had another)."""
    record = DocumentVersion.objects.filter(document=document).first()
    if record is None:
        return []
    return list(DocumentVersion.objects.filter(lineage_id=record.lineage_id).select_related("document", "created_by"))


@require_GET
def document_history(request, slug):
    """What changed between versions. Queries: the document, its version record, the
    lineage's versions, and all their paragraph changes (with both paragraphs): four."""
    document = get_document_for(request.user, slug)
    versions = _lineage_versions(document)
    rows = (
        ParagraphChange.objects.filter(version__in=[v.pk for v in versions])
        .select_related("old_paragraph", "new_paragraph")
        .defer("old_paragraph__search_vector", "new_paragraph__search_vector")
        .order_by("version", "pk")
    )
    by_version = {}
    for row in rows:
        by_version.setdefault(row.version_id, []).append(row)
    timeline = []
    for version in reversed(versions):
        changes, unchanged = history.entries(by_version.get(version.pk, []))
        timeline.append({"version": version, "changes": changes, "unchanged": unchanged})
    can_upload = has_permission(request.user, "document.new_version", document)
    return render(
        request, "versions/history.html", {"document": document, "timeline": timeline, "can_upload": can_upload}
    )


@require_GET
def document_version(request, slug, number):
    """An old version, read-only, as it was."""
    document = get_document_for(request.user, slug)
    if number == document.version:
        return redirect(document)
    version = next((v for v in _lineage_versions(document) if v.number == number), None)
    if version is None:
        raise Http404("No such version.")
    paragraphs = list(version.document.paragraphs.defer("search_vector"))
    html, _ = render_document(paragraphs)  # the reading page's rendering: emphasis, linked note markers
    deleted = following.deleted_in_next(version.document)
    for paragraph in paragraphs:
        paragraph.html = html[paragraph.pk]
        paragraph.deleted_next = paragraph.pk in deleted
    return render(
        request, "versions/old_version.html", {"document": document, "version": version, "paragraphs": paragraphs}
    )


@require_GET
def paragraph_permalink(request, slug, anchor):
    """/d/<slug>/p/<anchor>/: the paragraph in the current version, wherever it went since;
    a deleted one in the last version that had it, which says so."""
    document = get_document_for(request.user, slug)
    followed = following.by_anchor(document, anchor)
    if followed is None:
        raise Http404("No such paragraph.")
    if not followed.current:
        return redirect(reverse("document_version", args=[slug, followed.version_number]) + f"#p-{followed.paragraph.anchor}")
    return redirect(f"{document.get_absolute_url()}#p-{followed.paragraph.anchor}")


# --- Orphans -----------------------------------------------------------------------------


@login_required
@require_GET
def orphan_list(request):
    """Annotations waiting to be attached again. One query (orphans with their annotation,
    author, old paragraph and document), plus the user's roles."""
    items = visible_orphans(request.user).select_related(
        "annotation__author", "old_paragraph__document", "version__document"
    ).order_by("-created", "pk")
    return render(request, "versions/orphans.html", {"orphans": items})


@require_GET
def orphans_nav(request):
    """The header's Orphans link (an htmx fragment), shown only to whoever has orphans to
    attach: most people never have one, and a link to an empty page is clutter.
    Queries: session, user, roles, whether any orphan waits."""
    count = visible_orphans(request.user).count() if request.user.is_authenticated else 0
    response = render(request, "versions/_orphans_nav.html", {"count": count})
    response["Cache-Control"] = "private, no-store"
    return response


def _orphan_context(request, orphan):
    document = orphans.current_document(orphan)
    paragraphs = list(document.paragraphs.defer("search_vector"))
    annotation, old_text = orphan.annotation, orphan.old_paragraph.text
    old_parts = None
    if annotation.quote and annotation.start is not None and old_text[annotation.start : annotation.end] == annotation.quote:
        old_parts = (old_text[: annotation.start], annotation.quote, old_text[annotation.end :])
    return {
        "old_parts": old_parts,
        "orphan": orphan,
        "annotation": orphan.annotation,
        "document": document,
        "candidates": orphans.candidates(orphan, paragraphs),
        "paragraphs": paragraphs,
    }


@login_required
@require_GET
def orphan_detail(request, pk):
    orphan = get_orphan_for(request.user, pk)
    return render(request, "versions/orphan.html", _orphan_context(request, orphan))


@login_required
@require_POST
def orphan_attach(request, pk):
    orphan = get_orphan_for(request.user, pk)
    document = orphans.current_document(orphan)
    chosen = request.POST.get("paragraph", "")
    # Not a paragraph's id (a hand-made request): no paragraph chosen, and the page says so.
    paragraph = document.paragraphs.filter(pk=int(chosen)).first() if chosen.isdigit() else None
    quote = request.POST.get("quote", "").strip()
    try:
        start = int(request.POST["start"]) if request.POST.get("start") else None
        version = int(request.POST["version"]) if request.POST.get("version") else None
    except ValueError:
        start = version = None
    status, error = 422, ""
    if paragraph is None:
        error = "Choose a paragraph of the current version."
    else:
        try:
            orphans.attach(orphan, paragraph, user=request.user, quote=quote, start=start, version=version)
        except orphans.AttachConflict as conflict:
            status, error = 409, str(conflict)
        except orphans.AttachRefused as refusal:
            error = str(refusal)
    if error:
        context = _orphan_context(request, orphan)
        context.update({"error": error, "typed_quote": quote, "chosen": paragraph.pk if paragraph else None})
        return render(request, "versions/orphan.html", context, status=status)
    messages.success(request, "The annotation is attached to the current version again.")
    return redirect(f"{document.get_absolute_url()}#p-{paragraph.anchor}")
