"""The library: published documents with their authors and paragraph counts."""

import re

import pytest
from django.urls import reverse

from reader.models import Document, Paragraph


def test_lists_published_documents_with_their_paragraph_counts(client, document):
    Document.objects.create(title="A Draft Nobody Sees", slug="draft", is_published=False)
    response = client.get(reverse("library"))
    assert response.status_code == 200
    html = response.text
    assert f'<a href="{document.get_absolute_url()}">A Short Paper</a>' in html
    assert "A. Author" in html
    assert "5 paragraphs" in html
    assert "A Draft Nobody Sees" not in html


def test_an_empty_library_says_how_to_add_a_document(client, db):
    assert "No documents yet" in client.get(reverse("library")).text


@pytest.mark.parametrize("documents", [1, 40])
def test_the_library_takes_one_query_whatever_its_size(client, db, django_assert_num_queries, documents):
    for i in range(documents):
        doc = Document.objects.create(title=f"Paper {i}", slug=f"paper-{i}")
        Paragraph.objects.bulk_create(
            Paragraph(document=doc, position=n, text=f"Text {n}", anchor=f"p{n}", content_hash="x")
            for n in range(i % 4)
        )
    with django_assert_num_queries(1):  # the documents, with their counts annotated
        response = client.get(reverse("library"))
    # Every card, and each with its own paper's count (Paper i has i % 4 paragraphs).
    cards = re.findall(r'>(Paper \d+)</a>.*?<span>(\d+) paragraphs?</span>', response.text, re.S)
    assert sorted(cards) == sorted((f"Paper {i}", str(i % 4)) for i in range(documents))
