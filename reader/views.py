from urllib.parse import quote

from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from access.policy import get_document_for, get_paragraph_for, has_permission, visible_documents
from reader.rendering import citation, quoted_words
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
def paragraph_cite(request, slug, anchor):
    """A ready citation of the paragraph (with ?quote=, of words of it), for whoever may read
    the paper: to htmx the reading page's citation panel, else a page of its own, to copy from.
    Queries: the session, the user, the document (and the reader's roles), the paragraph."""
    paragraph = get_paragraph_for(request.user, slug, anchor)
    asked = request.GET.get("quote", "")
    quote = quoted_words(paragraph, asked)
    context = {
        "paragraph": paragraph, "document": paragraph.document,
        "citation": citation(paragraph, request.build_absolute_uri(paragraph.get_absolute_url()), quote),
        "quote_refused": bool(asked.strip()) and not quote,
    }
    return render(request, "reader/_citation.html" if request.htmx else "reader/cite.html", context)


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
