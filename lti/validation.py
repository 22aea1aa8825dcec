"""Checking a launch, through pylti1p3 (signature, expiry, state, nonce, audience, deployment,
message claims) with django-lti's registrations, plus two rules the libraries leave open:

- a deployment must be registered and active: django-lti would create an unknown one on the
  spot, so a stranger's launch would leave rows behind;
- a nonce is good once: pylti1p3 only asks that it was issued, so the same id_token posted
  again would be accepted.

Every refusal is a LaunchRefused whose message a person can act on.
"""

from lti_tool.models import LtiDeployment
from lti_tool.utils import DjangoToolConfig
from pylti1p3.deployment import Deployment
from pylti1p3.contrib.django import DjangoCacheDataStorage, DjangoMessageLaunch, DjangoOIDCLogin
from pylti1p3.exception import LtiException, OIDCException

from lti.http import LmsSession

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"


class LaunchRefused(Exception):
    def __init__(self, title: str, advice: str, detail: str = ""):
        super().__init__(title)
        self.title, self.advice, self.detail = title, advice, detail


class ToolConfig(DjangoToolConfig):
    """django-lti's configuration, refusing deployments an administrator has not registered."""

    def find_deployment_by_params(self, iss, deployment_id, client_id, *args, **kwargs):
        self.deployment = (
            LtiDeployment.objects.active()
            .filter(
                registration__issuer=iss,
                registration__client_id=client_id,
                registration__is_active=True,
                deployment_id=deployment_id,
            )
            .select_related("registration")
            .first()
        )
        return None if self.deployment is None else Deployment().set_deployment_id(deployment_id)


class OnceOnlyNonces(DjangoCacheDataStorage):
    """The launch cache, where checking a nonce also spends it (the cache's delete answers
    whether the key was there, so of two posts of one token only one finds it)."""

    def check_value(self, key: str) -> bool:
        return bool(self._get_cache().delete(self._prepare_key(key)))


def oidc_login(request) -> DjangoOIDCLogin:
    return DjangoOIDCLogin(request, ToolConfig(), launch_data_storage=OnceOnlyNonces())


def validated_launch(request) -> DjangoMessageLaunch:
    """The launch posted to us, checked; LaunchRefused otherwise. Writes nothing but the cache."""
    launch = DjangoMessageLaunch(
        request, ToolConfig(), launch_data_storage=OnceOnlyNonces(), requests_session=LmsSession()
    )
    try:
        launch.validate()
    except (LtiException, OIDCException) as error:
        raise refusal_for(str(error)) from error
    body = launch.get_launch_data()
    if not launch.is_data_privacy_launch() and not (body.get(CLAIM + "context") or {}).get("id"):
        raise LaunchRefused(
            "The LMS did not say which course this is",
            "Marginalia opens a course's reading group, so it needs the course (the context claim). "
            "Ask your LMS administrator to send it for this tool.",
            "context claim missing",
        )
    return launch


def restored_launch(request, launch_id: str) -> DjangoMessageLaunch:
    """A launch validated earlier in this session (deep linking answers from it)."""
    try:
        return DjangoMessageLaunch.from_cache(launch_id, request, ToolConfig(), launch_data_storage=OnceOnlyNonces())
    except LtiException as error:
        raise LaunchRefused(
            "This LMS session has ended",
            "Open Marginalia again from your course.",
            str(error),
        ) from error


# pylti1p3's messages, matched by their start, and what they mean to the person launching.
_REASONS = [
    (("Can't decode id_token: Signature has expired",), "This launch has expired",
     "Launches are good for a few minutes. Go back to your course and open the link again."),
    (("Can't decode id_token",), "The launch's signature could not be checked",
     "It was not signed by the LMS registered with Marginalia. Ask your LMS administrator to check the registration."),
    (("State not found", "Missing state param", "Invalid Nonce", '"nonce" is empty'),
     "This launch was already used, or did not start here",
     "Each launch works once. Go back to your course and open the link again. If your browser blocks cookies "
     "for sites inside the LMS, open Marginalia in a new window."),
    (("Registration not found", "Client id not registered", '"iss" is empty', "Could not find registration",
      "Could not find issuer"),
     "This LMS is not registered with Marginalia",
     "The launch came from an LMS or client id Marginalia does not know (or for another tool). "
     "Ask your LMS administrator to register it."),
    (("Unable to find deployment", "deployment_id is not set"), "This LMS deployment is not registered",
     "Marginalia knows this LMS but not this deployment of the tool. An administrator must add its deployment id."),
    (("Must have a user", "Missing Roles Claim", "Missing Resource Link Id", "Incorrect version",
      "Invalid message type", "Unrecognized message type", "Message validation failed", "Missing id_token",
      "Invalid id_token", "Invalid JWT format", "Could not find login hint", "Grade services must",
      "A LtiSubmissionReviewRequest", "For user claim", "Unable to find public key", "JWT KID"),
     "The LMS sent an incomplete launch",
     "Something Marginalia needs (who you are, your role, the link or the course) was missing. "
     "Ask your LMS administrator to check the tool's settings."),
]


def refusal_for(message: str) -> LaunchRefused:
    for starts, title, advice in _REASONS:
        if message.startswith(starts):
            return LaunchRefused(title, advice, message)
    return LaunchRefused(
        "The launch could not be checked",
        "Go back to your course and open the link again; if it happens again, tell your LMS administrator.",
        message,
    )
