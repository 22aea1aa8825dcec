"""Links from an annotation to a paragraph or a web address, and "linked from" on the target."""

import pytest
from django.urls import reverse

from annotations.models import Annotation, Link, Visibility
from reader.models import Document, Paragraph


@pytest.fixture
def other_document(db):
    doc = Document.objects.create(title="Another Paper", slug="another-paper")
    Paragraph.objects.create(document=doc, position=0, kind="body", text="A distant paragraph.", anchor="far",
                             content_hash="x")
    return doc


def annotate(client, document, anchor, **data):
    data.setdefault("visibility", "private")
    return client.post(reverse("annotation_new", args=[document.slug, anchor]), data)


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "JAVASCRIPT:alert(1)", " javascript:alert(1)", "data:text/html,<script>x</script>",
    "vbscript:msgbox", "ftp://example.org/x", "file:///etc/passwd", "mailto:a@example.org", "example.org/no-scheme",
    "http://", "https://exa mple.org",
])
def test_only_web_addresses_can_be_linked(client, document, make_user, url):
    client.force_login(make_user("ada"))
    response = annotate(client, document, "p2", body="kept", link=url)
    assert response.status_code == 422
    assert Link.objects.count() == 0 and Annotation.objects.count() == 0  # nothing half-written
    assert "kept</textarea>" in response.text


def test_an_oversized_address_is_refused(client, document, make_user):
    client.force_login(make_user("ada"))
    response = annotate(client, document, "p2", link="https://example.org/" + "a" * 2000)
    assert response.status_code == 422 and "at most 2000 characters" in response.text


def test_a_paragraph_of_another_document_by_its_permalink(client, document, other_document, make_user):
    client.force_login(make_user("ada"))
    assert annotate(client, document, "p2", link="http://testserver/d/another-paper/#p-far", relation="supports").status_code == 302
    link = Link.objects.get()
    assert link.target.document == other_document
    page = client.get(reverse("document", args=[document.slug])).text
    assert "Another Paper, ¶ 1 — A distant paragraph." in page  # the card says where it goes


@pytest.mark.parametrize("address", ["/d/short-paper/#p-nope", "/d/no-such-paper/#p-p2", "/d/short-paper/", "/search/#p-p2"])
def test_a_permalink_to_nothing_is_refused(client, document, make_user, address):
    client.force_login(make_user("ada"))
    assert annotate(client, document, "p2", body="x", link=address).status_code == 422


def test_a_custom_relation_word_and_a_malformed_one(client, document, make_user):
    client.force_login(make_user("ada"))
    assert annotate(client, document, "p2", link="https://example.org", relation="Qualifies").status_code == 302
    assert Link.objects.get().relation == "qualifies"
    assert annotate(client, document, "p2", link="https://example.org", relation="<b>").status_code == 422


def test_the_target_shows_linked_from_only_to_those_who_may_see_the_source(client, document, group_roles):
    group, other, cast = group_roles
    source = Annotation.objects.create(paragraph=document.paragraphs.get(anchor="p2"), author=cast["member"],
                                       body="Seminar argument", visibility=Visibility.GROUP, group=group)
    Link.objects.create(annotation=source, target=document.paragraphs.get(anchor="p4"), relation="contradicts")

    def target_margin(role):
        client.logout()
        if role:
            client.force_login(cast[role])
        html = client.get(reverse("document", args=[document.slug])).text
        return html.split('id="p-p4"', 1)[1].split("</aside>", 1)[0]

    seen = target_margin("instructor")
    assert "Linked from" in seen and "contradicts" in seen and "Seminar argument" in seen
    for role in (None, "outsider", "other_instructor"):
        hidden = target_margin(role)
        assert "Linked from" not in hidden and "Seminar argument" not in hidden
    # Deleting the source takes the backlink away at once, even for the group.
    Annotation.objects.filter(pk=source.pk).update(deleted_at="2026-01-01T00:00Z")
    assert "Linked from" not in target_margin("instructor")
