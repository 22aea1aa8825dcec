"""The API against its own OpenAPI schema: generated requests (a bounded number per operation)
on a database with data find no 500, no undocumented status and no response off the schema."""

import json

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from api.api import api
from api.models import ApiToken
from api.schemas import MAX_ID
from tests.api_support import world  # noqa: F401

CHECKS = [
    not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
    negative_data_rejection,
]

# The schema is the one /api/openapi.json serves (test_served_schema_is_the_tested_one checks
# it). It is built from the API object because schemathesis' fixture-based loader does not
# work with this pytest; building it needs no request and no database at import time.
SCHEMA = api.get_openapi_schema(path_prefix="/api/")
# Schemathesis' default answers to invalid data, plus 413: a body over the size limit is
# refused before it is parsed.
REJECTIONS = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429", "5xx"]
CONFIG = SchemathesisConfig.from_dict({"checks": {"negative_data_rejection": {"expected-statuses": REJECTIONS}}})
schema = schemathesis.openapi.from_dict(SCHEMA, config=CONFIG)
schema.app = WSGIHandler()


def test_served_schema_is_the_tested_one(db):
    served = Client().get("/api/openapi.json").json()
    assert served == json.loads(json.dumps(SCHEMA))
    assert len(served["paths"]) == 10


@pytest.fixture
def member_token(world, settings):
    settings.API_WRITE_RATE = "1000000/min"  # the generator writes a lot; limits have their own tests
    # Requests run inside the test's transaction, so (as Django's test client does) the
    # handler must not close the connection at the end of each request.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield ApiToken.issue(world.cast["member"], "schemathesis")[1]
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=25, deadline=None, database=None, derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case, member_token, world):
    aim_at_existing_annotations(case, world)
    # identity: the WSGI transport hands back the body as sent, and responses are gzipped for
    # whoever accepts it (CompressPagesMiddleware), as schemathesis' default headers say it does.
    headers = {"Authorization": f"Bearer {member_token}", "Accept-Encoding": "identity"}
    case.call_and_validate(headers=headers, checks=CHECKS)


def aim_at_existing_annotations(case, world):
    """Random ids almost never name a row, so writes would only ever meet 404. Most valid ids
    are turned into the world's annotations and paragraphs (every fifth is left alone, to keep
    404s), so generated bodies reach PATCH, PUT, DELETE and replies on real rows."""
    annotations = [a.pk for a in (world.public, world.group_note, world.private, world.other_note, world.hidden,
                                  world.reply, world.deleted)]
    paragraphs = [p.pk for p in world.p.values()]

    def aim(value, ids):
        # Only ids the schema allows: an out-of-range one must stay out of range (negative data).
        if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID and value % 5:
            return ids[value % len(ids)]
        return value

    if case.path_parameters and "annotation_id" in case.path_parameters:
        case.path_parameters["annotation_id"] = aim(case.path_parameters["annotation_id"], annotations)
    if isinstance(case.body, dict) and "paragraph" in case.body:
        case.body["paragraph"] = aim(case.body["paragraph"], paragraphs)
