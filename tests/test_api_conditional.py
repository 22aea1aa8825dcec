"""The API's HTTP edges: 401 with a challenge, conditional reads and writes, empty
Idempotency-Key, and the author filter by display name."""

import json

from django.test import Client

from annotations.models import Annotation
from tests.api_support import ApiClient, api_as, world  # noqa: F401


def test_an_unauthenticated_write_is_told_to_authenticate(world):
    response = Client().post(
        "/api/annotations", json.dumps({"paragraph": world.p["p2"].pk, "body": "x"}), content_type="application/json"
    )
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    wrong = ApiClient().post("/api/annotations", {"paragraph": world.p["p2"].pk}, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and wrong["WWW-Authenticate"].startswith("Bearer")


def test_a_signed_in_session_still_needs_the_csrf_token(world):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.cast["member"])
    response = browser.post("/api/annotations", json.dumps({"paragraph": world.p["p2"].pk, "body": "x"}),
                            content_type="application/json")
    assert response.status_code == 403


def test_if_none_match_with_the_current_etag_answers_304(api_as, world):
    api = api_as("member")
    first = api.get(f"/api/annotations/{world.public.pk}")
    etag = first["ETag"]
    again = api.get(f"/api/annotations/{world.public.pk}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    listing = api.get("/api/documents")
    assert api.get("/api/documents", headers={"If-None-Match": listing["ETag"]}).status_code == 304
    api.patch(f"/api/annotations/{world.public.pk}", {"body": "Changed"})
    assert api.get(f"/api/annotations/{world.public.pk}", headers={"If-None-Match": etag}).status_code == 200


def test_writes_honour_if_match_and_without_it_the_last_writer_wins(api_as, world):
    api = api_as("member")
    url = f"/api/annotations/{world.public.pk}"
    etag = api.get(url)["ETag"]
    assert api.patch(url, {"body": "First"}).status_code == 200  # no If-Match: applied
    assert api.patch(url, {"body": "Stale"}, headers={"If-Match": etag}).status_code == 412
    assert api.put(url, {"body": "Stale"}, headers={"If-Match": etag}).status_code == 412
    assert api.delete(url, headers={"If-Match": etag}).status_code == 412
    assert Annotation.objects.get(pk=world.public.pk).body == "First"


def test_an_empty_idempotency_key_counts_as_none(api_as, world):
    api = api_as("member")
    data = {"paragraph": world.p["p2"].pk, "body": "Twice on purpose", "visibility": "private"}
    assert api.post("/api/annotations", data, headers={"Idempotency-Key": ""}).status_code == 201
    assert api.post("/api/annotations", data, headers={"Idempotency-Key": ""}).status_code == 201
    assert Annotation.objects.filter(body="Twice on purpose").count() == 2


def test_the_author_filter_takes_a_display_name(api_as, world, client):
    member = world.cast["member"]
    member.display_name = "Mia Rossi"
    member.save()
    bodies = {a["body"] for a in api_as("outsider").get("/api/annotations", author="Mia Rossi").json()["items"]}
    assert bodies == {"Public note on policy"}
    client.force_login(world.cast["outsider"])
    assert "Public note on policy" in client.get("/search/", {"author": "mia rossi"}).content.decode()
