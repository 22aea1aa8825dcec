"""Citing a paragraph: the reading page offers "Cite" on each passage, and its citation (the
paper's authors and title, DOI, the paragraph as the app names it, its page, its permalink)
is a page of its own for whoever may read the paper, and a panel to the reading page's script."""

import pytest
from django.urls import reverse

from reader.models import Document, Paragraph
from versions.models import Publication

PERMALINK = "http://testserver/d/short-paper/#p-p3"


def cite(client, slug="short-paper", anchor="p3", htmx=False, **params):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.get(reverse("paragraph_cite", args=[slug, anchor]), params, **headers)


@pytest.fixture
def paged(document):
    Document.objects.filter(pk=document.pk).update(doi="10.1234/short.2024.1")
    Paragraph.objects.filter(document=document, anchor="p3").update(page="117–118", page_index=3)
    return document


def test_the_citation_names_the_paper_the_paragraph_its_pages_and_its_permalink(client, paged):
    response = cite(client)
    assert response.status_code == 200
    citation = response.context["citation"]
    assert citation == (
        f"A. Author. “A Short Paper.” doi:10.1234/short.2024.1. § 1, ¶ 4, pp. 117–118. {PERMALINK}"
    )
    html = response.content.decode()
    assert "<h1>Cite § 1, ¶ 4</h1>" in html
    assert "A. Author. “A Short Paper.”" in html and PERMALINK in html
    # Back to the paragraph, and no internals (the anchor shows only inside the link addresses).
    assert 'href="/d/short-paper/#p-p3"' in html and ">p3<" not in html


def test_a_paragraph_without_a_page_or_doi_is_cited_without_them(client, document):
    assert cite(client).context["citation"] == f"A. Author. “A Short Paper.” § 1, ¶ 4. {PERMALINK}"


def test_a_cited_selection_puts_the_quoted_words_first_and_only_words_of_the_paragraph(client, paged):
    # The selection as the page shows it: line breaks and a stray space are tidied.
    quoted = cite(client, quote="new energy\n and  cleaner").context["citation"]
    assert quoted.startswith("“new energy and cleaner” — A. Author. “A Short Paper.”")
    assert quoted.endswith(f"pp. 117–118. {PERMALINK}")
    # Words the paragraph does not have are not put in its mouth: the whole paragraph is cited.
    response = cite(client, quote="the author admits it was all invented")
    assert response.context["citation"].startswith("A. Author.")
    assert "The words asked for are not this paragraph" in response.content.decode()


def test_the_reading_page_asks_for_a_panel(client, paged):
    html = cite(client, htmx=True).content.decode()
    assert html.lstrip().startswith('<div class="cite-panel"') and "<html" not in html
    assert "Copy citation" in html and "Close" in html


def test_the_reading_page_offers_cite_on_passages_not_on_headings(client, document):
    html = client.get(document.get_absolute_url()).content.decode()
    assert html.count('class="cite-link"') == 3  # the three body paragraphs; not the title, not the heading
    assert f'href="{reverse("paragraph_cite", args=["short-paper", "p3"])}" data-cite="p3"' in html


def test_a_group_only_paper_is_cited_only_for_its_members(client, document, group_roles):
    group, _other, cast = group_roles
    Publication.objects.create(document=document, group=group)
    assert cite(client).status_code == 404  # anonymous
    client.force_login(cast["outsider"])
    assert cite(client).status_code == 404
    assert cite(client, htmx=True).status_code == 404
    client.force_login(cast["member"])
    assert cite(client).status_code == 200
    assert cite(client, anchor="no-such-paragraph").status_code == 404


def test_citing_costs_a_handful_of_queries(client, document, make_user, django_assert_max_num_queries):
    client.force_login(make_user("reader"))
    # the session, the user, the document, the reader's roles, the paragraph
    with django_assert_max_num_queries(6):
        assert cite(client, htmx=True).status_code == 200
