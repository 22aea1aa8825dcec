"""GET /d/<slug>/margins/?from=&to=: a batch of margins, which the reading page loads as its
paragraphs scroll into view (annotations.views.annotations.document_margins)."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from annotations.models import Annotation, Link, Visibility
from discussions.models import Vote
from tests.discussions_support import client_for, note


@pytest.fixture
def notes(document, group_roles):
    """On p2: a group note with a passage, a public note and the member's private note; on p3
    a public note; on p4 nothing."""
    group, _other, cast = group_roles
    p = {pp.position: pp for pp in document.paragraphs.all()}
    note(cast["member"], p[2], "Group note on policy", group=group, quote="Industrial policy", start=0, end=17)
    note(cast["instructor"], p[2], "Public note on pace")
    note(cast["member"], p[2], "Private reminder", visibility=Visibility.PRIVATE)
    note(cast["moderator"], p[3], "Public note on energy")
    return group, cast


def batch(client, document, first=2, last=4, **params):
    url = reverse("document_margins", args=[document.slug])
    return client.get(url, {"from": first, "to": last, **params}, headers={"HX-Request": "true"})


def test_a_member_gets_each_margin_and_its_highlights_out_of_band(document, notes):
    _group, cast = notes
    response = batch(client_for(cast["member"]), document)
    assert response.status_code == 200
    html = response.text
    assert re.findall(r'<div class="margin-notes[^"]*" id="m-([^"]+)"[^>]*hx-swap-oob="true"', html) == ["p2", "p3", "p4"]
    for body in ("Group note on policy", "Public note on pace", "Private reminder", "Public note on energy"):
        assert body in html
    # The paragraph's text comes along with the passage marked, out of band too.
    assert re.search(r'<span class="para-content" id="t-p2" data-anchor="p2" hx-swap-oob="true">.*<mark', html, re.S)
    # A form the reader opened before the batch arrived stays where it is.
    assert html.count("hx-preserve") == 3


def test_an_outsider_sees_only_the_public_notes(document, notes):
    _group, cast = notes
    html = batch(client_for(cast["outsider"]), document).text
    assert "Public note on pace" in html and "Public note on energy" in html
    assert "Group note on policy" not in html and "Private reminder" not in html


def test_signed_out_readers_get_the_public_notes_and_no_annotate_button(client, document, notes):
    html = batch(client, document).text
    assert "Public note on pace" in html and "Group note on policy" not in html
    assert "annotate-button" not in html


def test_the_filter_of_the_page_applies(document, notes):
    _group, cast = notes
    html = batch(client_for(cast["member"]), document, show="mine").text
    assert "Group note on policy" in html and "Private reminder" in html
    assert "Public note on pace" not in html and "Public note on energy" not in html


def test_a_paper_published_for_a_group_answers_404_to_strangers(document, notes):
    from versions.models import Publication

    group, cast = notes
    Publication.objects.create(document=document, group=group)
    assert batch(client_for(cast["outsider"]), document).status_code == 404
    assert batch(client_for(cast["member"]), document).status_code == 200


@pytest.mark.parametrize("params", [{}, {"from": "two", "to": "4"}, {"from": "2"}])
def test_a_batch_without_its_positions_is_a_clear_400(client, document, params):
    response = client.get(reverse("document_margins", args=[document.slug]), params)
    assert response.status_code == 400
    assert "?from=&to=" in response.text


def test_positions_outside_the_paper_give_an_empty_batch(client, document):
    response = batch(client, document, first=50, last=60)
    assert response.status_code == 200 and "margin-notes" not in response.text


def test_a_batch_takes_the_same_queries_however_many_notes(document, notes, django_assert_num_queries):
    group, cast = notes
    client = client_for(cast["member"])
    batch(client, document)  # warm: the session's first use, and the document's kept text
    # The session, the user, the document, the roles, the filter's groups, the shown ids (with
    # each paragraph's count), those annotations, their tags, their links, the backlinks' ids
    # (there are none: no query for them). Not the paragraphs: they come with the document's
    # kept text (reader.rendering.ReadingPage.of).
    with django_assert_num_queries(10):
        batch(client, document)
    p2 = document.paragraphs.get(position=2)
    for n in range(30):
        note(cast["member"], p2, f"More {n}", group=group)
    with django_assert_num_queries(10):
        html = batch(client, document).text
    assert "more notes on this paragraph" in html


# A margin's cards are kept, rendered, by what they show (annotations.templatetags.annotation_tags
# margin_card): whoever reads them next must still see them as they are now.


def card(html, pk):
    return re.search(rf'<article [^>]*id="a-{pk}".*?</article>', html, re.S).group(0)


def test_classmates_see_a_kept_card_change_with_its_votes_and_edits(document, notes):
    group, cast = notes
    shown = note(cast["instructor"], document.paragraphs.get(position=3), "Group question", group=group)
    member, moderator = client_for(cast["member"]), client_for(cast["moderator"])
    for client in (member, moderator):
        assert 'class="vote-count">0<' in card(batch(client, document).text, shown.pk)
    Vote.objects.create(annotation=shown, user=cast["member"])
    shown.body = "Group question, sharpened"
    shown.save()
    for client in (member, moderator):
        html = card(batch(client, document).text, shown.pk)
        assert 'class="vote-count">1<' in html and "Group question, sharpened" in html


def test_the_authors_own_card_carries_their_token_and_deletes(document, notes):
    _group, cast = notes
    mine = note(cast["member"], document.paragraphs.get(position=3), "Mine to delete")
    author = Client(enforce_csrf_checks=True)
    author.force_login(cast["member"])
    batch(author, document)  # the CSRF cookie, as the reading page would have set it
    html = card(batch(author, document).text, mine.pk)
    # A classmate's copy of the same card has no Delete on it.
    assert "Delete" in html and "Delete" not in card(batch(client_for(cast["moderator"]), document).text, mine.pk)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = author.post(reverse("annotation_delete", args=[mine.pk]), {"csrfmiddlewaretoken": token})
    assert response.status_code in (200, 302)
    mine.refresh_from_db()
    assert mine.deleted_at is not None


def test_how_long_ago_a_kept_card_was_written_follows_the_clock(document, notes, monkeypatch):
    _group, cast = notes
    written = timezone.now() - timedelta(minutes=5)
    shown = note(cast["moderator"], document.paragraphs.get(position=4), "Five minutes old")
    Annotation.objects.filter(pk=shown.pk).update(created=written)
    client = client_for(cast["member"])
    assert "5\xa0minutes ago" in card(batch(client, document).text, shown.pk)
    monkeypatch.setattr(timezone, "now", lambda: written + timedelta(minutes=7, seconds=5))
    assert "7\xa0minutes ago" in card(batch(client, document).text, shown.pk)


def test_a_batch_shows_the_newest_links_into_a_paragraph_and_how_many_there_are(
    document, notes, django_assert_num_queries
):
    group, cast = notes
    target = document.paragraphs.get(position=3)
    elsewhere = document.paragraphs.order_by("position").last()  # outside the batch
    client = client_for(cast["member"])
    for n in range(8):
        source = note(cast["moderator"], elsewhere, f"Link source {n}", group=group)
        Link.objects.create(annotation=source, target=target, relation="supports")
    hidden = note(cast["moderator"], elsewhere, "Only mine", visibility=Visibility.PRIVATE)
    Link.objects.create(annotation=hidden, target=target, relation="supports")
    batch(client, document)  # warm: the session's first use, and the document's kept text
    # As without links, and the links themselves: however many there are.
    with django_assert_num_queries(11):
        html = batch(client, document).text
    section = html[html.index("Linked from") : html.index("</section>", html.index("Linked from"))]
    # The classmate's private note is no one else's: 8 links, the newest 5 shown.
    assert "Linked from (8)" in section and "Only mine" not in html
    assert [f"Link source {n}" in section for n in range(8)] == [False] * 3 + [True] * 5
