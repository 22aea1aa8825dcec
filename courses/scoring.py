"""Participation scores: what a student's work on an assignment's reading earns, and why.

    gradebook(assignment) -> list[StudentScore]   every member (role "member"), by name
    score_for(assignment, user) -> StudentScore    one person

Both read the database as it is now, in a constant number of queries whatever the class size
(gradebook: members, written work, coverage, replies received, upvotes, overrides; score_for:
the same less the members). The LTI app sends `points` and `comment` to the LMS gradebook, so
the number and sentence a page shows are the ones the LMS receives.

What counts: a student's live notes and replies on the assignment's paper, shared with the
assignment's group or public, not hidden by a moderator, at least `min_length` characters
long (anonymous ones too: the author is known to the score), on any version of the paper.
Replies count when they answer someone else; replies and upvotes received come from someone
else. Lateness applies to what the student wrote (notes, replies, the paragraphs they cover,
questions), never to what others did in answer.
"""

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, Count, DecimalField, F, Func, Max, Q, Sum, Value, When
from django.db.models.functions import Coalesce, Greatest, Length, Lower, NullIf, Trim
from django.utils import timezone

from annotations.models import Annotation, Visibility
from courses.models import CoverageUnit, LatePolicy, ScoreOverride
from discussions.models import Vote
from groups.models import Membership, Role
from versions.models import DocumentVersion

CENT = Decimal("0.01")
ONE = Decimal(1)
CREDIT = DecimalField(max_digits=6, decimal_places=4)


@dataclass(frozen=True)
class Part:
    key: str  # the rubric's fields are <key>_target and <key>_weight
    label: str
    singular: str
    plural: str
    short: str  # a gradebook column's heading
    received: bool = False  # what others do in answer: never late, and not the student's to write


PARTS = (
    Part("notes", "Notes written", "note", "notes", "Notes"),
    Part("replies", "Replies written", "reply", "replies", "Replies"),
    Part("coverage", "Reading covered", "paragraph", "paragraphs", "Paragraphs"),  # or sections: see rubric_parts
    Part("replies_received", "Replies received", "reply received", "replies received", "Replies received", True),
    Part("votes_received", "Upvotes and endorsements received", "upvote or endorsement", "upvotes and endorsements",
         "Upvotes, endorsements", True),
    Part("questions", "Questions asked or answered", "question asked or answered", "questions asked or answered",
         "Questions"),
)
SECTIONS = Part("coverage", "Reading covered", "section", "sections", "Sections")


@dataclass
class PartScore:
    part: Part
    count: int  # how many there are
    credit: Decimal  # the same, late ones weighed by the late policy
    target: int
    weight: int
    possible: Decimal  # this part's share of the points
    earned: Decimal  # rounded to the cent, for display (points sums the exact shares)
    late: int = 0

    @property
    def key(self) -> str:
        return self.part.key

    @property
    def label(self) -> str:
        return self.part.label

    def noun(self, n) -> str:
        return self.part.singular if n == 1 else self.part.plural

    @property
    def phrase(self) -> str:
        """'4 of 5 notes', or '7 notes (5 needed)' once the target is met."""
        if self.count < self.target:
            return f"{self.count} of {self.target} {self.noun(self.target)}"
        return f"{self.count} {self.noun(self.count)} ({self.target} needed)"


@dataclass
class StudentScore:
    user: object
    points: Decimal  # what the LMS receives: the override's when there is one
    points_possible: Decimal
    breakdown: list  # of PartScore, the rubric's parts that carry weight
    comment: str  # one plain sentence saying why (sent to the LMS with the points)
    overridden: bool = False
    override_reason: str = ""
    computed_points: Decimal = Decimal(0)  # what participation earned, override or not


def gradebook(assignment) -> list[StudentScore]:
    """A score for each member of the assignment's group with the member role (including who
    never opened the reading), ordered by name."""
    memberships = (
        Membership.objects.filter(group_id=assignment.group_id, role=Role.MEMBER)
        .select_related("user")
        .order_by(Lower(Coalesce(NullIf("user__display_name", Value("")), "user__username")), "user__username")
    )
    return _scores(assignment, [m.user for m in memberships])


def score_for(assignment, user) -> StudentScore:
    return _scores(assignment, [user])[0]


# --- What counts, in SQL ---------------------------------------------------------------------


def _counted_q(assignment, prefix="") -> Q:
    """Live, visible posts on the assignment's paper (any version of it) shared with its group
    or public."""
    def q(**lookups):
        return Q(**{prefix + name: value for name, value in lookups.items()})

    # A new version of the paper moves the notes onto its own paragraphs (and leaves orphans
    # on the old ones): the work done still counts, whichever version it is on now.
    lineage = DocumentVersion.objects.filter(document_id=assignment.document_id).values("lineage_id")
    versions = DocumentVersion.objects.filter(lineage_id__in=lineage).values("document_id")
    on_paper = q(paragraph__document_id=assignment.document_id) | q(paragraph__document_id__in=versions)
    live = on_paper & q(deleted_at__isnull=True, hidden_at__isnull=True)
    return live & (q(visibility=Visibility.GROUP, group_id=assignment.group_id) | q(visibility=Visibility.PUBLIC))


class DaysLate(Func):
    """Whole days (or part of one) that `created` is past `due`: 1 minute late is 1 day."""

    template = "CEIL(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400)"
    arg_joiner = " - "
    output_field = CREDIT


def _late_q(assignment) -> Q:
    return Q(created__gt=assignment.due_at) if assignment.due_at else Q(pk__in=[])


def _credit(assignment):
    """What one post the student wrote is worth (1 on time) under the late policy."""
    on_time = Value(ONE, output_field=CREDIT)
    if assignment.due_at is None or assignment.late_policy == LatePolicy.FULL:
        return on_time
    if assignment.late_policy == LatePolicy.PARTIAL:
        late = Value(assignment.late_factor, output_field=CREDIT)
    else:
        days = DaysLate(F("created"), Value(assignment.due_at))
        decay = Value(assignment.late_decay_per_day, output_field=CREDIT)
        late = Greatest(Value(Decimal(0), output_field=CREDIT), on_time - decay * days)
    return Case(When(_late_q(assignment), then=late), default=on_time, output_field=CREDIT)


def credit_now(assignment, now=None) -> Decimal:
    """What a post written now is worth: less than 1 once the due date has passed."""
    now = now or timezone.now()
    if assignment.due_at is None or now <= assignment.due_at or assignment.late_policy == LatePolicy.FULL:
        return ONE
    if assignment.late_policy == LatePolicy.PARTIAL:
        return assignment.late_factor
    days = math.ceil((now - assignment.due_at).total_seconds() / 86400)
    return max(Decimal(0), ONE - assignment.late_decay_per_day * days)


def _scores(assignment, users) -> list[StudentScore]:
    ids = [u.pk for u in users]
    counted = _counted_q(assignment)
    long_enough = Q(body_length__gte=assignment.min_length)
    root = Q(parent__isnull=True)
    # A reply counts when it answers someone else: answering oneself is no discussion.
    reply = Q(parent__isnull=False) & ~Q(parent__author_id=F("author_id"))
    question = root & Q(curation__is_question=True)
    answer = reply & Q(parent__curation__is_question=True)
    late = _late_q(assignment)
    credit = _credit(assignment)
    zero = Value(Decimal(0), output_field=CREDIT)

    def tally(name, q):
        return {
            name: Count("pk", filter=q & long_enough),
            f"{name}_credit": Coalesce(Sum(credit, filter=q & long_enough), zero),
            f"{name}_late": Count("pk", filter=q & long_enough & late),
        }

    posts = Annotation.objects.filter(counted, author_id__in=ids).alias(body_length=Length(Trim("body")))
    written = {
        row.pop("author_id"): row
        for row in posts.values("author_id")
        .annotate(
            **tally("notes", root), **tally("replies", reply), **tally("questions", question | answer),
            endorsements=Count("pk", filter=Q(curation__endorsed_at__isnull=False)),
        )
        .order_by()
    }
    unit = "paragraph__section" if assignment.coverage_unit == CoverageUnit.SECTION else "paragraph_id"
    coverage = {}
    for row in posts.filter(long_enough).values("author_id", unit).annotate(best=Max(credit)).order_by():
        count, total = coverage.get(row["author_id"], (0, Decimal(0)))
        coverage[row["author_id"]] = (count + 1, total + row["best"])
    replies_received = dict(
        Annotation.objects.filter(counted, _counted_q(assignment, "parent__"), parent__author_id__in=ids)
        .exclude(author_id=F("parent__author_id"))
        .values_list("parent__author_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    votes_received = dict(
        Vote.objects.filter(_counted_q(assignment, "annotation__"), annotation__author_id__in=ids)
        .exclude(user_id=F("annotation__author_id"))
        .values_list("annotation__author_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    overrides = {o.student_id: o for o in ScoreOverride.objects.filter(assignment=assignment, student_id__in=ids)}

    scores = []
    for user in users:
        row = written.get(user.pk, {})
        # {part: (count, credit, late)}; what others did in answer is never late.
        tallies = {name: (row.get(name, 0), row.get(f"{name}_credit", 0), row.get(f"{name}_late", 0))
                   for name in ("notes", "replies", "questions")}
        tallies["coverage"] = (*coverage.get(user.pk, (0, 0)), 0)
        for name, n in (("replies_received", replies_received.get(user.pk, 0)),
                        ("votes_received", votes_received.get(user.pk, 0) + row.get("endorsements", 0))):
            tallies[name] = (n, n, 0)
        scores.append(_score(assignment, user, tallies, overrides.get(user.pk)))
    return scores


# --- From counts to points and words -----------------------------------------------------------


def rubric_parts(assignment):
    """(Part, target, weight) of each part of the assignment's rubric that carries weight."""
    for part in PARTS:
        if part.key == "coverage" and assignment.coverage_unit == CoverageUnit.SECTION:
            part = SECTIONS
        weight = getattr(assignment, f"{part.key}_weight")
        if weight:
            yield part, getattr(assignment, f"{part.key}_target"), weight


def _score(assignment, user, tallies, override) -> StudentScore:
    possible = Decimal(assignment.points_possible).quantize(CENT)
    parts = list(rubric_parts(assignment))
    total_weight = sum(weight for _, _, weight in parts)
    breakdown, exact = [], Decimal(0)
    for part, target, weight in parts:
        count, credit, late = tallies[part.key]
        share = possible * weight / total_weight
        earned = share * min(Decimal(credit), target) / target
        exact += earned
        breakdown.append(PartScore(
            part, count=count, credit=Decimal(credit), target=target, weight=weight,
            possible=share.quantize(CENT, ROUND_HALF_UP), earned=earned.quantize(CENT, ROUND_HALF_UP), late=late,
        ))
    computed = exact.quantize(CENT, ROUND_HALF_UP)
    comment = _comment(assignment, breakdown)
    if override is None:
        return StudentScore(user, computed, possible, breakdown, comment, computed_points=computed)
    explained = (
        f"Score set by the instructor: {override.reason} "
        f"(participation alone earned {computed} of {possible}: {comment})"
    )
    return StudentScore(
        user, override.points.quantize(CENT), possible, breakdown, explained,
        overridden=True, override_reason=override.reason, computed_points=computed,
    )


def _comment(assignment, breakdown) -> str:
    sentence = ", ".join(part.phrase for part in breakdown) or "Nothing is scored"
    late = [(part.late, part) for part in breakdown if part.key in ("notes", "replies") and part.late]
    if late:
        sentence += "; " + " and ".join(f"{n} {part.noun(n)}" for n, part in late) + " " + _late_terms(assignment)
    return sentence + "."


def _late_terms(assignment) -> str:
    if assignment.late_policy == LatePolicy.FULL:
        return "late, counted in full"
    if assignment.late_policy == LatePolicy.PARTIAL:
        factor = assignment.late_factor
        return "late at half credit" if factor == Decimal("0.5") else f"late at {factor * 100:.0f}% credit"
    return f"late, losing {assignment.late_decay_per_day * 100:.0f}% of its credit a day"


def ways_to_raise(assignment, score: StudentScore, now=None) -> list[str]:
    """What the student could still do, part by part ("Write 1 more note of at least 80
    characters"), counting what a post written now is worth under the late policy."""
    worth = credit_now(assignment, now)
    ways = []
    for part in score.breakdown:
        missing = part.target - part.credit
        if missing <= 0:
            continue
        if part.part.received:
            n = math.ceil(missing)
        elif worth:
            n = math.ceil(missing / worth)
        else:
            continue  # too late for anything written to count
        ways.append(_way(assignment, part, n))
    return ways


def _way(assignment, part, n) -> str:
    s = "" if n == 1 else "s"
    length = f"of at least {assignment.min_length} characters"
    return {
        "notes": f"Write {n} more note{s} {length}.",
        "replies": f"Reply to a classmate {n} more time{s}, in replies {length}.",
        "coverage": f"Annotate {n} more {part.noun(n)} you have not written on yet.",
        "replies_received": (
            f"Draw {n} more {part.noun(n).split()[0]} from classmates: notes that ask or argue get answers."
        ),
        "votes_received": f"Earn {n} more upvote{s} or endorsement{s}: careful, well-grounded notes get them.",
        "questions": f"Ask {n} more question{s} (mark a note as a question), or answer a classmate's.",
    }[part.key]
