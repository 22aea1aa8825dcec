"""Register an LMS (or update its registration) and print what to paste into it."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import reverse
from lti_tool.models import Key, LtiDeployment, LtiRegistration


class Command(BaseCommand):
    help = "Register an LTI 1.3 platform (issuer, client id, deployment ids, its URLs) and print the tool's URLs."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="How the admin lists it, e.g. 'University Canvas'")
        parser.add_argument("--issuer", required=True)
        parser.add_argument("--client-id", required=True)
        parser.add_argument("--deployment-id", action="append", default=[], dest="deployment_ids",
                            help="Repeat for each deployment the LMS gives the tool")
        parser.add_argument("--auth-url", required=True, help="The platform's OIDC authorization endpoint")
        parser.add_argument("--token-url", required=True, help="The platform's OAuth2 access token endpoint")
        parser.add_argument("--jwks-url", required=True, help="The platform's public keyset URL")
        parser.add_argument("--audience", default="", help="The token endpoint's audience, if it is not the token URL")

    @transaction.atomic
    def handle(self, *args, **options):
        registration, created = LtiRegistration.objects.update_or_create(
            issuer=options["issuer"], client_id=options["client_id"],
            defaults={
                "name": options["name"], "auth_url": options["auth_url"], "token_url": options["token_url"],
                "keyset_url": options["jwks_url"], "audience": options["audience"], "is_active": True,
            },
        )
        for deployment_id in options["deployment_ids"]:
            LtiDeployment.objects.update_or_create(
                registration=registration, deployment_id=deployment_id, defaults={"is_active": True}
            )
        if not Key.objects.active().exists():
            Key.objects.generate()  # the tool signs its messages and service requests with it
        verb = "Registered" if created else "Updated"
        deployments = registration.deployments.count()
        self.stdout.write(self.style.SUCCESS(f"{verb} {registration} with {deployments} deployment(s)."))
        for label, name in (("Login initiation URL", "lti_login"), ("Launch / redirect URL", "lti_launch"),
                            ("Deep linking URL", "lti_launch"), ("JWKS URL", "lti_jwks")):
            self.stdout.write(f"{label}: {settings.SITE_URL}{reverse(name)}")
