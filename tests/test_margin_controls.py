"""The margin hook: vote and reply counts per annotation in one query, counting only what the reader may see."""

from django.template.loader import render_to_string
from django.test import RequestFactory

from annotations.models import Annotation
from annotations.permissions import visible_annotations
from discussions.margin import annotate_margin
from discussions.models import Vote
from tests.discussions_support import note, prompt, settings_for


def test_counts_come_in_one_query_and_respect_hide_until_posted(seminar, django_assert_num_queries):
    group, cast, paragraph = seminar
    settings_for(group, hide_until_posted=True)
    the_prompt = prompt(cast["instructor"], paragraph, group)
    note(cast["moderator"], None, "A moderator's answer", parent=the_prompt)
    Vote.objects.create(annotation=the_prompt, user=cast["moderator"])
    with django_assert_num_queries(2):  # the roles, then the annotations with their counts
        rows = list(annotate_margin(cast["member"], visible_annotations(cast["member"], Annotation.objects.roots())))
    assert [(r.vote_count, r.reply_count, r.voted) for r in rows] == [(1, 0, False)]
    instructor_rows = list(annotate_margin(cast["instructor"], Annotation.objects.filter(pk=the_prompt.pk)))
    assert instructor_rows[0].reply_count == 1
    request = RequestFactory().get("/")
    request.user = cast["member"]
    html = render_to_string("discussions/_thread_controls.html", {"a": rows[0], "request": request})
    assert "Prompt" in html and "Discuss" in html
