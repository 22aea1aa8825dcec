"""Names and Role Provisioning: the LMS's list of a course's people, made the group's.

Everyone active in the course gets an account and a membership with their LMS role (so the
dashboard knows students who have never launched); anyone the LMS no longer lists as active
leaves the group, and with it the group's private notes. A failure is recorded on the course,
shown on its page and tried again at the next launch or sync.
"""

import logging
from dataclasses import dataclass, field

import requests
from django.db import transaction
from django.utils import timezone
from lti_tool.models import LtiMembership
from pylti1p3.exception import LtiException
from pylti1p3.names_roles import NamesRolesProvisioningService
from pylti1p3.service_connector import ServiceConnector

from lti.http import LmsSession
from lti.models import CourseLink
from lti.people import drop_membership, ensure_membership, person_for, role_for

log = logging.getLogger(__name__)


@dataclass
class RosterOutcome:
    added: list = field(default_factory=list)
    dropped: list = field(default_factory=list)
    error: str = ""


def fetch_members(context) -> list[dict]:
    """Every member of the course, through pylti1p3 (following the LMS's next-page links)."""
    registration = context.deployment.registration.to_registration()
    service = NamesRolesProvisioningService(
        ServiceConnector(registration, requests_session=LmsSession()),
        {"context_memberships_url": context.memberships_url},
    )
    return service.get_members()


def sync_roster(course: CourseLink, fetch=fetch_members) -> RosterOutcome:
    """Fetch the course's members (through pylti1p3, `fetch` for other transports) and apply them."""
    context = course.context
    if not context.memberships_url:
        return _failed(course, "The LMS has not offered this course's roster (Names and Role Provisioning is off).")
    try:
        members = fetch(context)
    except (LtiException, requests.RequestException, ValueError, KeyError) as error:
        log.warning("Roster of %s could not be fetched: %s", context, error)
        return _failed(course, f"The LMS did not send the roster: {error}")
    return _apply(course, members)


def _failed(course, error) -> RosterOutcome:
    CourseLink.objects.filter(pk=course.pk).update(roster_error=error[:2000])
    course.roster_error = error
    return RosterOutcome(error=error)


@transaction.atomic
def _apply(course: CourseLink, members: list[dict]) -> RosterOutcome:
    context, group = course.context, course.group
    outcome = RosterOutcome()
    members = [{"status": "Active", **member} for member in members]  # NRPS: no status means Active
    context.update_memberships(members)  # django-lti: its LtiUser and LtiMembership rows
    listed = {member["user_id"] for member in members}
    LtiMembership.objects.filter(context=context, is_active=True).exclude(user__sub__in=listed).update(
        is_active=False
    )
    active_roles = {m["user_id"]: m.get("roles", []) for m in members if m["status"] == "Active"}
    for membership in LtiMembership.objects.filter(context=context).select_related("user__auth_user"):
        lti_user = membership.user
        if membership.is_active and lti_user.sub in active_roles:
            user = person_for(lti_user)
            is_new = not group.memberships.filter(user=user).exists()
            ensure_membership(group, user, role_for(active_roles[lti_user.sub]))
            if is_new:
                outcome.added.append(user)
        elif lti_user.auth_user is not None and drop_membership(group, lti_user.auth_user):
            outcome.dropped.append(lti_user.auth_user)
    course.roster_synced_at, course.roster_error = timezone.now(), ""
    course.save(update_fields=["roster_synced_at", "roster_error"])
    return outcome
