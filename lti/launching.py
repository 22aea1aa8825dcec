"""What a checked launch does: django-lti records the LMS's view (deployment, user, course,
membership, resource link), then the person, the course's study group and their role are made
to match, and the launch's link finds its assignment. All in one transaction: a launch that
fails half-way leaves nothing.
"""

from dataclasses import dataclass

from django.db import transaction
from lti_tool.models import LtiContext, LtiLaunch
from lti_tool.utils import sync_data_from_launch

from access.policy import document_group
from courses.models import Assignment
from courses.terms import ASSIGNMENT_FIELDS_NOT_CARRIED, latest_copy_of
from discussions.models import Guide
from groups.models import StudyGroup
from lti.models import CourseLink, LinkedAssignment
from lti.people import ensure_membership, new_course_group, person_for, role_for
from versions import following

AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
CLAIM_CONTEXT = "https://purl.imsglobal.org/spec/lti/claim/context"
CLAIM_FOR_USER = "https://purl.imsglobal.org/spec/lti/claim/for_user"
CLAIM_DEEP_LINKING = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
# The course's earlier ids, newest first, when the tool's custom parameters ask the LMS for
# them: context_id_history=$Context.id.history (README, "Course copy").
HISTORY_PARAMETER = "context_id_history"


@dataclass
class Arrival:
    launch: LtiLaunch
    user: object
    course: CourseLink
    role: str

    @property
    def group(self) -> StudyGroup:
        return self.course.group


def _history(lti_launch) -> list[str]:
    value = lti_launch.get_custom_claim(HISTORY_PARAMETER) or ""
    return [part.strip() for part in str(value).split(",") if part.strip() and not part.strip().startswith("$")]


def course_for(lti_launch) -> CourseLink:
    """The study group of the launch's course. A course seen for the first time that the LMS says
    was copied from a course we know goes to that course's group's newest term copy, never to
    the old group itself; otherwise it gets a new group, named after the course."""
    context: LtiContext = lti_launch.context
    # A class opening a new course at once queues here, so the course gets one group.
    LtiContext.objects.select_for_update().filter(pk=context.pk).first()
    course = CourseLink.objects.select_related("group").filter(context=context).first()
    if course is not None:
        return course
    group = None
    history = _history(lti_launch)
    if history:
        earlier = {
            link.context.id_on_platform: link
            for link in CourseLink.objects.select_related("group", "context").filter(
                context__deployment__registration=context.deployment.registration,
                context__id_on_platform__in=history,
            )
        }
        for context_id in history:  # the most recent earlier course first
            if context_id in earlier:
                group = latest_copy_of(earlier[context_id].group)
                break
    return CourseLink.objects.create(context=context, group=group or new_course_group(context))


@transaction.atomic
def arrive(message_launch) -> Arrival:
    lti_launch = LtiLaunch(message_launch)
    sync_data_from_launch(lti_launch)
    user = person_for(lti_launch.user)
    course = course_for(lti_launch)
    role = role_for(lti_launch.roles_claim or [])
    ensure_membership(course.group, user, role)
    return Arrival(launch=lti_launch, user=user, course=course, role=role)


def _carried_into(assignment: Assignment, group: StudyGroup, user) -> Assignment | None:
    """Last term's assignment as this term's group's own (a copied course's links still name the
    old one): the term copy's assignment of that title, or else a new one on the paper's current
    version with the same rubric and points (as a term copy makes it); None if the new group may
    not read that paper."""
    same_title = Assignment.objects.filter(group=group, title=assignment.title).order_by("pk")
    existing = same_title.filter(document=assignment.document).first() or same_title.first()
    if existing is not None:
        return existing
    document = following.current_document(assignment.document)
    if document_group(document) not in (None, group):
        return None
    values = {
        field.attname: getattr(assignment, field.attname)
        for field in Assignment._meta.concrete_fields
        if field.name not in ASSIGNMENT_FIELDS_NOT_CARRIED | {"document", "created_by"}
    }
    guide = Guide.objects.filter(group=group, document=document).first() if assignment.guide_id else None
    return Assignment.objects.create(**values, group=group, document=document, guide=guide, created_by=user)


@transaction.atomic
def assignment_of(arrival: Arrival) -> Assignment | None:
    """The assignment a resource link launch is for (deep linking put its id in the link's
    custom parameters), tied to this link and its gradebook column on first sight."""
    lti_launch = arrival.launch
    wanted = str(lti_launch.get_custom_claim("assignment") or "")
    if not wanted.isdigit():
        return None
    resource_link = lti_launch.resource_link
    linked = LinkedAssignment.objects.select_related("assignment").filter(resource_link=resource_link).first()
    if linked is None:
        assignment = Assignment.objects.filter(pk=int(wanted)).select_related("document").first()
        if assignment is None:
            return None
        if assignment.group_id != arrival.group.pk:
            # Only a copied course's own links carry last term's assignment over; a link naming
            # some other group's assignment opens nothing of it.
            earlier = CourseLink.objects.filter(
                group_id=assignment.group_id,
                context__deployment__registration=lti_launch.registration,
                context__id_on_platform__in=_history(lti_launch),
            )
            if not earlier.exists():
                return None
            assignment = _carried_into(assignment, arrival.group, arrival.user)
            if assignment is None:
                return None
        linked = LinkedAssignment.objects.filter(assignment=assignment).first() or LinkedAssignment(
            assignment=assignment, context=lti_launch.context
        )
        linked.resource_link = resource_link
    lineitem = (lti_launch.ags_claim or {}).get("lineitem", "")
    if lineitem and linked.lineitem_url != lineitem:
        linked.lineitem_url = lineitem
    linked.save()
    return linked.assignment
