"""Tags on the annotations the caller may see, with counts."""

from typing import Literal

from ninja import Query, Router

from annotations.search import visible_tag_counts
from api.auth import READ_AUTH
from api.endpoints.documents import PUBLIC_READ
from api.schemas import Error, Page, TagList, ValidationErrors

router = Router(tags=["tags"], auth=READ_AUTH)


@router.get("/tags", response={200: TagList, 401: Error, 422: ValidationErrors}, openapi_extra=PUBLIC_READ,
            summary="Tags you may see, with how many annotations carry each")
def list_tags(request, page: Query[Page], sort: Literal["count", "name"] = "count"):
    rows = visible_tag_counts(request.auth, sort)
    items = [{"name": r["tag__name"], "slug": r["tag__slug"], "count": r["count"]}
             for r in rows[page.offset : page.offset + page.limit]]
    return {"count": len(rows), "items": items}
