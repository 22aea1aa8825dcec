"""Requests wait their turn: at most as many run in a process at once as its pool has
connections (ASGI, wraps the app in config/asgi.py).

Under ASGI each request runs its view in a thread of its own, and a class opening the paper in
the same minute started dozens at once: each took a pooled connection at its first query and
held it while its thread waited for the interpreter to render templates, so the pool ran dry
with PostgreSQL mostly idle, and the requests that waited DB_POOL_TIMEOUT for a connection were
refused (503 busy). Here they wait in the event loop instead, first come first served, and a
request that waits its turn gets a connection at once when it runs.

A turn ends when the response starts: for a page that is once it is built; for a live stream,
once its checks and catch-up are done and it streams (holding no connection), so a stream holds
no turn either. A request that has waited ADMISSION_WAIT_SECONDS runs anyway: the pool's own
timeout then decides, and a saturated pool still answers 503 busy (config/middleware.py).
"""

import asyncio


def admit_in_turn(app, turns: int, wait: float):
    """`app`, running at most `turns` requests at once; the others wait (FIFO) up to `wait` s."""
    semaphores = {}  # one per event loop (a test may run several)

    async def admitted(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        loop = asyncio.get_running_loop()
        semaphore = semaphores.setdefault(loop, asyncio.Semaphore(turns))
        try:
            await asyncio.wait_for(semaphore.acquire(), wait)
            holding = True
        except TimeoutError:
            holding = False

        def release():
            nonlocal holding
            if holding:
                holding = False
                semaphore.release()

        async def sending(message):
            if message["type"] == "http.response.start":
                release()
            await send(message)

        try:
            return await app(scope, receive, sending)
        finally:
            release()

    return admitted


def pool_turns(settings) -> int | None:
    """How many requests may run at once: the pool's size, or None without a pool."""
    pool = settings.DATABASES["default"].get("OPTIONS", {}).get("pool")
    return pool.get("max_size") if isinstance(pool, dict) else None
