"""Annotations and replies: list (with the search page's filters), create, read, update, delete.

Every read goes through the permission module (visible_annotations / get_annotation_for):
what a caller may not see answers 404, whatever it is. Changes need can_edit / can_delete.
Writes go through the services the pages' forms use (annotations.editing, discussions.posting),
so both accept and refuse the same input with the same messages (422 here).
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpResponse
from ninja import Header, Path, Query, Router, Status
from ninja.errors import HttpError

from access.policy import can_delete, can_edit, has_permission
from annotations import editing
from annotations.models import Annotation
from annotations.permissions import (
    author_as_seen,
    get_annotation_for,
    is_not_anonymous,
    shown_links,
    visible_annotations,
)
from annotations.search import SearchFilters, ranked_annotations
from api.auth import READ_AUTH, WRITE_AUTH
from api.concurrency import check_if_match, etag_for
from api.endpoints.documents import PUBLIC_READ, paragraph_url
from api.idempotency import run_once
from api.schemas import (
    AnnotationCreate,
    AnnotationFilters,
    AnnotationList,
    AnnotationOut,
    AnnotationPatch,
    AnnotationReplace,
    Error,
    Id,
    Page,
    ReplyCreate,
    ValidationErrors,
)
from discussions import posting

router = Router(tags=["annotations"])

READ_RESPONSES = {401: Error, 404: Error, 422: ValidationErrors}
IDEMPOTENCY_KEY = Header(None, alias="Idempotency-Key", max_length=255, description="Send the same key when retrying a create.")
IF_MATCH = Header(None, alias="If-Match", max_length=1000, description="The ETag you read; a stale one answers 412.")
WRITE_RESPONSES = {400: Error, 401: Error, 403: Error, 404: Error, 412: Error, 413: Error, 422: ValidationErrors, 429: Error}


def with_details(qs, user):
    """The joins and prefetches annotation_data needs: a fixed number of queries per page
    (the curation row says whether the post is anonymous, for author_as_seen; the links are
    those `user` may be shown)."""
    return qs.select_related("author", "curation", "paragraph__document__publication").prefetch_related(
        "tags", Prefetch("links", queryset=shown_links(user))
    )


def link_data(link) -> dict:
    url = link.url or (paragraph_url(link.target.document.slug, link.target.anchor) if link.target else "")
    return {"relation": link.relation, "target": link.target_id, "url": url}


def annotation_data(user, a, reply_count=None) -> dict:
    """The annotation as `user` may see it: an anonymous post's author stays anonymous."""
    paragraph = a.paragraph
    known, shown_author = author_as_seen(user, a)
    return {
        "id": a.pk, "document": paragraph.document.slug, "paragraph": paragraph.pk,
        "paragraph_anchor": paragraph.anchor, "author": a.author.get_username() if known else None, "author_name": shown_author,
        "body": a.body, "tags": sorted(t.name for t in a.tags.all()), "quote": a.quote, "prefix": a.prefix,
        "suffix": a.suffix, "start": a.start, "end": a.end, "visibility": a.visibility, "group": a.group_id,
        "anonymous": not is_not_anonymous(user, a), "parent": a.parent_id, "hidden": a.hidden_at is not None, "links": [link_data(l) for l in a.links.all()],
        "reply_count": reply_count, "created": a.created, "updated": a.updated,
        "version": a.version, "url": a.get_absolute_url(),
    }


def load(request, pk) -> Annotation:
    """The annotation if the caller may see it (else 404), with what annotation_data needs."""
    annotation = get_annotation_for(request.auth, pk, with_details(Annotation.objects.all(), request.auth))
    if annotation.deleted_at is not None:
        raise HttpError(404, "Not Found")  # authors may still see it in the trash, not through the API
    return annotation


def respond(request, response: HttpResponse, annotation, status=200):
    response["ETag"] = etag_for(annotation)
    return Status(status, annotation_data(request.auth, annotation))


def created(request, response: HttpResponse, write):
    """201 with the new annotation that write() makes, at most once per Idempotency-Key."""

    def create():
        annotation = load(request, write().pk)
        headers = {"ETag": etag_for(annotation), "Location": f"/api/annotations/{annotation.pk}"}
        return 201, annotation_data(request.auth, annotation), headers

    result = run_once(request, request.auth, create)
    if isinstance(result, HttpResponse):
        return result  # a replay, or a key reused with another request
    status, body, headers = result
    for name, value in headers.items():
        response[name] = value
    return Status(status, body)


def _filters(filters: AnnotationFilters) -> SearchFilters:
    data = filters.model_dump()
    return SearchFilters(**{k: v for k, v in data.items() if v not in (None, "")})


@router.get("/annotations", response={200: AnnotationList, 401: Error, 422: ValidationErrors}, auth=READ_AUTH, openapi_extra=PUBLIC_READ,
            summary="Annotations you may see, filtered")
def list_annotations(request, filters: Query[AnnotationFilters], page: Query[Page]):
    qs = ranked_annotations(request.auth, _filters(filters))
    items = with_details(qs, request.auth)[page.offset : page.offset + page.limit]
    return {"count": qs.count(), "items": [annotation_data(request.auth, a) for a in items]}


@router.post("/annotations", response={201: AnnotationOut, **WRITE_RESPONSES}, auth=WRITE_AUTH,
             summary="Create an annotation (send Idempotency-Key to make retries safe)")
def create_annotation(request, payload: AnnotationCreate, response: HttpResponse,
                      idempotency_key: str | None = IDEMPOTENCY_KEY):
    def write():
        data = payload.model_dump()
        paragraph = editing.readable_paragraph(request.auth, pk=data["paragraph"])
        if paragraph is None:
            raise editing.InvalidInput({"paragraph": "No such paragraph."})
        return editing.create_annotation(request.auth, paragraph, data, host=request.get_host())

    return created(request, response, write)


@router.get("/annotations/{annotation_id}", response={200: AnnotationOut, **READ_RESPONSES}, auth=READ_AUTH,
            openapi_extra=PUBLIC_READ, summary="One annotation, with its ETag")
def get_annotation(request, annotation_id: Path[Id], response: HttpResponse):
    return respond(request, response, load(request, annotation_id))


def _change(request, annotation_id, data: dict, response):
    with transaction.atomic():
        annotation = load(request, annotation_id)
        Annotation.objects.select_for_update().filter(pk=annotation.pk).values_list("pk").get()
        annotation.refresh_from_db(fields=["version", "hidden_at", "deleted_at", "body", "visibility", "group"])
        if not can_edit(request.auth, annotation):
            raise PermissionDenied
        check_if_match(request, annotation)
        if "links" in data:  # the list sent replaces the links there were
            data["keep_links"] = []
        editing.update_annotation(request.auth, annotation, data, host=request.get_host())
    return respond(request, response, load(request, annotation_id))


@router.put("/annotations/{annotation_id}", response={200: AnnotationOut, **WRITE_RESPONSES}, auth=WRITE_AUTH,
            summary="Replace the editable fields (If-Match: the ETag you read)")
def replace_annotation(request, annotation_id: Path[Id], payload: AnnotationReplace, response: HttpResponse,
                       if_match: str | None = IF_MATCH):
    data = payload.model_dump()
    if data["anonymous"] is None:
        del data["anonymous"]
    return _change(request, annotation_id, data, response)


@router.patch("/annotations/{annotation_id}", response={200: AnnotationOut, **WRITE_RESPONSES}, auth=WRITE_AUTH,
              summary="Change some fields (If-Match: the ETag you read)")
def patch_annotation(request, annotation_id: Path[Id], payload: AnnotationPatch, response: HttpResponse,
                     if_match: str | None = IF_MATCH):
    # The fields sent, each whole (exclude_unset would also drop defaults inside them, a link's relation).
    return _change(request, annotation_id, payload.model_dump(include=payload.model_fields_set), response)


@router.delete("/annotations/{annotation_id}", response={204: None, **WRITE_RESPONSES}, auth=WRITE_AUTH,
               summary="Delete (If-Match: the ETag you read)")
def delete_annotation(request, annotation_id: Path[Id], if_match: str | None = IF_MATCH):
    with transaction.atomic():
        annotation = load(request, annotation_id)
        Annotation.objects.select_for_update().filter(pk=annotation.pk).values_list("pk").get()
        annotation.refresh_from_db(fields=["version", "hidden_at", "deleted_at"])
        if not can_delete(request.auth, annotation):
            raise PermissionDenied
        check_if_match(request, annotation)
        editing.soft_delete(annotation)
    return Status(204, None)


@router.get("/annotations/{annotation_id}/replies", response={200: AnnotationList, **READ_RESPONSES},
            auth=READ_AUTH, openapi_extra=PUBLIC_READ, summary="Replies you may see, oldest first")
def list_replies(request, annotation_id: Path[Id], page: Query[Page]):
    parent = load(request, annotation_id)
    qs = visible_annotations(request.auth, Annotation.objects.live()).filter(parent=parent).order_by("created", "pk")
    items = with_details(qs, request.auth)[page.offset : page.offset + page.limit]
    return {"count": qs.count(), "items": [annotation_data(request.auth, a) for a in items]}


@router.post("/annotations/{annotation_id}/replies", response={201: AnnotationOut, **WRITE_RESPONSES},
             auth=WRITE_AUTH, summary="Reply (shared with whoever sees the note)")
def create_reply(request, annotation_id: Path[Id], payload: ReplyCreate, response: HttpResponse,
                 idempotency_key: str | None = IDEMPOTENCY_KEY):
    parent = load(request, annotation_id)
    if not has_permission(request.auth, "annotation.reply", parent):
        raise PermissionDenied
    data = payload.model_dump()
    return created(request, response, lambda: posting.create_reply(request.auth, parent, **data))
