"""Registering an LMS (command or admin), the tool's published keys and their rotation."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from lti_tool.models import Key, LtiDeployment, LtiRegistration

pytestmark = pytest.mark.django_db

CANVAS = [
    "--name", "University Canvas", "--issuer", "https://canvas.instructure.com", "--client-id", "10000000000001",
    "--deployment-id", "1:abc", "--deployment-id", "2:def",
    "--auth-url", "https://sso.canvaslms.com/api/lti/authorize_redirect",
    "--token-url", "https://sso.canvaslms.com/login/oauth2/token",
    "--jwks-url", "https://sso.canvaslms.com/api/lti/security/jwks",
]


def test_the_command_registers_the_platform_and_prints_what_to_paste(settings):
    settings.SITE_URL = "https://marginalia.example.org"
    out = StringIO()
    call_command("lti_register_platform", *CANVAS, stdout=out)
    registration = LtiRegistration.objects.get()
    assert (registration.issuer, registration.client_id, registration.keyset_url, registration.is_active) == (
        "https://canvas.instructure.com", "10000000000001", "https://sso.canvaslms.com/api/lti/security/jwks", True,
    )
    assert sorted(LtiDeployment.objects.filter(is_active=True).values_list("deployment_id", flat=True)) == [
        "1:abc", "2:def",
    ]
    assert Key.objects.active().count() == 1  # the tool's first signing key
    printed = out.getvalue()
    for line in ("Login initiation URL: https://marginalia.example.org/lti/login/",
                 "Launch / redirect URL: https://marginalia.example.org/lti/launch/",
                 "Deep linking URL: https://marginalia.example.org/lti/launch/",
                 "JWKS URL: https://marginalia.example.org/lti/jwks/"):
        assert line in printed


def test_running_it_again_updates_rather_than_duplicates():
    call_command("lti_register_platform", *CANVAS, stdout=StringIO())
    changed = [*CANVAS[:-2], "--jwks-url", "https://sso.canvaslms.com/api/lti/security/jwks2"]
    call_command("lti_register_platform", *changed, stdout=StringIO())
    assert LtiRegistration.objects.get().keyset_url.endswith("jwks2")
    assert LtiDeployment.objects.count() == 2 and Key.objects.count() == 1


def test_the_jwks_publishes_active_keys_and_rotation_retires_old_ones(client):
    old = Key.objects.generate()
    Key.objects.filter(pk=old.pk).update(datetime_created=timezone.now() - timedelta(days=8))
    assert [k["kid"] for k in client.get("/lti/jwks/").json()["keys"]] == [str(old)]
    call_command("rotate_keys", stdout=StringIO())
    new = Key.objects.latest()
    keys = client.get("/lti/jwks/").json()["keys"]
    assert [k["kid"] for k in keys] == [str(new)]
    assert {(k["alg"], k["use"], k["kty"]) for k in keys} == {("RS256", "sig", "RSA")}


def test_an_administrator_registers_a_platform_in_the_admin(client, make_user):
    client.force_login(make_user("root", is_superuser=True, is_staff=True))
    page = client.get("/admin/lti_tool/ltiregistration/add/")
    assert page.status_code == 200
    html = page.content.decode()
    for label in ("Issuer", "Client ID", "Auth URL", "Access token URL", "Keyset URL", "Deployment ID"):
        assert label in html
