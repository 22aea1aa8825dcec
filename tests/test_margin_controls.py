"""The card's discussion part: vote and reply counts per annotation in one query, counting only what the reader may see."""

from django.template.loader import render_to_string
from django.test import RequestFactory

from annotations.models import Annotation
from annotations.permissions import visible_annotations
from annotations.presenters import card_queryset, present
from discussions.models import Vote
from tests.discussions_support import note, prompt, settings_for


def test_counts_come_in_one_query_and_respect_hide_until_posted(seminar, django_assert_num_queries):
    group, cast, paragraph = seminar
    settings_for(group, hide_until_posted=True)
    the_prompt = prompt(cast["instructor"], paragraph, group)
    note(cast["moderator"], None, "A moderator's answer", parent=the_prompt)
    Vote.objects.create(annotation=the_prompt, user=cast["moderator"])
    member = cast["member"]
    with django_assert_num_queries(4):  # the roles, the annotations with their counts, their tags, their links
        cards = [present(member, a) for a in card_queryset(member, visible_annotations(member, Annotation.objects.roots()))]
    assert [(c.discussion.vote_count, c.discussion.reply_count, c.discussion.voted) for c in cards] == [(1, 0, False)]
    instructor = cast["instructor"]
    [instructor_card] = [present(instructor, a) for a in card_queryset(instructor, Annotation.objects.filter(pk=the_prompt.pk))]
    assert instructor_card.discussion.reply_count == 1
    request = RequestFactory().get("/")
    request.user = member
    html = render_to_string("annotations/_card.html", {"card": cards[0], "mode": "margin", "request": request})
    assert 'class="badge badge-prompt">Prompt<' in html and ">Discuss</a>" in html
