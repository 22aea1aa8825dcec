"""The admin lists and edits documents and paragraphs."""

import hashlib

import pytest
from django.urls import reverse

from reader.models import Paragraph


@pytest.fixture
def admin_client_(client, make_user):
    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    return client


def test_document_list_shows_paragraph_counts_and_searches(admin_client_, document):
    response = admin_client_.get(reverse("admin:reader_document_changelist"), {"q": "Short"})
    assert response.status_code == 200
    assert "A Short Paper" in response.text
    assert '<td class="field-paragraph_count">5</td>' in response.text


def test_paragraph_list_filters_by_kind_and_searches_text(admin_client_, document):
    url = reverse("admin:reader_paragraph_changelist")
    response = admin_client_.get(url, {"kind__exact": "heading"})
    assert response.status_code == 200
    assert "1. Introduction" in response.text and "Green development" not in response.text
    assert "Green development" in admin_client_.get(url, {"q": "green"}).text


def test_editing_a_paragraph_keeps_its_content_hash_true(admin_client_, document):
    paragraph = document.paragraphs.get(anchor="p2")
    url = reverse("admin:reader_paragraph_change", args=[paragraph.pk])
    assert admin_client_.get(url).status_code == 200
    response = admin_client_.post(url, {
        "document": document.pk, "position": 2, "kind": "body", "section": "1", "level": 0, "label": "",
        "anchor": "p2", "text": "Industrial policy, revised.",
    })
    assert response.status_code == 302
    paragraph = Paragraph.objects.get(pk=paragraph.pk)
    assert paragraph.text == "Industrial policy, revised."
    assert paragraph.content_hash == hashlib.sha256(b"Industrial policy, revised.").hexdigest()


def test_document_page_edits_its_paragraphs_inline(admin_client_, document):
    response = admin_client_.get(reverse("admin:reader_document_change", args=[document.pk]))
    assert response.status_code == 200
    assert "Digital and real economies" in response.text
