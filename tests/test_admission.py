"""A class opening the paper at once, through a real ASGI server (uvicorn in a subprocess)
with a pool of two connections: the requests wait their turn (config/admission.py) and every
one succeeds, where they used to take a connection each and the late ones were refused (503)."""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import pytest
from django.test import Client

from tests.live_support import AsgiServer, run_async

pytestmark = pytest.mark.django_db(transaction=True)

CLASS = 16


@pytest.fixture
def server():
    # A pool timeout far below what sixteen page builds on two connections take: without
    # turns, most of the class would wait that long for a connection and be refused.
    asgi = AsgiServer(extra_env={
        "DB_POOL": "true", "DB_POOL_MIN_SIZE": "1", "DB_POOL_MAX_SIZE": "2", "DB_POOL_TIMEOUT": "0.2",
    }).wait_ready()
    yield asgi
    asgi.stop()


def status(url, cookie):
    try:
        with urlopen(Request(url, headers={"Cookie": f"sessionid={cookie}"}), timeout=60) as response:
            return response.status
    except HTTPError as error:
        return error.code


def test_a_class_opening_the_paper_at_once_waits_its_turn_and_is_served(server, document, make_user):
    client = Client()
    client.force_login(make_user("student"))
    cookie = client.cookies["sessionid"].value
    url = server.url + document.get_absolute_url()
    assert status(url, cookie) == 200  # the worker's first view (the text kept), not timed

    async def open_paper():
        loop = asyncio.get_running_loop()
        with ThreadPoolExecutor(max_workers=CLASS) as pool:
            return await asyncio.gather(*[loop.run_in_executor(pool, status, url, cookie) for _ in range(CLASS)])

    assert run_async(open_paper()) == [200] * CLASS
    assert status(server.url + "/healthz", cookie) == 200
