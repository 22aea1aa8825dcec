"""The version history page, old versions, and permalinks that follow a paragraph across versions."""

from pathlib import Path

import pytest
from django.urls import reverse

from reader.importing import import_document
from reader.models import Document
from versions.models import Publication
from versions.moving import publish_new_version

SEED = (Path(__file__).resolve().parent.parent / "fixtures" / "new-industrialization.txt").read_text()
TYPO = "the economic foundaton shapes the superstructure"
FIXED = "the economic foundation shapes the superstructure"
DELETED_START = "When it comes to human capital, new industrialization"


def _delete_paragraph(text, start):
    at = text.index(start)
    return text[:at] + text[text.index("\n\n", at) + 2 :]


@pytest.fixture
def versions(db):
    """Version 1 with a typo and a paragraph that version 2 drops; version 3 reverts nothing."""
    v1, _ = import_document(SEED.replace(FIXED, TYPO), "paper")
    publish_new_version(v1, _delete_paragraph(SEED, DELETED_START))
    return Document.objects.get(slug="paper"), Document.objects.get(slug="paper--v1")


def test_history_shows_what_changed_with_a_word_diff(client, versions, django_assert_max_num_queries):
    current, old = versions
    # Queries: session-less user (none), the document, its version record, the lineage's
    # versions, their paragraph changes (with both paragraphs).
    with django_assert_max_num_queries(5):
        response = client.get(reverse("document_history", args=["paper"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Version 2" in html and "Version 1" in html
    assert "2 changes; 79 paragraphs unchanged" in html
    assert "<del>foundaton </del><ins>foundation </ins>" in html
    assert '<del>When it comes to human capital' in html
    assert reverse("document_version", args=["paper", 1]) in html


def test_a_document_with_one_version_has_a_plain_history(client, document):
    html = client.get(reverse("document_history", args=[document.slug])).content.decode()
    assert "This is the first version" in html


def test_old_version_stays_readable(client, versions):
    current, old = versions
    response = client.get(reverse("document_version", args=["paper", 1]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "You are reading version 1" in html and TYPO in html and DELETED_START in html
    assert client.get(reverse("document_version", args=["paper", 2])).url == current.get_absolute_url()
    assert client.get(reverse("document_version", args=["paper", 7])).status_code == 404
    # The old version's own slug is not a second library entry.
    assert client.get(reverse("document", args=["paper--v1"])).status_code == 404


def test_permalinks_follow_the_paragraph(client, versions):
    current, old = versions
    fixed = current.paragraphs.get(text__contains=FIXED)
    same = client.get(reverse("paragraph_permalink", args=["paper", fixed.anchor]))
    assert same.url == f"/d/paper/#p-{fixed.anchor}"
    deleted = old.paragraphs.get(text__startswith=DELETED_START)
    gone = client.get(reverse("paragraph_permalink", args=["paper", deleted.anchor]))
    assert gone.url == f"/d/paper/v/1/#p-{deleted.anchor}"
    assert client.get(reverse("paragraph_permalink", args=["paper", "no-such-anchor"])).status_code == 404


def test_old_anchor_redirects_to_the_new_anchor(client, db):
    v1, _ = import_document(
        "A Title\n\n1. Intro\n\nFirst piece on rivers and their floods.\n\nSecond piece on bridges and their arches.\n", "small"
    )
    publish_new_version(
        v1, "A Title\n\n1. Intro\n\nFirst piece on rivers and their floods. Second piece on bridges and their arches.\n"
    )
    # The merge keeps the first piece's anchor; a link to the second piece follows it there.
    second = Document.objects.get(slug="small--v1").paragraphs.get(text__startswith="Second").anchor
    merged = Document.objects.get(slug="small").paragraphs.get(kind="body").anchor
    assert second != merged
    response = client.get(reverse("paragraph_permalink", args=["small", second]))
    assert response.url == f"/d/small/#p-{merged}"


def test_group_only_documents_are_private_to_the_group(client, versions, group_roles):
    group, _, cast = group_roles
    current, old = versions
    Publication.objects.create(document=current, group=group, published_by=cast["instructor"])
    Publication.objects.create(document=old, group=group, published_by=cast["instructor"])
    for url, for_a_member in (
        (reverse("document_history", args=["paper"]), 200),
        (reverse("document_version", args=["paper", 1]), 200),
        (reverse("paragraph_permalink", args=["paper", "title"]), 302),  # to the paragraph in the paper
    ):
        client.force_login(cast["outsider"])
        assert client.get(url).status_code == 404, url
        client.force_login(cast["member"])
        assert client.get(url).status_code == for_a_member, url
