"""Under ASGI (how `make serve` runs), the middleware chain runs in one worker thread.

Django adapts each middleware to the mode of the one inside it; an async-capable middleware
innermost would make every one of Django's own middleware hop to a thread and back, twice a
request, which cost about a third of a trivial request's time on the benchmark machine."""

from asgiref.sync import SyncToAsync, async_to_sync
from django.test import AsyncClient, Client

from annotations.models import Annotation, Visibility


def hops_to_threads(monkeypatch, path, session=None):
    """How many times serving `path` handed work to a thread, and the response. (Driven
    through async_to_sync, so the thread is this test's, with its database transaction.)"""
    hops = []
    call = SyncToAsync.__call__

    async def counted(self, *args, **kwargs):
        hops.append(getattr(self.func, "__qualname__", repr(self.func)))
        return await call(self, *args, **kwargs)

    monkeypatch.setattr(SyncToAsync, "__call__", counted)
    client = AsyncClient()
    if session:
        client.cookies["sessionid"] = session
    response = async_to_sync(client.get)(path, secure=True)
    return hops, response


def test_a_trivial_view_hands_work_to_threads_a_few_times_only(monkeypatch, db):
    hops, response = hops_to_threads(monkeypatch, "/livez")
    assert response.status_code == 200
    # request_started's receivers, the chain, the view middleware (CSRF's process_view), the
    # view, closing the response. With Django's middleware adapted one by one it was 15.
    assert len(hops) <= 5, hops


def test_the_reading_page_is_served_whole_under_asgi(monkeypatch, seminar, document):
    """And the page, with its session and kept copy, still reads the same through it."""
    group, cast, paragraph = seminar
    Annotation.objects.create(paragraph=paragraph, author=cast["instructor"], body="Read this with care.",
                              visibility=Visibility.GROUP, group=group)
    browser = Client()
    browser.force_login(cast["member"])
    session = browser.cookies["sessionid"].value
    for _ in range(2):  # built, then kept
        hops, response = hops_to_threads(monkeypatch, document.get_absolute_url(), session)
        assert response.status_code == 200
        assert "Read this with care." in response.text
        assert len(hops) <= 5, hops
