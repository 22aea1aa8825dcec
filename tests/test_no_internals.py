"""No internals on the page: wherever a paragraph is pointed at from outside the paper it is
named "§ 1, ¶ 3 — Industrial policy shapes the pace of…" (never its anchor, never a position
counted from 0), previews show a note's Markdown as text, and full bodies (a group's
description too) render it, sanitised as notes are."""

import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from annotations.models import Link, Visibility
from discussions.guides import add_step, guide_for
from discussions.models import Curation
from groups.models import StudyGroup
from tests.discussions_support import client_for, note, prompt

NAME = "§ 1, ¶ 3 — Industrial policy shapes the pace of…"  # the seminar's paragraph (position 2)
MARKDOWN = "A **bold** claim, see [the report](https://example.org/r) and `code`"
AS_TEXT = "A bold claim, see the report and code"


@pytest.fixture
def replied(seminar):
    """Mia's note on the paragraph and Ines' Markdown reply to it (Mia is notified)."""
    group, cast, paragraph = seminar
    root = note(cast["member"], paragraph, "Root note", group=group)
    client_for(cast["instructor"]).post(reverse("thread_reply", args=[root.pk]), {"body": MARKDOWN})
    return root


def test_a_notification_names_the_paragraph_and_shows_the_reply_as_text(seminar, replied):
    group, cast, paragraph = seminar
    html = client_for(cast["member"]).get(reverse("notifications")).text
    assert f"on A Short Paper, {NAME} ·" in html
    assert f'<div class="notification-snippet">{AS_TEXT}</div>' in html
    # The page's text, not its markup: a form's random CSRF token may well contain "p2".
    text = re.sub(r"<[^>]*>", " ", html.split("<main", 1)[1])
    assert "**" not in html and "](" not in html and paragraph.anchor not in text.split()


def test_a_notification_email_names_the_paragraph(seminar, replied, settings):
    group, cast, paragraph = seminar
    client_for(cast["member"]).post(reverse("notification_settings"), {"email": "on"})
    client_for(cast["moderator"]).post(reverse("thread_reply", args=[replied.pk]), {"body": "Another"})
    call_command("send_notification_emails", verbosity=0)
    assert f'on "A Short Paper", {NAME}:' in mail.outbox[0].body


def test_the_thread_and_the_paragraphs_discussion_name_it_and_render_its_emphasis(seminar, replied):
    group, cast, paragraph = seminar
    paragraph.text = "Industrial *policy* shapes the pace of modernization in every economy."
    paragraph.save(update_fields=["text"])
    client = client_for(cast["member"])
    thread = client.get(reverse("thread", args=[replied.pk])).text
    assert f">Discussion of {NAME}</a>" in thread
    assert "Industrial <em>policy</em> shapes" in thread and "*policy*" not in thread
    assert '>A Short Paper, § 1, ¶ 3</a></figcaption>' in thread
    discussion = client.get(reverse("paragraph_discussion", args=[paragraph.document.slug, paragraph.anchor])).text
    assert "<h1>Discussion of § 1, ¶ 3</h1>" in discussion


def test_tag_person_and_search_cards_name_the_paragraph_with_its_opening_words(seminar):
    group, cast, paragraph = seminar
    mine = note(cast["member"], paragraph, "Tagged note", visibility=Visibility.PUBLIC)
    mine.tags.add("policy")
    client = client_for(cast["member"])
    where = f'<p class="annotation-where"><a href="/d/short-paper/#p-p2">A Short Paper, {NAME}</a></p>'
    assert where in client.get(reverse("tag", args=["policy"])).text
    assert where in client.get(reverse("person", args=[cast["member"].username])).text
    search = client.get(reverse("search"), {"q": "industrial"}).text
    assert '<a href="/d/short-paper/#p-p2">A Short Paper, § 1, ¶ 3</a>' in search  # the hit's text follows
    assert f'<a href="/d/short-paper/#p-p2">A Short Paper, {NAME}</a>' in client.get(reverse("search"), {"q": "tagged"}).text


def test_a_links_label_names_the_paragraph_it_goes_to(seminar, document):
    group, cast, paragraph = seminar
    source = note(cast["member"], document.paragraphs.get(position=4), "Linking", visibility=Visibility.PUBLIC)
    Link.objects.create(annotation=source, target=paragraph, relation="supports")
    html = client_for(cast["member"]).get(reverse("annotation", args=[source.pk])).text
    assert f'<a href="/d/short-paper/#p-p2" class="link-target">{NAME}</a>' in html


def test_guide_steps_and_their_choices_name_the_paragraph_and_show_the_prompt_as_text(seminar, document):
    group, cast, paragraph = seminar
    guide = guide_for(group, document, create_by=cast["instructor"])
    add_step(guide, prompt(cast["instructor"], paragraph, group, MARKDOWN))
    prompt(cast["instructor"], document.paragraphs.get(position=3), group, "Why **green**?")
    html = client_for(cast["instructor"]).get(reverse("guide", args=[group.pk, document.slug])).text
    assert f">Step 1: {NAME}</a>" in html
    assert f'<div class="step-text">{AS_TEXT}</div>' in html
    assert ">Prompt on § 1, ¶ 4: Why green?</option>" in html  # the "Add a step" choices


def test_the_dashboard_lists_open_questions_as_text_with_their_paragraph(seminar, document):
    group, cast, paragraph = seminar
    question = note(cast["member"], paragraph, MARKDOWN, group=group)
    Curation.objects.create(annotation=question, is_question=True)
    html = client_for(cast["instructor"]).get(reverse("dashboard_document", args=[group.pk, document.slug])).text
    assert f'{AS_TEXT}</a></th>' in html
    assert f'#p-p2">{NAME}</a></td>' in html


def test_a_group_description_renders_as_markdown_and_previews_as_text(seminar):
    group, cast, paragraph = seminar
    StudyGroup.objects.filter(pk=group.pk).update(
        description="Close *reading*, week by week.\n\n- [Syllabus](https://example.org/s)\n\n<script>alert(1)</script>"
    )
    client = client_for(cast["member"])
    page = client.get(reverse("group", args=[group.pk])).text
    assert "<p>Close <em>reading</em>, week by week.</p>" in page
    assert '<li><a href="https://example.org/s" rel="nofollow noopener">Syllabus</a></li>' in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    listing = client.get(reverse("groups")).text
    assert '<p class="group-description">Close reading, week by week. Syllabus &lt;script&gt;alert(1)&lt;/script&gt;</p>' in listing


def test_the_heat_strip_and_the_dashboard_number_a_paragraph_alike(seminar, document):
    group, cast, paragraph = seminar
    paragraph.text = "Industrial *policy* shapes the pace of modernization in every economy."
    paragraph.save(update_fields=["text"])
    note(cast["member"], paragraph, "Counted", group=group)
    client = client_for(cast["instructor"])
    reading = client.get(reverse("document", args=[document.slug])).text
    assert 'aria-label="¶ 3: 1 note"' in reading
    dashboard = client.get(reverse("dashboard_document", args=[group.pk, document.slug])).text
    assert '#p-p2">¶ 3</a> <span class="snippet">Industrial policy shapes the pace' in dashboard  # no asterisks
