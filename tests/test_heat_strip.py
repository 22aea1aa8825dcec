"""The heat strip on the reading page: where the notes I may see cluster, from one query."""

import re

import pytest
from django.urls import reverse

from annotations.models import Annotation, Visibility
from annotations.reading import MarginFilter, document_counts
from groups.roles import roles_of
from live.reading import heat_strip
from tests.discussions_support import client_for, note


def cells(response):
    """{anchor: (level, count, has a link)} from the page."""
    html = response.content.decode()
    strip = html[html.index('id="heat-strip"'):html.index("</nav>", html.index('id="heat-strip"'))]
    found = {}
    for match in re.finditer(r'<li class="heat-cell heat-(\d)" data-anchor="([^"]+)" data-count="(\d+)">(.*?)</li>', strip):
        level, anchor, count, inner = match.groups()
        found[anchor] = (int(level), int(count), 'href="#p-' + anchor + '"' in inner)
    return found


@pytest.fixture
def notes(document, group_roles):
    group, _other, cast = group_roles
    p = {pp.anchor: pp for pp in document.paragraphs.all()}
    for n in range(4):
        note(cast["member"], p["p2"], f"Group note {n}", group=group)
    note(cast["outsider"], p["p3"], "Public")
    note(cast["outsider"], p["p4"], "Private", visibility=Visibility.PRIVATE)
    gone = note(cast["member"], p["p3"], "Deleted", group=group)
    Annotation.objects.filter(pk=gone.pk).update(deleted_at=gone.created)
    return group, cast


def test_the_strip_counts_only_what_i_may_see(client, document, notes):
    _group, cast = notes
    url = document.get_absolute_url()
    member = cells(client_for(cast["member"]).get(url))
    assert member["p2"] == (5, 4, True)  # the busiest paragraph is the darkest
    assert member["p3"] == (2, 1, True)  # one public note against four: level ceil(5/4) = 2
    assert member["p4"] == (0, 0, False)  # otto's private note is not counted
    assert member["p0"] == (0, 0, False)
    outsider = cells(client_for(cast["outsider"]).get(url))
    assert outsider["p2"] == (0, 0, False)  # the group's notes are not the outsider's to see
    assert outsider["p3"][1:] == (1, True) and outsider["p4"][1:] == (1, True)  # public + own private
    anonymous = cells(client.get(url))
    assert {anchor: c[1] for anchor, c in anonymous.items()} == {"p0": 0, "p1": 0, "p2": 0, "p3": 1, "p4": 0}


def test_each_mark_is_a_link_to_its_paragraph_with_a_spoken_count(client, document, notes):
    _group, cast = notes
    html = client_for(cast["member"]).get(document.get_absolute_url()).content.decode()
    assert '<a href="#p-p2" class="heat-link" aria-label="¶ 3: 4 notes" title="¶ 3: 4 notes"></a>' in html
    assert 'aria-labelledby="heat-strip-title"' in html and "arrow keys" in html
    assert 'id="p-p2"' in html  # the target exists


def test_the_strip_shares_the_margins_count_query(document, notes, django_assert_num_queries):
    _group, cast = notes
    paragraphs = list(document.paragraphs.all())
    roles_of(cast["outsider"])  # the reading page has loaded the roles before (page_margins)
    with django_assert_num_queries(1):  # the margin's counts, with the strip's beside them
        counts = document_counts(cast["outsider"], document, MarginFilter())
    result = heat_strip(paragraphs, {pk: heat for pk, (_notes, heat) in counts.items()})
    assert [c.count for c in result] == [0, 0, 0, 1, 1]


def test_the_page_links_the_live_endpoints(client, document):
    html = client.get(document.get_absolute_url()).content.decode()
    assert f'data-stream="{reverse("live_stream", args=[document.slug])}"' in html
    assert f'data-poll="{reverse("live_poll", args=[document.slug])}"' in html
    assert "js/live.js" in html
