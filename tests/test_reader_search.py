"""Searching inside one paper: ranked paragraphs with safe, highlighted snippets."""

import pytest
from django.urls import reverse

from reader.models import Document, Paragraph
from reader.search import search_document


def add(document, position, text, kind="body", anchor=None, **extra):
    return Paragraph.objects.create(
        document=document, position=position, kind=kind, text=text,
        anchor=anchor or f"x{position}", content_hash=str(position), **extra,
    )


def test_finds_matching_paragraphs_best_first_with_highlights(document):
    best = add(document, 10, "Energy, energy and more energy: the energy transition.", section="2")
    hits = search_document(document, "energy").hits
    assert [h.paragraph.anchor for h in hits] == [best.anchor, "p3"]
    assert "<mark>energy</mark>" in hits[1].snippet.lower()
    assert hits[0].place == "§ 2, ¶ 11"  # numbered as everywhere else, from 1


def test_websearch_syntax_phrases_and_exclusions(document):
    assert [h.paragraph.anchor for h in search_document(document, '"cleaner production"').hits] == ["p3"]
    assert search_document(document, '"production cleaner"').hits == []
    found = {h.paragraph.anchor for h in search_document(document, "economy").hits}
    assert found == {"p2", "p4"}  # stemming: economy ~ economies
    assert {h.paragraph.anchor for h in search_document(document, "economy -data").hits} == {"p2"}


def test_snippets_are_escaped_and_only_marks_survive(document):
    add(document, 10, 'Beware <script>alert("industrial")</script> and <b onclick=x>industrial</b> *policy*',
        anchor="hostile")
    hits = {h.paragraph.anchor: h for h in search_document(document, "industrial").hits}
    snippet = str(hits["hostile"].snippet)
    assert "<script" not in snippet and "<b " not in snippet
    assert "&quot;industrial&quot;" in snippet  # escaped, not passed through
    assert "<mark>industrial</mark>" in snippet
    assert "*" not in snippet  # emphasis markers are not shown raw


def test_only_this_documents_paragraphs_are_searched(document):
    other = Document.objects.create(title="Other", slug="other")
    add(other, 0, "Industrial policy elsewhere.")
    hits = search_document(document, "industrial policy").hits
    assert [h.paragraph.document_id for h in hits] == [document.pk]


@pytest.mark.parametrize("query", ["", "   ", "\x00", "the and of"])
def test_empty_or_meaningless_queries_find_nothing_without_error(document, query):
    result = search_document(document, query)
    assert result.hits == []


def test_a_long_result_list_is_cut_and_says_so(document):
    for i in range(12):
        add(document, 10 + i, f"Platform number {i}.")
    result = search_document(document, "platform", limit=10)
    assert len(result.hits) == 10 and result.more


def test_footnote_hits_say_which_footnote(document):
    add(document, 10, "A remark on tariffs.", kind="footnote", label="7", anchor="fn-7")
    assert search_document(document, "tariffs").hits[0].place == "Footnote 7"


def test_the_reading_page_lists_hits_that_jump_to_paragraphs(client, document):
    response = client.get(reverse("document", args=[document.slug]), {"q": "green energy"})
    html = response.text
    assert '<ol class="paper-hits">' in html
    assert '<a href="#p-p3">' in html
    assert "<mark>Green</mark>" in html
    assert 'value="green energy"' in html  # the box keeps what was typed


def test_no_hits_says_so(client, document):
    html = client.get(reverse("document", args=[document.slug]), {"q": "zebra"}).text
    assert "No paragraph matches" in html


def test_htmx_gets_the_results_alone_and_a_plain_request_the_reading_page(client, document):
    url = reverse("document_search", args=[document.slug])
    partial = client.get(url, {"q": "energy"}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    assert '<ol class="paper-hits">' in partial.text and "<html" not in partial.text

    plain = client.get(url, {"q": "energy"})
    assert plain.status_code == 302
    assert plain["Location"] == "/d/short-paper/?q=energy#search"
