"""The search page and the tag index."""

from django.core.paginator import Paginator
from django.shortcuts import render

from access.policy import visible_documents
from annotations.search import TAG_SORTS, SearchForm, search, visible_tag_counts


def search_page(request):
    """GET only, so every filter state is a link someone can share.

    Queries (signed in): session, user, documents (for the form, and the search's scope),
    groups for the form, roles, the newest matching notes (annotations.search.candidate_ids),
    the page's rows with the count, its paragraphs, annotations and their tags.
    """
    documents = list(visible_documents(request.user).only("slug", "title"))
    form = SearchForm(request.GET or None, user=request.user, documents=documents)
    results = None
    status = 200
    if form.is_bound:
        if form.is_valid():
            filters = form.filters()
            if not filters.is_empty:
                results = search(request.user, filters, request.GET.get("page"), document_ids=[d.pk for d in documents])
        else:
            status = 400
    # The filter panel starts open when a filter (not just the query) is set or has an error.
    filters_open = any(request.GET.get(name) for name in form.fields if name != "q") or status == 400
    context = {"form": form, "results": results, "filters_open": filters_open}
    return render(request, "annotations/search.html", context, status=status)


def tags_index(request):
    """All tags on annotations I may see, with counts from the database.

    Queries (signed in): session, user, roles, readable documents, the tags with their counts.
    """
    sort = request.GET.get("sort", "count")
    if sort not in TAG_SORTS:
        sort = "count"
    paginator = Paginator(visible_tag_counts(request.user, sort), 100)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "annotations/tags_index.html", {"page": page, "sort": sort})
