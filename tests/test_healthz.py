"""/healthz tells a load balancer whether this process and its database are ready; /livez only
that the process answers."""

from unittest import mock

import pytest
from django.db import OperationalError

from config import health


@pytest.mark.django_db
def test_healthz_answers_ok_when_the_database_answers_and_is_migrated(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "migrations": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_is_unreachable(client, monkeypatch):
    def refuse(connection):
        raise OperationalError('connection to server on socket "/x/.s.PGSQL.5432" failed')

    monkeypatch.setattr(health, "_database_check", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unavailable", "migrations": "unknown"}
    # Where the database lives is for the log, not for whoever asks.
    assert "socket" not in response.content.decode()


@pytest.mark.django_db
def test_healthz_answers_503_while_migrations_are_pending(client, monkeypatch):
    monkeypatch.setattr(health, "_migrations_seen_applied", False)
    with mock.patch("django.db.migrations.executor.MigrationExecutor.migration_plan", return_value=[("x", False)]):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["migrations"] == "pending"


def test_livez_needs_no_database(client):
    # No django_db mark: any query here would fail the test.
    response = client.get("/livez")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_healthz_is_get_only(client):
    assert client.post("/healthz").status_code == 405
