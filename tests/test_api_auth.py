"""Signing in to the API: tokens (created and revoked on /api/tokens/) and the session with CSRF."""

import pytest
from django.test import Client
from django.urls import reverse

from annotations.models import Annotation
from api.api import api
from api.models import ApiToken
from tests.api_support import ApiClient


def test_token_page_creates_a_token_shown_once(client, make_user):
    user = make_user("tess")
    client.force_login(user)
    response = client.post(reverse("api_tokens"), {"name": "Zotero"})
    assert response.status_code == 201
    raw = response.context["new_token"]
    assert raw.startswith("mrg_") and raw in response.text
    token = ApiToken.objects.get(user=user)
    assert token.key_hash != raw and raw not in token.key_hint + token.key_hash
    page = client.get(reverse("api_tokens"))
    assert "Zotero" in page.text and raw not in page.text
    api = Client()
    assert api.get("/api/groups", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    token.refresh_from_db()
    assert token.last_used is not None


def test_token_page_needs_a_name_and_a_login(client, make_user):
    assert client.get(reverse("api_tokens")).status_code == 302
    client.force_login(make_user("tess"))
    response = client.post(reverse("api_tokens"), {"name": ""})
    assert response.status_code == 400 and "This field is required" in response.text


def test_revoked_tokens_stop_working_and_others_cannot_revoke(client, make_user):
    user, other = make_user("tess"), make_user("olaf")
    token, raw = ApiToken.issue(user, "laptop")
    client.force_login(other)
    assert client.post(reverse("api_token_revoke", args=[token.pk])).status_code == 404
    assert Client().get("/api/groups", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    client.force_login(user)
    assert client.get(reverse("api_token_revoke", args=[token.pk])).status_code == 405
    assert client.post(reverse("api_token_revoke", args=[token.pk])).status_code == 302
    assert Client().get("/api/groups", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


@pytest.mark.parametrize("header", ["Bearer nonsense", "Bearer ", "Basic dXNlcjpwYXNz", "Token abc"])
def test_bad_credentials_answer_401_even_where_anonymous_may_read(db, header):
    assert Client().get("/api/documents", headers={"Authorization": header}).status_code == 401


def test_session_reads_and_writes_with_csrf(document, make_user):
    user = make_user("sam")
    paragraph = document.paragraphs.get(anchor="p2")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    assert browser.get("/api/groups").status_code == 200
    payload = '{"paragraph": %d, "body": "from the page"}' % paragraph.pk
    # No CSRF token: refused, nothing created.
    assert browser.post("/api/annotations", payload, content_type="application/json").status_code == 403
    assert not Annotation.objects.exists()
    browser.cookies["csrftoken"] = "x" * 32
    response = browser.post("/api/annotations", payload, content_type="application/json",
                            headers={"X-CSRFToken": "x" * 32})
    assert response.status_code == 201
    # A bearer token needs no CSRF token (a browser never sends one by itself).
    api = ApiClient(user)
    api.client = Client(enforce_csrf_checks=True)
    assert api.post("/api/annotations", {"paragraph": paragraph.pk, "body": "from a script"}).status_code == 201


def test_anonymous_writes_answer_401(document):
    paragraph = document.paragraphs.get(anchor="p2")
    assert Client().post("/api/annotations", {"paragraph": paragraph.pk, "body": "x"},
                         content_type="application/json").status_code == 401


def test_docs_and_schema_are_served(db):
    assert Client().get("/api/openapi.json").json()["info"]["title"] == "Marginalia API"
    assert Client().get("/api/docs").status_code == 200


def test_the_schema_is_built_once_and_served_the_same_each_time(db):
    first, again = Client().get("/api/openapi.json").json(), Client().get("/api/openapi.json").json()
    assert first == again and "/api/annotations" in first["paths"]
    assert api.get_openapi_schema(path_prefix="/api/") is api.get_openapi_schema(path_prefix="/api/")
