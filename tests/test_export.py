"""Exports: mine or a group's, per document or all, as JSON-LD, CSV and Markdown, streamed."""

import csv
import io
import json

import pytest
from django.urls import reverse

from annotations.models import Annotation
from tests.api_support import ROLES, world  # noqa: F401


def download(client, **params):
    response = client.get(reverse("export_download"), params)
    body = b"".join(response.streaming_content).decode() if response.status_code == 200 else response.text
    return response, body


def test_export_page_offers_my_groups(client, world):
    client.force_login(world.cast["member"])
    response = client.get(reverse("export"))
    assert response.status_code == 200
    assert f"group:{world.group.pk}" in response.text and "Other seminar" not in response.text


def test_export_needs_login(client, world):
    assert client.get(reverse("export_download"), {"format": "md"}).status_code == 302


def test_mine_as_jsonld_is_a_w3c_collection(client, world):
    client.force_login(world.cast["member"])
    response, body = download(client, scope="mine", format="jsonld")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "application/ld+json"
    assert 'attachment; filename="marginalia-mine-' in response["Content-Disposition"]
    data = json.loads(body)
    assert data["type"] == "AnnotationCollection"
    assert "http://www.w3.org/ns/anno.jsonld" in data["@context"]
    items = data["first"]["items"]
    bodies = {next((b["value"] for b in i.get("body", []) if b.get("purpose") in ("commenting", "replying")), "") for i in items}
    # Mine: everything I wrote that is not deleted, private and hidden included.
    assert bodies == {"Public note on policy", "My private thought", "Hidden by a moderator", "A reply in the seminar"}
    public = next(i for i in items if i["id"].endswith(f"/api/annotations/{world.public.pk}"))
    assert public["motivation"] == "commenting"
    assert public["creator"]["nickname"] == "mia"
    fragment, quote = public["target"]["selector"]
    assert fragment == {"type": "FragmentSelector", "value": "p-p2", "conformsTo": "http://tools.ietf.org/rfc/rfc3986",
                        "refinedBy": {"type": "TextPositionSelector", "start": 0, "end": 17}}
    assert quote["type"] == "TextQuoteSelector" and quote["exact"] == "Industrial policy"
    assert {"type": "TextualBody", "value": "policy", "purpose": "tagging"} in public["body"]
    reply = next(i for i in items if i["motivation"] == "replying")
    assert reply["target"].endswith(f"/api/annotations/{world.group_note.pk}")


GROUP_EXPORT_STATUS = {"outsider": 404, "member": 200, "moderator": 200, "instructor": 200,
                       "other_instructor": 404, "superuser": 200}


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_group_export_is_for_members(client, world, role):
    client.force_login(world.cast[role])
    response, body = download(client, scope=f"group:{world.group.pk}", format="csv")
    assert response.status_code == GROUP_EXPORT_STATUS[role]
    if response.status_code == 200:
        rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
        bodies = {r["body"] for r in rows}
        assert {"Seminar question on energy", "A reply in the seminar"} <= bodies
        assert "My private thought" not in bodies and "Other seminar secret" not in bodies
        # The hidden note only goes to those who may see it (its author and moderators).
        assert ("Hidden by a moderator" in bodies) == (role in {"member", "moderator", "instructor", "superuser"})
    else:
        assert "Seminar question" not in body


def test_csv_columns_and_formula_cells_are_defused(client, world):
    Annotation.objects.create(paragraph=world.p["p2"], author=world.cast["member"], body="=HYPERLINK(\"evil\")",
                              visibility="private")
    client.force_login(world.cast["member"])
    response, body = download(client, scope="mine", format="csv", document="short-paper")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert list(rows[0]) == ["id", "document", "paragraph", "section", "quote", "prefix", "suffix", "start", "end",
                             "body", "tags", "links", "author", "visibility", "group", "parent", "created", "updated",
                             "written_on", "orphaned"]
    assert "'=HYPERLINK(\"evil\")" in {r["body"] for r in rows}
    public = next(r for r in rows if r["body"] == "Public note on policy")
    assert (public["paragraph"], public["quote"], public["tags"], public["start"]) == ("p2", "Industrial policy", "policy", "0")


def test_markdown_study_sheet_puts_paragraph_then_notes_then_replies(client, world):
    client.force_login(world.cast["instructor"])
    response, body = download(client, scope=f"group:{world.group.pk}", format="md")
    assert response["Content-Type"].startswith("text/markdown")
    assert body.startswith("# Annotations of Seminar")
    text = body.index("> Green development asks for new energy")
    note = body.index("Seminar question on energy")
    reply = body.index("A reply in the seminar")
    assert text < note < reply
    assert "    - ↳ **mia**" in body  # the reply is nested under its note
    assert "supports → [§ 1, ¶ 3 — Industrial policy shapes the pace of…](/d/short-paper/#p-p2)" in body


def test_per_document_and_bad_parameters(client, world):
    client.force_login(world.cast["member"])
    _, body = download(client, scope="mine", format="jsonld", document="short-paper")
    assert len(json.loads(body)["first"]["items"]) == 4
    assert download(client, scope="mine", format="pdf")[0].status_code == 400
    assert download(client, scope="mine", format="md", document="nope")[0].status_code == 400
    assert download(client, scope="group:abc", format="md")[0].status_code == 404
    assert download(client, scope="group:99999999", format="md")[0].status_code == 404
    assert download(client, scope="group:²", format="md")[0].status_code == 404


def test_export_streams_in_chunks_with_constant_queries(client, world, django_assert_max_num_queries):
    for i in range(60):
        a = Annotation.objects.create(paragraph=world.p["p3"], author=world.cast["member"], body=f"bulk {i}",
                                      visibility="group", group=world.group)
        a.tags.add("bulk", f"n{i}")
    client.force_login(world.cast["member"])
    # session, user, roles, group, group permission roles (cached), documents (form), one chunk of
    # annotations, its tags and its links
    with django_assert_max_num_queries(10):
        response, body = download(client, scope=f"group:{world.group.pk}", format="jsonld")
    assert len(json.loads(body)["first"]["items"]) == 63  # 60 + the group note, its reply, the hidden note


def test_exports_cite_the_printed_page_where_the_paper_has_one(client, world):
    paragraph = world.public.paragraph
    paragraph.page = "117–118"  # across a page break
    paragraph.page_index = 3  # the PDF's third page is the one printed "117"
    paragraph.save(update_fields=["page", "page_index"])
    client.force_login(world.cast["member"])
    _, body = download(client, scope="mine", format="jsonld")
    items = json.loads(body)["first"]["items"]
    public = next(i for i in items if i["id"].endswith(f"/api/annotations/{world.public.pk}"))
    assert public["target"]["marginalia:page"] == "pp. 117–118"
    # The standard page selector names the page of the file, which a PDF viewer opens at.
    selectors = public["target"]["selector"]
    assert selectors[0]["value"] == f"p-{paragraph.anchor}"
    assert {"type": "FragmentSelector", "value": "page=3", "conformsTo": "http://tools.ietf.org/rfc/rfc3778"} in selectors
    # Where the index is not known (a Word file, plain text), no page selector.
    other = next(i for i in items if isinstance(i["target"], dict) and "marginalia:page" not in i["target"])
    assert not any(s["value"].startswith("page=") for s in other["target"]["selector"])
    _, sheet = download(client, scope="mine", format="md")
    # The study sheet names the paragraph as people do (numbered from 1), never by its anchor.
    assert f"¶ {paragraph.position + 1} · pp. 117–118\n" in sheet and paragraph.anchor not in sheet
