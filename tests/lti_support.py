"""The LTI tests' cast: the test LMS (tests/lti_platform.py) registered with the tool, its
people, and a launch made as a browser makes it (the test client, which keeps cookies)."""

import pytest
from lti_tool.models import Key, LtiDeployment, LtiRegistration

from tests import lti_platform
from tests.lti_platform import INSTRUCTOR, LEARNER, TEACHING_ASSISTANT, Person, launch_form, path_of

ADA = Person("lms-user-ada", "Ada Lovelace", "ada@uni.example.edu", [INSTRUCTOR])
TOM = Person("lms-user-tom", "Tom Assistant", "tom@uni.example.edu", [INSTRUCTOR, TEACHING_ASSISTANT])
LEA = Person("lms-user-lea", "Lea Learner", "lea@uni.example.edu", [LEARNER])
SAM = Person("lms-user-sam", "Sam Student", "sam@uni.example.edu", [LEARNER])


@pytest.fixture
def lms(live_server, settings):
    """The test LMS, registered with the tool (one active deployment) and served beside it."""
    settings.ROOT_URLCONF = "tests.lti_urls"
    platform = lti_platform.Platform(live_server.url)
    lti_platform.current = platform
    registration = LtiRegistration.objects.create(
        name="Test LMS", issuer=platform.issuer, client_id=platform.client_id,
        auth_url=platform.url("auth/"), token_url=platform.url("token/"), keyset_url=platform.url("jwks/"),
    )
    LtiDeployment.objects.create(registration=registration, deployment_id=platform.deployment_id, is_active=True)
    Key.objects.generate()
    yield platform
    lti_platform.current = None


def start_launch(client, platform, person, course=None, **launch):
    """Login initiation and the platform's authorization, as the browser follows them: the
    launch form the LMS's page would post (its action and fields)."""
    response = client.get(path_of(platform.login_url(person, course, **launch)) + "&cookies=ok")
    assert response.status_code == 302, response.content.decode()[:2000]
    response = client.get(path_of(response["Location"]))
    assert response.status_code == 200
    return launch_form(response.content.decode())


def launch(client, platform, person, course=None, follow=True, **launch):
    action, fields = start_launch(client, platform, person, course, **launch)
    return client.post(path_of(action), fields, follow=follow)
