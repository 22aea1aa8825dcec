"""A database outage answers a clear 503 page, and the app recovers by itself.

The real thing runs gunicorn with production settings against a throwaway PostgreSQL server
(its own data directory in /tmp), stops that server under it and starts it again. The unit
tests below cover the same answers for errors raised by views and outside them.
"""

import pytest
from django.db import InterfaceError, OperationalError
from django.test import RequestFactory

from config import middleware
from tests.ops_support import Gunicorn, ThrowawayPostgres, app_env, free_port, http, manage

OUTAGE_PORTS = (8107, 8108)


# Both ways of holding connections: persistent ones per worker, and a psycopg pool.
CONNECTION_MODES = {
    "persistent": {"DB_CONN_MAX_AGE": "600"},
    "pool": {"DB_POOL": "true", "DB_POOL_MIN_SIZE": "2", "DB_POOL_TIMEOUT": "2"},
}


@pytest.fixture(scope="module", params=sorted(CONNECTION_MODES))
def outage_stack(request):
    server = ThrowawayPostgres()
    app = None
    try:
        env = app_env(server.url(), **CONNECTION_MODES[request.param])
        manage(env, "migrate", "--no-input")
        # One worker with long-lived connections: the dead ones must be noticed and replaced.
        app = Gunicorn(env, free_port(OUTAGE_PORTS), workers=1)
        yield server, app
    finally:
        if app:
            app.stop()
        server.destroy()


def test_stopping_and_restarting_the_database_under_a_running_app(outage_stack):
    server, app = outage_stack
    assert http("GET", app.base + "/").status_code == 200
    assert http("GET", app.base + "/healthz").json()["status"] == "ok"

    server.stop()
    page = http("GET", app.base + "/")
    assert page.status_code == 503, app.output()
    assert page.headers["retry-after"] == "30"
    assert "Marginalia is briefly unavailable" in page.text
    assert "Traceback" not in page.text and "OperationalError" not in page.text
    health = http("GET", app.base + "/healthz")
    assert health.status_code == 503
    assert health.json()["database"] == "unavailable"
    api = http("GET", app.base + "/api/annotations", headers={"Accept": "application/json"})
    # The API answers JSON, not the HTML page.
    assert api.status_code == 503 and "unavailable" in api.json()["detail"]

    server.start()
    # No restart of the app: the very next request gets a fresh connection.
    assert http("GET", app.base + "/").status_code == 200, app.output()
    assert http("GET", app.base + "/healthz").json() == {"status": "ok", "database": "ok", "migrations": "ok"}


@pytest.mark.parametrize("error", [OperationalError("server closed the connection unexpectedly"), InterfaceError("connection already closed")])
def test_a_view_failing_on_the_database_answers_503_with_retry_after(error):
    request = RequestFactory().get("/d/paper/")
    response = middleware.DatabaseUnavailableMiddleware(lambda r: None).process_exception(request, error)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert b"Marginalia is briefly unavailable" in response.content


def test_other_errors_are_left_to_django():
    request = RequestFactory().get("/")
    assert middleware.DatabaseUnavailableMiddleware(lambda r: None).process_exception(request, ValueError()) is None


def test_an_outage_raised_outside_a_view_still_answers_503():
    request = RequestFactory().get("/groups/")
    try:
        raise OperationalError("the session middleware could not reach the database")
    except OperationalError:
        response = middleware.server_error(request)
    assert response.status_code == 503
    assert b"Marginalia is briefly unavailable" in response.content


def test_api_clients_get_json():
    request = RequestFactory().get("/api/annotations")
    response = middleware.database_unavailable_response(request)
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
