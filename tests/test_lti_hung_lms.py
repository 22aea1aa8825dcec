"""An LMS that accepts the connection and never answers: the roster sync gives up after the
timeout and says so on the course, instead of holding the worker (and a launch) forever."""

import socket

import pytest
from lti_tool.models import Key, LtiContext, LtiDeployment, LtiRegistration

from groups.models import StudyGroup
from lti import http, roster
from lti.models import CourseLink


@pytest.fixture
def silent_lms():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    server.close()


@pytest.mark.django_db
def test_a_hung_lms_is_a_recorded_failure_not_a_hang(silent_lms, monkeypatch):
    monkeypatch.setattr(http, "LMS_TIMEOUT_SECONDS", 0.5)
    Key.objects.generate()
    registration = LtiRegistration.objects.create(
        name="Slow LMS", issuer="https://slow.example.edu", client_id="c", auth_url=f"{silent_lms}/auth",
        token_url=f"{silent_lms}/token", keyset_url=f"{silent_lms}/jwks",
    )
    deployment = LtiDeployment.objects.create(registration=registration, deployment_id="d", is_active=True)
    context = LtiContext.objects.create(
        deployment=deployment, id_on_platform="slow", title="Slow course", memberships_url=f"{silent_lms}/members",
    )
    course = CourseLink.objects.create(context=context, group=StudyGroup.objects.create(name="Slow course"))
    outcome = roster.sync_roster(course)
    assert "timed out" in outcome.error
    assert "timed out" in CourseLink.objects.get().roster_error
