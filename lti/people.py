"""LMS people and courses as Marginalia's: a person per LMS user (found by issuer and subject,
through django-lti's LtiUser), a study group per course, and a membership whose role is the
LMS role. The launch and the roster sync both come through here.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.text import slugify
from lti_tool.lti_core.constants import ContextRole
from lti_tool.lti_core.utils import normalize_role
from lti_tool.models import LtiUser

from groups import memberships
from groups.models import Membership, Role, StudyGroup
from groups.roles import forget_roles

TEACHING_ASSISTANT = "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"


def role_for(lms_roles) -> str:
    """Instructor (or course administrator) → instructor, teaching assistant → moderator,
    anyone else (learner, mentor, observer) → member. A TA is usually also sent as an
    instructor; the narrower role wins."""
    roles = {normalize_role(role) for role in lms_roles}
    if TEACHING_ASSISTANT in roles:
        return Role.MODERATOR
    if roles & {ContextRole.INSTRUCTOR.value, ContextRole.ADMINISTRATOR.value}:
        return Role.INSTRUCTOR
    return Role.MEMBER


def _free_username(lti_user) -> str:
    """A readable username (it is shown in addresses): the e-mail's local part or the name,
    numbered if taken. Never the LMS's opaque subject."""
    User = get_user_model()
    base = slugify(lti_user.email.split("@")[0] if lti_user.email else lti_user.name)[:40] or "reader"
    candidate, number = base, 1
    while User.objects.filter(username=candidate).exists():
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def _display_name(lti_user) -> str:
    return (lti_user.name or " ".join(filter(None, [lti_user.given_name, lti_user.family_name])))[:80]


@transaction.atomic
def person_for(lti_user):
    """The Marginalia account of an LMS user, made on first sight (no password: they come in
    through the LMS), with its e-mail and name kept as the LMS last said. The LMS user's row is
    locked first: a double click, or a launch during a roster sync, must not make two accounts."""
    lti_user = LtiUser.objects.select_for_update(of=("self",)).select_related("auth_user").get(pk=lti_user.pk)
    user = lti_user.auth_user
    if user is None:
        user = get_user_model()(username=_free_username(lti_user))
        user.set_unusable_password()
        lti_user.auth_user = user
    changed = user.pk is None
    for field, value in (("email", lti_user.email), ("display_name", _display_name(lti_user))):
        if value and getattr(user, field) != value:
            setattr(user, field, value)
            changed = True
    if changed:
        user.save()
        if lti_user.auth_user_id != user.pk:
            lti_user.auth_user = user
            lti_user.save(update_fields=["auth_user", "datetime_modified"])
    return user


def new_course_group(context) -> StudyGroup:
    """A study group for a course seen for the first time, named after it. Its instructors
    join it as their launches (or the roster) bring them."""
    name = (context.title or context.label or "Course")[:120]
    return StudyGroup.objects.create(name=name, description="")


@transaction.atomic
def ensure_membership(group, user, role) -> Membership:
    """The person is in the group with the LMS's role. A change that would leave the group
    without an instructor is not made (the LMS's next word will settle it)."""
    membership = Membership.objects.filter(group=group, user=user).first()
    if membership is None:
        membership = Membership.objects.create(group=group, user=user, role=role)
        forget_roles(user)
    elif membership.role != role:
        try:
            memberships.change_role(membership, role)
        except memberships.LastInstructorError:
            pass
    return membership


def drop_membership(group, user) -> bool:
    """Someone left the course: they leave the group (and its private notes). The group's last
    instructor stays until another is named."""
    membership = Membership.objects.filter(group=group, user=user).select_related("user").first()
    if membership is None:
        return False
    try:
        memberships.remove_member(membership)
    except memberships.LastInstructorError:
        return False
    return True
