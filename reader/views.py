from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from access.policy import get_document_for, visible_documents
from reader.search import search_document


@require_GET
def library(request):
    # One query: the documents with their paragraph counts.
    documents = visible_documents(request.user).annotate(paragraph_count=Count("paragraphs"))
    return render(request, "reader/library.html", {"documents": documents})


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
