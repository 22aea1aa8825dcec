"""A paragraph's discussion page: every thread on it one may see, a page at a time."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from annotations.models import Annotation
from discussions.display import THREADS_PER_PAGE
from discussions.models import Curation
from tests.discussions_support import client_for, note


def _threads(seminar, count):
    group, cast, paragraph = seminar
    start = timezone.now() - timedelta(days=1)
    made = [note(cast["member"], paragraph, f"Thread number {i:02d}.", group=group) for i in range(count)]
    for i, a in enumerate(made):  # distinct times, so "newest" has one answer
        Annotation.objects.filter(pk=a.pk).update(created=start + timedelta(minutes=i))
    return made


def _shown(response):
    return [a.body for a in (t.root for t in response.context["threads"])]


def test_a_busy_paragraph_shows_its_threads_a_page_at_a_time(seminar):
    group, cast, paragraph = seminar
    made = _threads(seminar, THREADS_PER_PAGE + 5)
    url = reverse("paragraph_discussion", args=[paragraph.document.slug, paragraph.anchor])
    client = client_for(cast["member"])

    first = client.get(url)
    assert first.status_code == 200
    assert _shown(first) == [a.body for a in reversed(made)][:THREADS_PER_PAGE]  # newest first
    assert "Page 1 of 2" in first.text and "Thread number 04." not in first.text

    second = client.get(url, {"page": 2})
    assert _shown(second) == [a.body for a in reversed(made[:5])]
    assert "Page 2 of 2" in second.text

    # The order chosen is kept from page to page.
    oldest = client.get(url, {"sort": "oldest"})
    assert _shown(oldest)[0] == "Thread number 00."
    assert "sort=oldest&amp;page=2" in oldest.text
    assert _shown(client.get(url, {"sort": "oldest", "page": 2}))[-1] == made[-1].body


def test_a_pinned_thread_stays_on_the_first_page(seminar):
    group, cast, paragraph = seminar
    made = _threads(seminar, THREADS_PER_PAGE + 5)
    Curation.objects.create(annotation=made[0], pinned_at=timezone.now())
    url = reverse("paragraph_discussion", args=[paragraph.document.slug, paragraph.anchor])
    assert _shown(client_for(cast["member"]).get(url))[0] == made[0].body


def test_a_paragraph_with_few_threads_has_no_page_links(seminar):
    group, cast, paragraph = seminar
    _threads(seminar, 3)
    url = reverse("paragraph_discussion", args=[paragraph.document.slug, paragraph.anchor])
    response = client_for(cast["member"]).get(url, {"page": "9"})
    assert len(_shown(response)) == 3 and 'aria-label="Pages"' not in response.text


def test_the_page_takes_the_same_queries_however_many_threads(seminar):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    group, cast, paragraph = seminar
    url = reverse("paragraph_discussion", args=[paragraph.document.slug, paragraph.anchor])
    client = client_for(cast["instructor"])
    _threads(seminar, 3)
    client.get(url)  # warm: the session's first use
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _threads(seminar, THREADS_PER_PAGE + 10)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    # The document, the paragraph, the session, the user, the roles, the notes with their votes,
    # the instructors of their groups, then the prompt form's groups (four queries): the same
    # list whatever the number of threads.
    assert len(many) == len(few), [q["sql"][:80] for q in many.captured_queries]
