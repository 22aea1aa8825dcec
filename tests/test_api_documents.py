"""/api/documents and /api/paragraphs: published documents, readable by everyone."""

import pytest

from reader.models import Document
from tests.api_support import ROLES, api_as  # noqa: F401


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_documents_and_paragraphs(api_as, document, role):
    client = api_as(role)
    data = client.get("/api/documents").json()
    assert data["count"] == 1
    assert data["items"][0] == {
        "slug": "short-paper", "title": "A Short Paper", "authors": "A. Author", "doi": "", "keywords": "",
        "version": 1, "paragraph_count": 5, "url": "/d/short-paper/",
    }
    detail = client.get("/api/documents/short-paper")
    assert detail.status_code == 200 and detail["ETag"]
    paragraphs = client.get("/api/documents/short-paper/paragraphs").json()
    assert [p["anchor"] for p in paragraphs["items"]] == ["p0", "p1", "p2", "p3", "p4"]
    first = paragraphs["items"][2]
    assert client.get(f"/api/paragraphs/{first['id']}").json() == first
    assert first["url"] == "/d/short-paper/#p-p2"


def test_unpublished_and_missing_documents_answer_404(api_as, document):
    Document.objects.filter(pk=document.pk).update(is_published=False)
    client = api_as("superuser")
    paragraph = document.paragraphs.first()
    assert client.get("/api/documents").json()["count"] == 0
    for url in ("/api/documents/short-paper", "/api/documents/short-paper/paragraphs",
                f"/api/paragraphs/{paragraph.pk}", "/api/documents/nope", "/api/paragraphs/999999999"):
        assert client.get(url).status_code == 404, url


def test_paging_and_bad_parameters(api_as, document):
    client = api_as("anonymous")
    page = client.get("/api/documents/short-paper/paragraphs", limit=2, offset=3).json()
    assert page["count"] == 5 and [p["anchor"] for p in page["items"]] == ["p3", "p4"]
    assert client.get("/api/documents/short-paper/paragraphs", limit=1000).status_code == 422
    assert client.get("/api/documents/bad slug!").status_code == 422  # not a slug: bad input, not a missing paper
    assert client.get("/api/paragraphs/0").status_code == 422
    assert client.get(f"/api/paragraphs/{2**70}").status_code == 422


def test_lists_revalidate_with_etag(api_as, document):
    client = api_as("anonymous")
    first = client.get("/api/documents")
    assert first["ETag"] == client.get("/api/documents")["ETag"]
    Document.objects.create(title="Another", slug="another")
    assert client.get("/api/documents")["ETag"] != first["ETag"]
