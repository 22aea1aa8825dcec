"""Write rate limits (429 + Retry-After, kept in the database) and the body size limit (413)."""

from annotations.models import Annotation
from api.models import RateCounter
from tests.api_support import api_as, world  # noqa: F401


def test_writes_over_the_rate_answer_429_with_retry_after(api_as, world, settings):
    settings.API_WRITE_RATE = "3/hour"
    member = api_as("member")
    payload = {"paragraph": world.p["p2"].pk, "body": "n"}
    for _ in range(3):
        assert member.post("/api/annotations", payload).status_code == 201
    response = member.post("/api/annotations", payload)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 3600
    assert Annotation.objects.filter(body="n").count() == 3
    # Reads are not limited, and the count lives in the database (shared by every process).
    assert member.get("/api/annotations").status_code == 200
    assert RateCounter.objects.get(user=world.cast["member"]).count == 4
    # Another person has their own budget.
    assert api_as("instructor").post("/api/annotations", payload).status_code == 201


def test_oversized_bodies_answer_413_before_anything_happens(api_as, world, settings):
    settings.API_MAX_BODY_BYTES = 1000
    member = api_as("member")
    response = member.post("/api/annotations", {"paragraph": world.p["p2"].pk, "body": "x" * 2000})
    assert response.status_code == 413
    assert not Annotation.objects.filter(body__startswith="xxx").exists()
    assert not RateCounter.objects.exists()  # refused before counting as a write
    assert member.post("/api/annotations", {"paragraph": world.p["p2"].pk, "body": "x" * 500}).status_code == 201


def test_long_fields_get_field_errors(api_as, world):
    response = api_as("member").post("/api/annotations", {"paragraph": world.p["p2"].pk, "tags": ["t" * 101]})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-2:] == ["tags", 0]
