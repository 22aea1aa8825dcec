"""One annotation card (annotations.presenters, templates/annotations/_card.html): a note reads
the same in the margin, in its thread, on its own page and on the tag, person and search pages;
previews show its text without Markdown."""

import re

import pytest
from django.urls import reverse

from annotations.models import Link, Visibility
from annotations.rendering import excerpt
from discussions.models import Curation
from versions.models import Publication
from tests.discussions_support import client_for, note

BODY = "Policy **leads** here, see [the report](https://example.org/report)."


@pytest.fixture
def endorsed(seminar):
    group, cast, paragraph = seminar
    a = note(cast["member"], paragraph, BODY, group=group)
    a.tags.add("policy")
    Curation.objects.create(annotation=a, endorsed_at=a.created)
    return a


def _card(html, pk):
    match = re.search(rf'<article class="annotation[^"]*" id="a-{pk}".*?</article>', html, re.S)
    assert match, f"no card for {pk}"
    return match.group(0)


def test_a_note_reads_the_same_everywhere(seminar, endorsed):
    group, cast, paragraph = seminar
    client = client_for(cast["moderator"])
    document = paragraph.document
    pages = {
        "margin": reverse("document", args=[document.slug]),
        "thread": reverse("thread", args=[endorsed.pk]),
        "annotation": reverse("annotation", args=[endorsed.pk]),
        "tag": reverse("tag", args=["policy"]),
        "person": reverse("person", args=[cast["member"].username]),
    }
    for name, url in pages.items():
        card = _card(client.get(url).text, endorsed.pk)
        assert str(cast["member"]) in card, name
        assert "Policy <strong>leads</strong> here" in card and "**" not in card, name
        assert 'href="https://example.org/report"' in card, name
        assert 'class="badge badge-endorsed">Endorsed<' in card, name
        assert ">#policy</a>" in card, name
        assert f">{group.name}</span>" in card or name == "thread", name  # who may see it (threads: on the root only)


def test_the_thread_offers_the_discussion_actions_and_the_margin_links_to_it(seminar, endorsed):
    group, cast, paragraph = seminar
    client = client_for(cast["instructor"])
    thread = _card(client.get(reverse("thread", args=[endorsed.pk])).text, endorsed.pk)
    assert 'class="vote-button' in thread and ">Reply</summary>" in thread and "Withdraw endorsement" in thread
    margin = _card(client.get(reverse("document", args=[paragraph.document.slug])).text, endorsed.pk)
    assert f'href="{reverse("thread", args=[endorsed.pk])}"' in margin and ">Discuss</a>" in margin
    assert "Withdraw endorsement" not in margin


def test_search_hits_name_the_author_and_place_as_the_card_does(seminar, endorsed):
    group, cast, paragraph = seminar
    Curation.objects.filter(annotation=endorsed).update(is_anonymous=True)
    html = client_for(cast["outsider"]).get(reverse("search"), {"tag": "policy"}).text
    assert str(cast["member"]) not in html  # outsiders: a group note is not theirs to find
    html = client_for(cast["moderator"]).get(reverse("search"), {"tag": "policy"}).text
    assert "Anonymous classmate" in html and str(cast["member"]) not in html
    assert f"{paragraph.document.title}, § 1, ¶ 3 — Industrial policy shapes the pace of…" in html  # from 1, as the heat strip
    assert "**" not in html  # no raw Markdown in the preview


def test_a_backlink_previews_the_note_without_markdown_and_names_the_paragraph(seminar):
    group, cast, paragraph = seminar
    source = note(cast["member"], paragraph, "A **strong** claim", visibility=Visibility.PUBLIC)
    target = paragraph.document.paragraphs.get(position=4)
    Link.objects.create(annotation=source, target=target, relation="supports")
    html = client_for(cast["member"]).get(reverse("document", args=[paragraph.document.slug])).text
    backlinks = html.split(f'id="bl-{target.anchor}"', 1)[1].split("</section>", 1)[0]
    assert "A strong claim" in backlinks and "**" not in backlinks
    assert "§ 1, ¶ 3 — Industrial policy shapes the pace of…" in backlinks and paragraph.anchor not in backlinks


def test_an_excerpt_is_the_text_without_markup():
    assert excerpt("**Bold**, and [a link](https://x.org)\n\n- one\n- two") == "Bold, and a link one two"
    assert excerpt("<script>alert(1)</script>") == "<script>alert(1)</script>"  # text, escaped where shown
    assert excerpt("word " * 50, 30) == "word word word word word…"
    assert excerpt("   ") == ""


def test_public_on_a_group_only_paper_names_the_group_it_reaches(seminar):
    group, cast, paragraph = seminar
    a = note(cast["member"], paragraph, "Open to all readers.", visibility=Visibility.PUBLIC)
    page = reverse("document", args=[paragraph.document.slug])
    assert ">Public</span>" in _card(client_for(cast["member"]).get(page).text, a.pk)
    Publication.objects.create(document=paragraph.document, group=group, published_by=cast["instructor"])
    card = _card(client_for(cast["member"]).get(page).text, a.pk)
    assert f">Everyone in {group.name}</span>" in card and ">Public<" not in card
