"""The reading page: front matter, contents, permalinks, notes, the margin, and its query count."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from annotations.reading import MARGIN_QUERIES
from reader.models import Document, Paragraph


@pytest.fixture
def seed(db):
    call_command("load_seed", verbosity=0)
    return Document.objects.get(slug="new-industrialization")


def read(client, document, **params):
    return client.get(reverse("document", args=[document.slug]), params)


def test_every_paragraph_has_its_permalink_and_a_link_to_copy_it(client, seed):
    response = read(client, seed)
    assert response.status_code == 200
    html = response.text
    anchors = list(seed.paragraphs.values_list("anchor", flat=True))
    assert len(anchors) > 50
    for anchor in anchors:
        assert f'id="p-{anchor}"' in html
        assert f'href="/d/new-industrialization/#p-{anchor}" data-copy-link' in html
    # Ids are unique on the page.
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))


def test_front_matter_is_set_apart_from_the_body(client, seed):
    html = read(client, seed).text
    front, body = html.split('<header class="front-matter">', 1)[1].split("</header>", 1)
    assert '<h1 class="paper-title"' in front
    for anchor in ("authors", "aff-1", "aff-2", "abstract", "keywords", "meta-jel", "meta-doi", "fn-star"):
        assert f'id="p-{anchor}"' in front
        assert f'id="p-{anchor}"' not in body
    assert 'id="p-s-1-1"' in body


def test_contents_list_the_headings_nested_by_level(client, seed):
    html = read(client, seed).text
    toc = html.split('<nav class="toc"', 1)[1].split("</nav>", 1)[0]
    headings = list(seed.paragraphs.filter(kind__in=["heading", "references_heading"]).values_list("anchor", flat=True))
    assert re.findall(r'href="#p-([^"]+)"', toc) == headings
    # 1.1 is listed inside the entry for 1, not beside it.
    one = toc.split('href="#p-s-1"', 1)[1].split('href="#p-s-2"', 1)[0]
    assert '<ol class="toc-list">' in one and 'href="#p-s-1-1"' in one


def test_footnotes_are_linked_both_ways(client, seed):
    html = read(client, seed).text
    citing = seed.paragraphs.get(kind="body", text__contains="Transformations”¹")
    assert f'<a href="#p-fn-1" id="fnref-1-{citing.anchor}"' in html
    footnote = html.split('id="p-fn-1"', 1)[1].split("</aside>", 1)[0]
    assert f'href="#fnref-1-{citing.anchor}"' in footnote
    assert 'aria-label="Back to where note 1 is cited"' in footnote


def test_emphasis_is_rendered_and_text_is_escaped(client, document):
    Paragraph.objects.filter(document=document, position=2).update(text="The *Report* says <script>x</script>")
    html = read(client, document).text
    assert "The <em>Report</em> says &lt;script&gt;x&lt;/script&gt;" in html
    assert "<script>x</script>" not in html


def test_each_paragraph_has_a_margin_and_the_page_is_one_view_model(client, document):
    response = read(client, document)
    page = response.context["page"]
    assert [p.anchor for p in (*page.front_matter, *page.body)] == list(
        document.paragraphs.order_by("position").values_list("anchor", flat=True)
    )
    assert len(page.heat_cells) == 5
    assert response.text.count('<aside class="margin">') == 5


def test_unknown_and_unpublished_documents_answer_404(client, document):
    assert client.get(reverse("document", args=["no-such-paper"])).status_code == 404
    Document.objects.filter(pk=document.pk).update(is_published=False)
    assert read(client, document).status_code == 404


def _grow(document, extra):
    """Add `extra` body paragraphs, each citing a footnote, and the footnotes."""
    start = document.paragraphs.count()
    rows = []
    for i in range(extra):
        rows.append(Paragraph(document=document, position=start + 2 * i, kind="body", section="9",
                              text=f"Paragraph {i} about industry¹.", anchor=f"grown-{i}", content_hash="x"))
        rows.append(Paragraph(document=document, position=start + 2 * i + 1, kind="footnote", label=str(i + 10),
                              text=f"Footnote {i}.", anchor=f"fn-{i + 10}", content_hash="x"))
    Paragraph.objects.bulk_create(rows)


@pytest.mark.parametrize("extra", [0, 300])
@pytest.mark.parametrize("signed_in", [False, True])
def test_the_reading_page_takes_a_constant_number_of_queries(
    client, seed, make_user, django_assert_max_num_queries, extra, signed_in
):
    _grow(seed, extra)
    # The document, its paragraphs (on its first view in this process: the text is kept,
    # tests/test_reading_cache.py), the margins' (with the heat strip's counts).
    expected = 1 + 1 + MARGIN_QUERIES
    if signed_in:
        client.force_login(make_user("reader"))
        expected += 2  # the session, the user
    with django_assert_max_num_queries(expected):
        assert read(client, seed).status_code == 200
    with django_assert_max_num_queries(expected - 1 + 1):  # the text kept, and the search
        response = read(client, seed, q="industry")
        assert response.context["search"].hits


def test_a_document_published_for_one_group_is_read_only_by_its_members(client, document, group_roles):
    from versions.models import Publication

    group, _other, cast = group_roles
    Publication.objects.create(document=document, group=group)
    library = reverse("library")

    client.force_login(cast["outsider"])
    assert read(client, document).status_code == 404
    assert document.title not in client.get(library).text

    client.force_login(cast["member"])
    assert read(client, document).status_code == 200
    assert document.title in client.get(library).text
