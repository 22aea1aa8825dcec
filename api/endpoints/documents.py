"""Documents and their paragraphs (read only; published documents only)."""

from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Path, Query, Router

from access.policy import visible_documents
from annotations.anchoring import ReadingText
from api.auth import READ_AUTH
from api.schemas import (
    DocumentList,
    DocumentOut,
    Error,
    Id,
    Page,
    ParagraphList,
    ParagraphOut,
    Slug,
    ValidationErrors,
)
from reader.models import Paragraph
from versions import following

router = Router(tags=["documents"], auth=READ_AUTH)
# Reads work without signing in too; the empty requirement says so.
PUBLIC_READ = {"security": [{"TokenAuth": []}, {"CsrfSessionAuth": []}, {}]}


def document_data(d) -> dict:
    return {
        "slug": d.slug, "title": d.title, "authors": d.authors, "doi": d.doi, "keywords": d.keywords,
        "version": d.version, "paragraph_count": d.paragraph_count, "url": d.get_absolute_url(),
    }


def paragraph_data(p, slug) -> dict:
    return {
        "id": p.pk, "document": slug, "position": p.position, "kind": p.kind, "section": p.section,
        "level": p.level, "label": p.label, "anchor": p.anchor, "text": p.text,
        "shown_text": ReadingText.of(p).shown, "url": paragraph_url(slug, p.anchor),
    }


def paragraph_url(slug, anchor) -> str:
    # Built from the slug the caller already has, so listing paragraphs needs no join.
    return reverse("document", args=[slug]) + f"#p-{anchor}"


def _documents(user):
    return visible_documents(user).annotate(paragraph_count=Count("paragraphs"))


@router.get("/documents", response={200: DocumentList, 401: Error, 422: ValidationErrors}, openapi_extra=PUBLIC_READ, summary="Published documents")
def list_documents(request, page: Query[Page]):
    qs = _documents(request.auth).order_by("title", "pk")
    return {"count": qs.count(), "items": [document_data(d) for d in qs[page.offset : page.offset + page.limit]]}


@router.get("/documents/{slug}", response={200: DocumentOut, 401: Error, 404: Error, 422: ValidationErrors}, openapi_extra=PUBLIC_READ, summary="One document")
def get_document(request, slug: Path[Slug]):
    return document_data(get_object_or_404(_documents(request.auth), slug=slug))


@router.get("/documents/{slug}/paragraphs", response={200: ParagraphList, 401: Error, 404: Error, 422: ValidationErrors}, openapi_extra=PUBLIC_READ,
            summary="A document's paragraphs, in order")
def list_paragraphs(request, slug: Path[Slug], page: Query[Page]):
    document = get_object_or_404(visible_documents(request.auth), slug=slug)
    qs = document.paragraphs.order_by("position")
    items = qs[page.offset : page.offset + page.limit]
    return {"count": qs.count(), "items": [paragraph_data(p, slug) for p in items]}


@router.get("/paragraphs/{paragraph_id}", response={200: ParagraphOut, 401: Error, 404: Error, 422: ValidationErrors}, openapi_extra=PUBLIC_READ,
            summary="One paragraph")
def get_paragraph(request, paragraph_id: Path[Id]):
    """An old version's paragraph id answers with the paragraph where it is now (its own id);
    a paragraph deleted since answers as it was, with the version it was last in."""
    p = get_object_or_404(Paragraph.objects.select_related("document"), pk=paragraph_id)
    current = following.current_document(p.document)
    if not visible_documents(request.auth).filter(pk=current.pk).exists():
        raise Http404("No such paragraph.")
    followed = following.follow(p, current)
    if followed.current:
        return paragraph_data(followed.paragraph, current.slug)
    gone = followed.paragraph
    return {
        **paragraph_data(gone, current.slug),
        "url": reverse("document_version", args=[current.slug, followed.version_number]) + f"#p-{gone.anchor}",
        "deleted_after_version": followed.version_number,
    }
