from urllib.parse import quote

from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from access.policy import get_document_for, has_permission, visible_documents
from annotations.reading import margin_context
from live.reading import live_context
from reader import page_cache
from reader.rendering import ReadingPage
from reader.search import search_document


@require_GET
def library(request):
    # One query: the documents with their paragraph counts.
    documents = visible_documents(request.user).annotate(paragraph_count=Count("paragraphs"))
    can_upload = request.user.is_authenticated and has_permission(request.user, "document.upload")
    return render(request, "reader/library.html", {"documents": documents, "can_upload": can_upload})


@require_GET
def document_original(request, slug):
    """The file the paper was imported from, for whoever may read the paper."""
    document = get_document_for(request.user, slug)
    original = document.original
    if original is None:
        raise Http404("This paper's original file was not kept.")
    response = HttpResponse(bytes(original.data), content_type=original.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(original.name)}"
    return response


@require_GET
def document(request, slug):
    """The reading page: kept while nothing on it has changed (reader/page_cache.py).
    Queries when kept: one, the page with its stamps; otherwise also the session, the user,
    the document, its paragraphs, the search (when there is a query), margin_context's (a
    constant number) and keeping the page."""
    kept = page_cache.look_up(request, slug)
    page = kept.page
    if page is None:
        document = get_document_for(request.user, slug)
        page = page_cache.compressed(_render_document(request, document))
        page_cache.keep_page(request, kept, document, page)
    return page_cache.response(request, page)


def _render_document(request, document) -> bytes:
    """The reading page with page_cache's holes for what differs on every response."""
    # The generated tsvector is only for searching; the page never shows it.
    paragraphs = list(document.paragraphs.defer("search_vector"))
    search = search_document(document, request.GET.get("q", ""))
    context = {
        "document": document,
        "paragraphs": paragraphs,
        "page": ReadingPage.build(paragraphs),
        "search": search,
        **page_cache.HOLES,
    }
    context.update(margin_context(request.user, document, paragraphs, request.GET))
    # heat strip, live updates
    context.update(live_context(document, paragraphs, context["heat_counts"], since=page_cache.SINCE_HOLE))
    return render_to_string("reader/document.html", context, request).encode()


@require_GET
def document_search(request, slug):
    """Search results alone, for the reading page's search box to show in place (htmx);
    without htmx, the reading page with the results is the better answer."""
    document = get_document_for(request.user, slug)
    query = request.GET.get("q", "")
    if not request.htmx:
        url = document.get_absolute_url()
        return redirect(f"{url}?{urlencode({'q': query})}#search" if query.strip() else url)
    search = search_document(document, query)
    return render(request, "reader/_search_results.html", {"document": document, "search": search})
