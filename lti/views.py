"""The LMS's way in: OIDC login initiation, the launch, the pages a launch opens, deep linking,
and the course's LMS page with its roster and score buttons.

The checking is pylti1p3's (lti/validation.py), what a launch changes is lti/launching.py,
rosters lti/roster.py, scores lti/grades.py; these views only route between them.
"""

import hashlib
import logging
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from lti_tool.models import Key, LtiUser
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.exception import LtiException, OIDCException
from pylti1p3.lineitem import LineItem

from access.policy import get_group_for, has_permission
from courses.models import Assignment
from groups.models import Role
from lti import grades, launching, roster
from lti.forms import DeepLinkForm
from lti.framing import allow_framing_by, framable_by_any_lms, origin_of
from lti.models import CourseLink, LinkedAssignment, ScoreSend
from lti.validation import LaunchRefused, oidc_login, restored_launch, validated_launch

log = logging.getLogger(__name__)
BACKEND = "django.contrib.auth.backends.ModelBackend"
LAUNCH_ID = "lti_launch_id"
HANDOFF_SALT = "lti.handoff"
HANDOFF_SECONDS = 300
ROSTER_FRESH_SECONDS = 3600  # a launch re-reads the roster at most this often


def refused(request, refusal: LaunchRefused, status=400):
    # The libraries' own words are for the administrator's log, not the page.
    log.warning("LTI launch refused: %s (%s)", refusal.title, refusal.detail or "no detail")
    return render(request, "lti/refused.html", {"refusal": refusal}, status=status)


@csrf_exempt  # the LMS posts here from its own site; pylti1p3's checks are the proof
@framable_by_any_lms
@require_http_methods(["GET", "POST"])
def login_initiation(request):
    params = request.POST if request.method == "POST" else request.GET
    if not params.get("iss") or not params.get("login_hint"):
        return refused(request, LaunchRefused(
            "This address is for your LMS",
            "Marginalia opens from a link in your course. Go to your course and open it there.",
        ))
    if params.get("cookies") != "ok":
        # Inside the LMS's frame a browser may refuse us cookies; find out before the launch
        # (static/js/lti.js) and offer a new window if so.
        query = urlencode({**params.dict(), "cookies": "ok"})
        return render(request, "lti/cookie_check.html", {"continue_url": f"{request.path}?{query}"})
    if not Key.objects.active().exists():
        return refused(request, LaunchRefused(  # the README's first step (rotate_keys) was skipped
            "Marginalia is not ready for LMS launches yet",
            "Tell the site's administrator: Marginalia has no key to sign its LMS messages with yet.",
        ))
    try:
        return oidc_login(request).redirect(request.build_absolute_uri(reverse("lti_launch")))
    except (LtiException, OIDCException) as error:
        return refused(request, LaunchRefused(
            "This LMS is not registered with Marginalia",
            "Ask your LMS administrator to register it (issuer, client id and deployment).",
            str(error),
        ))


@csrf_exempt  # posted by the LMS's own page; the signed id_token, state and nonce are the proof
@framable_by_any_lms
@require_POST
def launch(request):
    try:
        message_launch = validated_launch(request)
        if message_launch.is_deep_link_launch():
            arrive = _start_deep_linking
        elif message_launch.is_submission_review_launch():
            arrive = _submission_review
        elif message_launch.is_resource_launch():
            arrive = _resource_launch
        else:
            raise LaunchRefused(
                "Marginalia cannot open this kind of link", "Open one of the course's readings instead."
            )
        with transaction.atomic():  # a launch refused after its checks leaves nothing either
            arrival, to = arrive(message_launch)
    except LaunchRefused as refusal:
        return refused(request, refusal)
    return _sign_in(request, arrival, message_launch, to)


def _sign_in(request, arrival, message_launch, to: str):
    login(request, arrival.user, backend=BACKEND)
    request.session[LAUNCH_ID] = message_launch.get_launch_id()
    course = arrival.course
    synced = course.roster_synced_at
    if synced is None or (timezone.now() - synced).total_seconds() > ROSTER_FRESH_SECONDS:
        roster.sync_roster(course)  # a failure is recorded on the course and shown on its page
    token = signing.dumps({"user": arrival.user.pk, "to": to}, salt=HANDOFF_SALT)
    response = redirect("lti_opened", token=token)
    registration = arrival.launch.registration
    allow_framing_by(response, [registration.auth_url, registration.issuer])
    return response


def _resource_launch(message_launch):
    arrival = launching.arrive(message_launch)
    assignment = launching.assignment_of(arrival)
    if assignment is None:
        # The course's own link: instructors to its LMS page (roster, scores), others to the group.
        if arrival.role == Role.INSTRUCTOR:
            return arrival, reverse("lti_course", args=[arrival.group.pk])
        return arrival, arrival.group.get_absolute_url()
    if assignment.guide_id:
        return arrival, assignment.guide.get_absolute_url()
    return arrival, assignment.document.get_absolute_url()


def _start_deep_linking(message_launch):
    arrival = launching.arrive(message_launch)
    if arrival.role != Role.INSTRUCTOR:
        raise LaunchRefused("Only the course's instructors add readings", "Ask your instructor to add it.")
    return arrival, reverse("lti_deep_link")


def _submission_review(message_launch):
    arrival = launching.arrive(message_launch)
    if arrival.role == Role.MEMBER:
        raise LaunchRefused("Only the course's instructors review students' work", "Open the reading instead.")
    body = message_launch.get_launch_data()
    lineitem = body[launching.AGS_CLAIM]["lineitem"]
    linked = LinkedAssignment.objects.select_related("assignment__document").filter(
        lineitem_url=lineitem, assignment__group=arrival.group
    ).first()
    # Before any student has opened the link its column is not known here: the link's own
    # parameters name the assignment.
    assignment = linked.assignment if linked else launching.assignment_of(arrival)
    student = LtiUser.objects.filter(
        registration=arrival.launch.registration, sub=body[launching.CLAIM_FOR_USER]["user_id"]
    ).select_related("auth_user").first()
    if assignment is None or student is None or student.auth_user is None:
        raise LaunchRefused(
            "Marginalia has no work of this student for this assignment yet",
            "They have not opened it, or the assignment was not placed from Marginalia.",
        )
    query = urlencode({
        "author": student.auth_user.get_username(),
        "group": arrival.group.pk,
        "document": assignment.document.slug,
    })
    return arrival, f"{reverse('search')}?{query}"


def _handoff(token):
    try:
        return signing.loads(token, salt=HANDOFF_SALT, max_age=HANDOFF_SECONDS)
    except signing.BadSignature:
        raise Http404("This link has expired. Open Marginalia again from your course.")


@framable_by_any_lms
def opened(request, token):
    """The first page after a launch. If the session cookie came back, go on; if the browser
    refused it (third-party cookies blocked inside the LMS's frame), say so and offer a window."""
    handoff = _handoff(token)
    if request.user.is_authenticated and request.user.pk == handoff["user"]:
        return redirect(handoff["to"])
    return render(request, "lti/new_window.html", {"resume_url": reverse("lti_resume", args=[token])})


def resume(request, token):
    """The new window of a launch whose frame could not keep cookies: signs its person in once."""
    handoff = _handoff(token)
    if not cache.add("lti-resume-" + hashlib.sha256(token.encode()).hexdigest(), True, HANDOFF_SECONDS):
        raise Http404("This link has been used. Open Marginalia again from your course.")
    user = LtiUser.objects.filter(auth_user_id=handoff["user"]).select_related("auth_user").first()
    if user is None:
        raise Http404("No such person.")
    login(request, user.auth_user, backend=BACKEND)
    return redirect(handoff["to"])


def _deep_link_launch(request):
    launch_id = request.session.get(LAUNCH_ID)
    if not launch_id:
        raise LaunchRefused("This page opens from your LMS", "Add Marginalia from your course's assignment editor.")
    message_launch = restored_launch(request, launch_id)
    if not message_launch.is_deep_link_launch():
        raise LaunchRefused("This page opens from your LMS", "Add Marginalia from your course's assignment editor.")
    return message_launch


@login_required
@require_http_methods(["GET", "POST"])
def deep_link(request):
    """The instructor picks a reading (and maybe a guide, a due date and points); the LMS gets a
    link to it and a gradebook column."""
    try:
        message_launch = _deep_link_launch(request)
    except LaunchRefused as refusal:
        return refused(request, refusal, status=403)
    context_id = message_launch.get_launch_data()[launching.CLAIM_CONTEXT]["id"]
    course = get_object_or_404(
        CourseLink.objects.select_related("group", "context"),
        context__id_on_platform=context_id,
        context__deployment__registration=message_launch.get_tool_conf().registration,
    )
    group = course.group
    if not has_permission(request.user, "group.link_lms_assignment", group):
        raise PermissionDenied
    form = DeepLinkForm(request.POST or None, user=request.user, group=group)
    if request.method == "POST" and form.is_valid():
        assignment, linked = _place_assignment(course, form.cleaned_data, request.user)
        resource = (
            DueResourceLink(assignment.due_at)
            .set_url(request.build_absolute_uri(reverse("lti_launch")))
            .set_title(assignment.title)
            .set_custom_params({"assignment": str(assignment.pk), launching.HISTORY_PARAMETER: "$Context.id.history"})
            .set_lineitem(
                LineItem()
                .set_label(assignment.title)
                .set_score_maximum(float(assignment.points_possible))
                .set_resource_id(linked.resource_id)
                .set_tag("participation")
                # The gradebook may open a student's work here (a submission review launch).
                .set_submission_review(["Completed"], label="Open in Marginalia")
            )
        )
        deep_link_service = message_launch.get_deep_link()
        return_url = message_launch.get_launch_data()[launching.CLAIM_DEEP_LINKING]["deep_link_return_url"]
        response = render(request, "lti/deep_link_return.html", {
            "jwt": deep_link_service.get_response_jwt([resource]),
            "return_url": return_url,
            "assignment": assignment,
        })
        response._csp_update = {"form-action": [origin_of(return_url)]}
        return response
    status = 400 if request.method == "POST" else 200
    return render(request, "lti/deep_link.html", {"form": form, "group": group}, status=status)


class DueResourceLink(DeepLinkResource):
    """A resource link that tells the LMS its due date (Deep Linking 2.0's `submission`
    property), which pylti1p3's content item leaves out."""

    def __init__(self, due_at):
        super().__init__()
        self.due_at = due_at

    def to_dict(self):
        item = super().to_dict()
        if self.due_at is not None:
            item["submission"] = {"endDateTime": self.due_at.isoformat()}
        return item


@transaction.atomic
def _place_assignment(course, data, user):
    assignment = Assignment.objects.create(
        group=course.group, document=data["document"], guide=data["guide"], title=data["title"],
        due_at=data["due_at"], points_possible=data["points_possible"], created_by=user,
    )
    linked = LinkedAssignment.objects.create(assignment=assignment, context=course.context)
    return assignment, linked


@login_required
def course(request, pk):
    """A group's LMS page: its courses and their rosters, its assignments and their scores."""
    group = get_group_for(request.user, pk, "group.sync_lms")
    courses = CourseLink.objects.filter(group=group).select_related("context")
    linked = (
        LinkedAssignment.objects.filter(assignment__group=group)
        .select_related("assignment__document")
        .annotate(sent=Count("score_sends", filter=Q(score_sends__status=ScoreSend.Status.SENT)))
        .prefetch_related(Prefetch(
            "score_sends",
            queryset=ScoreSend.objects.filter(status=ScoreSend.Status.FAILED).select_related("user"),
            to_attr="failures",
        ))
        .order_by("assignment__due_at", "pk")
    )
    return render(request, "lti/course.html", {"group": group, "courses": courses, "linked": linked})


@login_required
@require_POST
def roster_sync(request, pk):
    group = get_group_for(request.user, pk, "group.sync_lms")
    courses = CourseLink.objects.filter(group=group).select_related("context__deployment__registration", "group")
    for course_link in courses:
        outcome = roster.sync_roster(course_link)
        if outcome.error:
            messages.error(request, f"The roster of “{course_link.context}” could not be synced: {outcome.error}")
        else:
            messages.success(
                request,
                f"Roster of “{course_link.context}” synced: "
                f"{len(outcome.added)} added, {len(outcome.dropped)} removed.",
            )
    return redirect("lti_course", pk=group.pk)


@login_required
@require_POST
def scores_send(request, pk):
    linked = get_object_or_404(
        LinkedAssignment.objects.select_related("assignment__group", "context__deployment__registration"), pk=pk
    )
    group = get_group_for(request.user, linked.assignment.group_id, "group.sync_lms")
    outcome = grades.send_scores(linked)
    if outcome.error:
        messages.error(request, f"No scores for “{linked.assignment}” could be sent: {outcome.error}")
    elif outcome.failed:
        messages.error(
            request,
            f"{outcome.sent} scores for “{linked.assignment}” sent; {len(outcome.failed)} failed and will be tried "
            "again at the next sync (listed below).",
        )
    else:
        messages.success(request, f"{outcome.sent} scores for “{linked.assignment}” sent to the LMS.")
    return redirect("lti_course", pk=group.pk)
