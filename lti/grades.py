"""Assignment and Grade Services: each student's score, as courses.scoring computes it, sent to
the assignment's gradebook column with the comment that explains it.

Every send is recorded (ScoreSend); a failure keeps its reason, is shown on the course page and
is tried again by the next sync (the instructor's button or the cron command), never dropped.
"""

import logging
from dataclasses import dataclass, field

import requests
from django.db import transaction
from django.utils import timezone
from lti_tool.models import LtiUser
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiException, LtiServiceException
from pylti1p3.grade import Grade
from pylti1p3.lineitem import LineItem
from pylti1p3.service_connector import ServiceConnector

from courses import scoring
from lti.http import LmsSession
from lti.models import LinkedAssignment, ScoreSend

log = logging.getLogger(__name__)

SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
]
TRIES = 2  # a second try at once covers a dropped connection; the next sync covers the rest
SEND_FAILURES = (LtiException, LtiServiceException, requests.RequestException)


@dataclass
class SendOutcome:
    sent: int = 0
    failed: list = field(default_factory=list)  # ScoreSend rows
    error: str = ""  # why nothing could be sent at all


def _service(linked: LinkedAssignment) -> AssignmentsGradesService:
    registration = linked.context.deployment.registration.to_registration()
    data = {"scope": SCOPES, "lineitems": linked.context.lineitems_url}
    if linked.lineitem_url:
        data["lineitem"] = linked.lineitem_url
    return AssignmentsGradesService(ServiceConnector(registration, requests_session=LmsSession()), data)


def _lineitem_url(linked: LinkedAssignment, service) -> str:
    """The gradebook column: from the link's launches, or else looked up by our resourceId."""
    if linked.lineitem_url:
        return linked.lineitem_url
    found = service.find_lineitem_by_resource_id(linked.resource_id) if linked.context.lineitems_url else None
    if found is None or not found.get_id():
        raise LtiException("The LMS has no gradebook column for this assignment yet.")
    LinkedAssignment.objects.filter(pk=linked.pk).update(lineitem_url=found.get_id())
    linked.lineitem_url = found.get_id()
    return linked.lineitem_url


def send_scores(linked: LinkedAssignment, gradebook=scoring.gradebook, service=None) -> SendOutcome:
    outcome = SendOutcome()
    service = service or _service(linked)
    try:
        url = _lineitem_url(linked, service)
    except SEND_FAILURES as error:
        outcome.error = str(error) or error.__class__.__name__
        LinkedAssignment.objects.filter(pk=linked.pk).update(send_error=outcome.error[:2000])
        return outcome
    column = LineItem({"id": url})
    registration_id = linked.context.deployment.registration_id
    lms_people = LtiUser.objects.filter(registration_id=registration_id, auth_user__isnull=False)
    subjects = dict(lms_people.values_list("auth_user_id", "sub"))
    for score in gradebook(linked.assignment):
        sub = subjects.get(score.user.pk)
        if sub is None:
            continue  # not an LMS person (joined in Marginalia): the LMS has no row for them
        grade = (
            Grade()
            .set_user_id(sub)
            .set_score_given(float(score.points))
            .set_score_maximum(float(score.points_possible))
            .set_comment(score.comment)
            .set_timestamp(timezone.now().isoformat())
            .set_activity_progress("Completed")
            .set_grading_progress("FullyGraded")
        )
        error = ""
        for _attempt in range(TRIES):
            try:
                service.put_grade(grade, column)
                error = ""
                break
            except SEND_FAILURES as failure:
                error = str(failure) or failure.__class__.__name__
        record = _record(linked, score, error)
        if error:
            log.warning("Score for %s on %s not sent: %s", score.user, linked, error)
            outcome.failed.append(record)
        else:
            outcome.sent += 1
    LinkedAssignment.objects.filter(pk=linked.pk).update(scores_sent_at=timezone.now(), send_error="")
    return outcome


@transaction.atomic
def _record(linked, score, error: str) -> ScoreSend:
    record, _created = ScoreSend.objects.select_for_update().get_or_create(
        linked=linked, user=score.user,
        defaults={"points": score.points, "points_possible": score.points_possible, "status": ScoreSend.Status.SENT},
    )
    record.points, record.points_possible, record.comment = score.points, score.points_possible, score.comment
    if error:
        record.status, record.error, record.attempts = ScoreSend.Status.FAILED, error[:2000], record.attempts + 1
    else:
        record.status, record.error, record.attempts = ScoreSend.Status.SENT, "", 0
    record.save()
    return record
