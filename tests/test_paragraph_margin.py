"""GET /d/<slug>/p/<anchor>/margin/: one paragraph's margin (annotations.views.annotations.
paragraph_margin_view), as htmx swaps it in after a change, a live update, or "N more notes"
asking for the rest in place (the Margin-Shown header: how many cards)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations.models import Visibility
from annotations.reading import MARGIN_GROW, MARGIN_LIMIT, MARGIN_MAX
from tests.discussions_support import client_for, note


@pytest.fixture
def busy(document, group_roles):
    """Twelve notes on p2 (the member's group notes), and the instructor's private one."""
    group, _other, cast = group_roles
    p2 = document.paragraphs.get(position=2)
    for n in range(12):
        note(cast["member"], p2, f"Reading {n + 1}", group=group)
    note(cast["instructor"], p2, "Instructor's own reminder", visibility=Visibility.PRIVATE)
    return p2, cast


def margin(user, paragraph, shown=None):
    headers = {"HX-Request": "true"}
    if shown is not None:
        headers["Margin-Shown"] = str(shown)
    url = reverse("paragraph_margin", args=[paragraph.document.slug, paragraph.anchor])
    return client_for(user).get(url, headers=headers)


def cards(html):
    return re.findall(r">Reading (\d+)<", html)


def test_a_margin_shows_its_first_notes_and_offers_the_rest_in_place(busy):
    p2, cast = busy
    html = margin(cast["moderator"], p2).text
    assert cards(html) == ["1", "2", "3", "4", "5"]
    more = re.search(r'<p class="margin-more"[^>]*><a href="([^"]+)"([^>]*)>7 more notes on this paragraph…</a>', html)
    assert more, "the link to the rest"
    assert more.group(1) == reverse("paragraph_discussion", args=[p2.document.slug, p2.anchor])  # without JavaScript
    assert f'hx-get="{reverse("paragraph_margin", args=[p2.document.slug, p2.anchor])}"' in more.group(2)
    assert f'"Margin-Shown": "{MARGIN_LIMIT + MARGIN_GROW}"' in more.group(2)
    assert "data-shown" not in html


def test_asked_for_more_it_brings_the_rest_and_says_how_many_it_holds(busy, django_assert_num_queries):
    p2, cast = busy
    user = cast["moderator"]
    # The same queries as the margin of five: the cards come in one query however many.
    margin(user, p2)  # the paper's kept text is built once, on the first
    with CaptureQueriesContext(connection) as five:
        margin(user, p2)
    with django_assert_num_queries(len(five)):
        html = margin(user, p2, shown=MARGIN_LIMIT + MARGIN_GROW).text
    assert cards(html) == [str(n) for n in range(1, 13)]
    assert "more note" not in html
    assert f'data-shown="{MARGIN_LIMIT + MARGIN_GROW}"' in html
    assert "Instructor's own reminder" not in html  # growing changes how many, not who sees what


@pytest.mark.parametrize("sent, shown", [("lots", MARGIN_LIMIT), ("-3", MARGIN_LIMIT), ("99999", MARGIN_MAX)])
def test_a_bad_or_huge_count_is_kept_within_bounds(busy, sent, shown):
    p2, cast = busy
    html = margin(cast["moderator"], p2, shown=sent).text
    assert len(cards(html)) == min(12, shown)
    assert (f'data-shown="{shown}"' in html) == (shown > MARGIN_LIMIT)


def test_a_change_made_in_a_grown_margin_keeps_it_grown(busy):
    p2, cast = busy
    mine = p2.annotations.filter(body="Reading 12").get()
    response = client_for(cast["member"]).post(
        reverse("annotation_delete", args=[mine.pk]), headers={"HX-Request": "true", "Margin-Shown": "55"}
    )
    assert response.status_code == 200
    assert cards(response.text) == [str(n) for n in range(1, 12)]
    assert "You deleted this note" in response.text
