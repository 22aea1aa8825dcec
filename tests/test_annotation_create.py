"""Annotating a paragraph: whole or a passage, note, tags, links, who sees it; plain forms and htmx."""

import pytest
from django.urls import reverse

from annotations.anchoring import ReadingText
from annotations.models import Annotation, Link, Visibility
from reader.models import Paragraph


@pytest.fixture
def author(make_user, client):
    user = make_user("ada")
    client.force_login(user)
    return user


def new_url(document, anchor, **query):
    url = reverse("annotation_new", args=[document.slug, anchor])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def post(client, document, anchor, htmx=False, **data):
    data.setdefault("visibility", "private")
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(new_url(document, anchor), data, headers=headers)


def test_a_note_on_the_whole_paragraph_is_saved_and_sends_me_back_to_it(client, author, document):
    response = post(client, document, "p2", body="Industrial *policy* matters.", tags="Policy, economy ")
    assert response.status_code == 302
    assert response["Location"] == "/d/short-paper/#p-p2"
    a = Annotation.objects.get()
    assert (a.author, a.paragraph.anchor, a.body, a.quote, a.start) == (author, "p2", "Industrial *policy* matters.", "", None)
    assert sorted(t.name for t in a.tags.all()) == ["Policy", "economy"]
    page = client.get(response["Location"].split("#")[0]).text
    assert "<em>policy</em> matters." in page and "#economy" in page


def test_a_passage_chosen_by_its_shown_offsets_is_stored_against_the_paragraph_text(client, author, document):
    paragraph = Paragraph.objects.get(document=document, anchor="p3")
    paragraph.text = "Green development asks for *new energy* and cleaner production."
    paragraph.save()
    shown = ReadingText.of(paragraph).shown
    assert shown == "Green development asks for new energy and cleaner production."
    start = shown.index("new energy and")
    response = post(client, document, "p3", quote="new energy and", start=start, end=start + len("new energy and"))
    assert response.status_code == 302
    a = Annotation.objects.get()
    # Offsets point into Paragraph.text, asterisks included, and the quote is exactly that slice.
    assert paragraph.text[a.start : a.end] == a.quote == "new energy* and"
    assert a.prefix == "Green development asks for *" and a.suffix == " cleaner production."
    # A bare highlight: the page marks the passage, across the end of the emphasis.
    page = client.get(reverse("document", args=[document.slug])).text
    assert f'<em><mark class="hl" data-annotations="a-{a.pk}">new energy</mark></em>' in page
    assert f'<mark class="hl" data-annotations="a-{a.pk}"> and</mark>' in page


def test_a_pasted_passage_without_offsets_is_found_in_the_text(client, author, document):
    assert post(client, document, "p4", quote="data and platforms", body="").status_code == 302
    a = Annotation.objects.get()
    assert a.quote == "data and platforms" and a.paragraph.text[a.start : a.end] == a.quote


def test_links_to_a_paragraph_by_its_permalink_and_to_a_web_address(client, author, document):
    target_url = f"http://testserver/d/{document.slug}/#p-p4"
    assert post(client, document, "p2", body="See below", link=target_url, relation="supports").status_code == 302
    assert post(client, document, "p3", tags="x", link="https://example.org/paper", relation="Builds On").status_code == 302
    to_paragraph, to_url = Link.objects.order_by("pk")
    assert to_paragraph.target.anchor == "p4" and to_paragraph.relation == "supports" and to_paragraph.url == ""
    assert to_url.url == "https://example.org/paper" and to_url.target is None and to_url.relation == "builds on"
    # A relative permalink works too, and the relation defaults to "see also".
    assert post(client, document, "p3", link=f"/d/{document.slug}/#p-p2").status_code == 302
    assert Link.objects.order_by("pk").last().relation == "see also"


def test_group_visibility_needs_a_group_i_belong_to(client, document, group_roles):
    group, other, cast = group_roles
    client.force_login(cast["member"])
    assert post(client, document, "p2", body="For the seminar", visibility=f"group-{group.pk}").status_code == 302
    a = Annotation.objects.get()
    assert (a.visibility, a.group) == (Visibility.GROUP, group)
    response = post(client, document, "p2", body="Sneaking in", visibility=f"group-{other.pk}")
    assert response.status_code == 422
    assert "Sneaking in" in response.text and Annotation.objects.count() == 1


def test_public_visibility(client, author, document):
    post(client, document, "p2", body="For all", visibility="public")
    assert Annotation.objects.get().visibility == Visibility.PUBLIC


def test_with_htmx_the_margin_comes_back_with_the_new_note_and_the_highlighted_text(client, author, document):
    response = post(client, document, "p4", htmx=True, body="A *fine* point", quote="data and platforms")
    assert response.status_code == 200
    html = response.text
    assert html.lstrip().startswith('<div class="margin-notes has-notes" id="m-p4"')
    assert "<em>fine</em>" in html
    # The paragraph's text, swapped out of band, now marks the passage.
    a = Annotation.objects.get()
    assert 'id="t-p4" data-anchor="p4" hx-swap-oob="true"' in html
    assert f'<mark class="hl" data-annotations="a-{a.pk}">data and platforms</mark>' in html


def test_the_form_page_works_without_javascript(client, author, document):
    response = client.get(new_url(document, "p2", quote="Industrial policy"))
    assert response.status_code == 200
    assert '<form id="new-p2"' in response.text and 'value="Industrial policy"' in response.text
    assert "Industrial policy shapes the pace" in response.text  # the paragraph, to choose from
    # A plain form: its htmx attributes would aim at a margin this page does not have.
    assert "hx-post" not in response.text.split('<form id="new-p2"', 1)[1].split(">", 1)[0]


def test_the_margin_filter_survives_the_round_trip(client, author, document):
    response = client.post(new_url(document, "p2", show="mine"), {"body": "x", "visibility": "private"})
    assert response["Location"] == "/d/short-paper/?show=mine#p-p2"


def test_signed_out_people_are_sent_to_log_in_and_unknown_paragraphs_answer_404(client, document, make_user):
    response = client.get(new_url(document, "p2"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(make_user("bea"))
    assert client.get(new_url(document, "nope")).status_code == 404
    assert client.post(new_url(document, "nope"), {"body": "x", "visibility": "private"}).status_code == 404
