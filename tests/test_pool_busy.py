"""A saturated connection pool is not a database outage: pages and the API say the server is
busy (503, Retry-After of a moment), and /healthz tells the two apart."""

import json

import pytest
from django.db import connection
from django.db.utils import DatabaseErrorWrapper
from django.test import RequestFactory
from psycopg_pool import ConnectionPool

from config import health, middleware


@pytest.fixture
def pool_timeout(db):
    """The error Django raises when its pool has no connection to give: a real pool of one,
    its connection held, a second getconn timing out, wrapped as Django's backend wraps it."""
    params = connection.get_connection_params()
    pool = ConnectionPool(kwargs=params, min_size=1, max_size=1, timeout=0.1, open=True)
    held = pool.getconn()
    try:
        with DatabaseErrorWrapper(connection):
            pool.getconn()
    except Exception as exc:  # noqa: BLE001 (the wrapped error is what we want)
        error = exc
    finally:
        pool.putconn(held)
        pool.close()
    return error


def test_a_saturated_pool_answers_busy_with_a_short_retry_after(pool_timeout):
    request = RequestFactory().get("/d/paper/")
    response = middleware.DatabaseUnavailableMiddleware(lambda r: None).process_exception(request, pool_timeout)
    assert response.status_code == 503
    assert response["Retry-After"] == str(middleware.BUSY_RETRY_AFTER_SECONDS)
    assert b"Marginalia is busy" in response.content
    assert b"cannot reach the database" not in response.content


def test_the_api_says_busy_in_json(pool_timeout):
    request = RequestFactory().get("/api/annotations")
    response = middleware.database_unavailable_response(request, pool_timeout)
    assert response.status_code == 503
    assert json.loads(response.content) == {"detail": "The server is busy. Please try again in a moment."}


def test_healthz_tells_a_busy_pool_from_an_outage(client, monkeypatch, pool_timeout):
    def saturated(connection):
        raise pool_timeout

    monkeypatch.setattr(health, "_database_check", saturated)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "busy", "database": "busy", "migrations": "unknown"}
