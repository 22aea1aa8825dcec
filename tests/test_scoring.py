"""courses.scoring: a table of cases worked out by hand, with the exact points and the
sentence the LMS receives, then who is in the gradebook and how many queries it costs.

The default rubric on 10 points: notes 5 (weight 3), replies 3 (2), paragraphs 4 (2),
replies received 2 (1), upvotes and endorsements 2 (1), questions 1 (1): a weight's points are
its number. Everything is written by sam (a member) on the small paper's p2, p3, p4 unless
a case says otherwise; due 2 March 17:00, on-time work a day before.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations.models import Annotation, Visibility
from courses.models import LatePolicy, ScoreOverride
from courses.scoring import gradebook, score_for, ways_to_raise
from discussions.models import Curation, Vote
from groups.models import Membership, Role, StudyGroup
from reader.importing import import_document
from tests.courses_support import DUE, SHORT, make_assignment, written
from versions.moving import publish_new_version


@pytest.fixture
def cast(group_roles, document, make_user):
    group, other, people = group_roles
    sam, bea = make_user("sam"), make_user("bea")
    Membership.objects.create(group=group, user=sam, role=Role.MEMBER)
    Membership.objects.create(group=group, user=bea, role=Role.MEMBER)
    paragraphs = [document.paragraphs.get(anchor=a) for a in ("p2", "p3", "p4")]
    return dict(group=group, other=other, sam=sam, bea=bea, ines=people["instructor"], p=paragraphs,
                document=document)


def five_notes_one_late(c, late_by):
    for i in range(4):
        written(c["sam"], c["p"][i % 3], group=c["group"])
    written(c["sam"], c["p"][0], group=c["group"], at=DUE + late_by)


def nothing(c):
    pass


def five_notes_on_three_paragraphs(c):
    for i in range(5):
        written(c["sam"], c["p"][i % 3], group=c["group"])


def five_short_notes(c):
    for i in range(5):
        written(c["sam"], c["p"][i % 3], SHORT, group=c["group"])


def only_replies(c):
    prompt = written(c["ines"], c["p"][0], group=c["group"])
    for _ in range(3):
        written(c["sam"], parent=prompt)


def received(c):
    mine = written(c["sam"], c["p"][0], group=c["group"])
    written(c["bea"], parent=mine)
    written(c["bea"], parent=mine, body=SHORT)  # a reply received counts at any length
    written(c["sam"], parent=mine)  # answering oneself is neither a reply received nor a reply written
    Vote.objects.create(annotation=mine, user=c["bea"])
    Vote.objects.create(annotation=mine, user=c["sam"])  # one's own upvote does not count
    Curation.objects.create(annotation=mine, endorsed_at=DUE)


def questions(c):
    asked = written(c["sam"], c["p"][1], group=c["group"])
    Curation.objects.create(annotation=asked, is_question=True)
    theirs = written(c["bea"], c["p"][2], group=c["group"])
    Curation.objects.create(annotation=theirs, is_question=True)
    written(c["sam"], parent=theirs)


def not_counted(c):
    """Private, deleted, hidden, on another paper, in another group: none of it counts."""
    written(c["sam"], c["p"][0], visibility=Visibility.PRIVATE)
    gone = written(c["sam"], c["p"][0], group=c["group"])
    hidden = written(c["sam"], c["p"][1], group=c["group"])
    Annotation.objects.filter(pk=gone.pk).update(deleted_at=DUE)
    Annotation.objects.filter(pk=hidden.pk).update(hidden_at=DUE)
    Membership.objects.create(group=c["other"], user=c["sam"], role=Role.MEMBER)
    written(c["sam"], c["p"][2], group=c["other"])
    written(c["sam"], c["document"].paragraphs.get(anchor="p1"), visibility=Visibility.PUBLIC)  # public counts


ALL_ZERO = (
    "0 of 5 notes, 0 of 3 replies, 0 of 4 paragraphs, 0 of 2 replies received, 0 of 2 upvotes and endorsements, "
    "0 of 1 question asked or answered."
)

CASES = [
    # (work, rubric, points, comment)
    ("nothing written", nothing, {}, "0.00", ALL_ZERO),
    ("five notes on three paragraphs", five_notes_on_three_paragraphs, {}, "4.50",
     "5 notes (5 needed), 0 of 3 replies, 3 of 4 paragraphs, 0 of 2 replies received, 0 of 2 upvotes and "
     "endorsements, 0 of 1 question asked or answered."),
    ("notes below the minimum length", five_short_notes, {}, "0.00", ALL_ZERO),
    ("short notes with the minimum lowered", five_short_notes, {"min_length": 10}, "4.50",
     "5 notes (5 needed), 0 of 3 replies, 3 of 4 paragraphs, 0 of 2 replies received, 0 of 2 upvotes and "
     "endorsements, 0 of 1 question asked or answered."),
    # 3 replies: 2 points; on one paragraph: 1/4 of 2.
    ("only replies", only_replies, {}, "2.50",
     "0 of 5 notes, 3 replies (3 needed), 1 of 4 paragraphs, 0 of 2 replies received, 0 of 2 upvotes and "
     "endorsements, 0 of 1 question asked or answered."),
    # Notes 4.5/5 of 3 = 2.70, paragraphs 3/4 of 2 = 1.50 (each covered on time).
    ("one note late, partly", lambda c: five_notes_one_late(c, timedelta(hours=2)), {}, "4.20",
     "5 notes (5 needed), 0 of 3 replies, 3 of 4 paragraphs, 0 of 2 replies received, 0 of 2 upvotes and "
     "endorsements, 0 of 1 question asked or answered; 1 note late at half credit."),
    ("one note late, at a quarter", lambda c: five_notes_one_late(c, timedelta(hours=2)),
     {"late_factor": Decimal("0.25")}, "4.05", None),
    ("one note late, in full", lambda c: five_notes_one_late(c, timedelta(days=9)),
     {"late_policy": LatePolicy.FULL}, "4.50", "; 1 note late, counted in full."),
    # 2.5 days late is 3 days: 1 - 0.3 = 0.7; notes 4.7/5 of 3 = 2.82.
    ("one note late, decaying", lambda c: five_notes_one_late(c, timedelta(days=2, hours=12)),
     {"late_policy": LatePolicy.DECAY}, "4.32", "; 1 note late, losing 10% of its credit a day."),
    ("one note too late to count", lambda c: five_notes_one_late(c, timedelta(days=20)),
     {"late_policy": LatePolicy.DECAY}, "3.90", None),
    # A note (1/5 of 3 = 0.60), one paragraph (0.50), 2 replies received (1.00), 1 upvote + 1
    # endorsement (1.00).
    ("replies, upvotes and endorsements received", received, {}, "3.10",
     "1 of 5 notes, 0 of 3 replies, 1 of 4 paragraphs, 2 replies received (2 needed), "
     "2 upvotes and endorsements (2 needed), 0 of 1 question asked or answered."),
    # A note (0.60), an answer (0.67), two paragraphs (1.00), questions 2 of 1 (1.00).
    ("questions asked and answered", questions, {}, "3.27",
     "1 of 5 notes, 1 of 3 replies, 2 of 4 paragraphs, 0 of 2 replies received, 0 of 2 upvotes and "
     "endorsements, 2 questions asked or answered (1 needed)."),
    ("what does not count", not_counted, {}, "1.10", None),  # one public note: 0.60 + 0.50
    ("sections instead of paragraphs", five_notes_on_three_paragraphs,
     {"coverage_unit": "section", "coverage_target": 1}, "5.00", None),
    ("parts left out by a zero weight", five_notes_on_three_paragraphs,
     {"replies_weight": 0, "replies_received_weight": 0, "votes_received_weight": 0, "questions_weight": 0,
      "coverage_weight": 0}, "10.00", "5 notes (5 needed)."),
]


@pytest.mark.parametrize("label, work, rubric, points, comment", CASES, ids=[c[0] for c in CASES])
def test_scores_table(cast, label, work, rubric, points, comment):
    assignment = make_assignment(cast["group"], cast["document"], **rubric)
    work(cast)
    score = score_for(assignment, cast["sam"])
    assert score.points == Decimal(points)
    assert score.points_possible == Decimal(10)
    assert not score.overridden
    if comment and comment.startswith(";"):
        assert score.comment.endswith(comment)
    elif comment:
        assert score.comment == comment
    # The gradebook row is the same score.
    row = next(s for s in gradebook(assignment) if s.user == cast["sam"])
    assert (row.points, row.comment) == (score.points, score.comment)


def test_breakdown_parts_sum_to_the_points(cast):
    assignment = make_assignment(cast["group"], cast["document"])
    five_notes_one_late(cast, timedelta(hours=2))
    score = score_for(assignment, cast["sam"])
    notes = score.breakdown[0]
    assert (notes.key, notes.count, notes.credit, notes.target, notes.earned, notes.late) == (
        "notes", 5, Decimal("4.5"), 5, Decimal("2.70"), 1
    )
    assert sum(part.earned for part in score.breakdown) == score.points
    assert sum(part.possible for part in score.breakdown) == Decimal(10)


def test_an_override_wins_is_labelled_and_clearing_it_restores_the_computed_score(cast):
    assignment = make_assignment(cast["group"], cast["document"])
    five_notes_on_three_paragraphs(cast)
    override = ScoreOverride.objects.create(
        assignment=assignment, student=cast["sam"], points=Decimal("9.5"), reason="Led the discussion in class",
        set_by=cast["ines"],
    )
    score = score_for(assignment, cast["sam"])
    assert (score.points, score.computed_points, score.overridden) == (Decimal("9.50"), Decimal("4.50"), True)
    assert score.override_reason == "Led the discussion in class"
    assert score.comment.startswith("Score set by the instructor: Led the discussion in class (participation alone")
    override.delete()
    score = score_for(assignment, cast["sam"])
    assert (score.points, score.overridden, score.override_reason) == (Decimal("4.50"), False, "")


def test_ways_to_raise_count_what_a_late_post_is_worth_now(cast):
    assignment = make_assignment(cast["group"], cast["document"])
    written(cast["sam"], cast["p"][0], group=cast["group"])
    before = ways_to_raise(assignment, score_for(assignment, cast["sam"]), now=DUE - timedelta(hours=1))
    assert before[:3] == [
        "Write 4 more notes of at least 80 characters.",
        "Reply to a classmate 3 more times, in replies of at least 80 characters.",
        "Annotate 3 more paragraphs you have not written on yet.",
    ]
    after = ways_to_raise(assignment, score_for(assignment, cast["sam"]), now=DUE + timedelta(hours=1))
    assert after[0] == "Write 8 more notes of at least 80 characters."  # at half credit now
    assignment.late_policy = LatePolicy.DECAY
    too_late = ways_to_raise(assignment, score_for(assignment, cast["sam"]), now=DUE + timedelta(days=30))
    assert [w.split()[0] for w in too_late] == ["Draw", "Earn"]  # writing can no longer raise it


def test_the_gradebook_has_every_member_by_name_and_no_instructors(cast, make_user):
    assignment = make_assignment(cast["group"], cast["document"])
    aaron = make_user("zed", display_name="Aaron Zed")
    Membership.objects.create(group=cast["group"], user=aaron, role=Role.MEMBER)
    names = [str(s.user) for s in gradebook(assignment)]
    assert names == ["Aaron Zed", "bea", "mia", "sam"]  # ines (instructor) and moritz (moderator) are not graded


def test_the_gradebook_costs_the_same_queries_for_three_students_or_forty(cast, make_user):
    assignment = make_assignment(cast["group"], cast["document"])
    five_notes_on_three_paragraphs(cast)
    received(cast)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            gradebook(assignment)
        return [q["sql"].split(" FROM ")[1].split()[0] for q in captured.captured_queries]

    few = queries()
    for i in range(40):
        student = make_user(f"student{i}")
        Membership.objects.create(group=cast["group"], user=student, role=Role.MEMBER)
        written(student, cast["p"][i % 3], group=cast["group"])
    assert queries() == few == [
        '"annotations_membership"',  # the members, with their users
        '"annotations_annotation"',  # notes, replies, questions and endorsements per student
        '"annotations_annotation"',  # paragraphs covered per student
        '"annotations_annotation"',  # replies received per student
        '"discussions_vote"',  # upvotes received per student
        '"courses_scoreoverride"',  # the overrides
    ]


def test_work_still_counts_after_a_new_version_of_the_paper(cast):
    """The notes move onto the new version's paragraphs, or stay behind as orphans: both count."""
    text = "Ports\n\n1. Opening\n\nThe harbour paragraph speaks of ships.\n\nThe river paragraph speaks of barges.\n"
    paper, _ = import_document(text, "ports")
    assignment = make_assignment(cast["group"], paper)
    harbour, river = paper.paragraphs.filter(kind="body").order_by("position")
    written(cast["sam"], harbour, group=cast["group"])
    written(cast["sam"], river, group=cast["group"])
    before = score_for(assignment, cast["sam"])
    publish_new_version(paper, text.replace("The river paragraph speaks of barges.", "Something else entirely."),
                        user=cast["ines"])
    assert Annotation.objects.filter(paragraph__document__slug="ports").count() == 1  # one moved, one orphaned
    assignment.refresh_from_db()
    assert assignment.document.slug == "ports" and assignment.document.version == 2  # it follows the paper
    after = score_for(assignment, cast["sam"])
    assert (after.points, after.comment) == (before.points, before.comment)
    assert after.breakdown[0].count == 2


def test_a_score_for_someone_with_no_rows_is_zero_not_an_error(cast):
    group = StudyGroup.objects.create(name="Empty")
    assignment = make_assignment(group, cast["document"])
    assert gradebook(assignment) == []
    assert score_for(assignment, cast["sam"]).points == Decimal("0.00")
