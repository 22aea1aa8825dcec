"""Copying a group into a new term (courses/terms.py): what comes along, on which version of
the paper, what stays behind, and following a group to its newest term."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone

from annotations.models import Annotation, Link
from courses import terms
from courses.models import Assignment, TermCopy
from discussions.models import Curation, Flag, Guide, GuideStep, Vote
from groups.models import GroupSettings, Membership, Role, StudyGroup
from reader.importing import import_document
from reader.models import Document, Paragraph, SourceFile
from tests.concurrency import race_while_holding
from tests.discussions_support import note, prompt, settings_for
from versions.models import Orphan, Publication
from versions.moving import publish_new_version

SEED = (Path(__file__).resolve().parent.parent / "fixtures" / "new-industrialization.txt").read_text()
# Edited by a word in the second version: the prompt on it is re-anchored.
EDITED = "This paradigm dictates that the economic foundation shapes the superstructure."
EDITED_TO = "This paradigm holds that the economic foundation shapes the superstructure."
# Rewritten in the second version: the prompt on it cannot be placed.
REWRITTEN = "Participation by all its people is required to achieve Chinese modernization and share the benefits."
REWRITTEN_TO = "Everyone must take part in it, and everyone must gain from it."


def on_passage(author, paragraph, group, sentence, body, is_prompt=True):
    start = paragraph.text.index(sentence)
    end = start + len(sentence)
    annotation = note(
        author, paragraph, body, group=group, quote=sentence, start=start, end=end,
        prefix=paragraph.text[max(0, start - 32) : start], suffix=paragraph.text[end : end + 32],
    )
    if is_prompt:
        Curation.objects.create(annotation=annotation, is_prompt=True)
    return annotation


@pytest.fixture
def course(db, group_roles):
    """Last term's seminar on version 1 of a paper: three prompts (one on a sentence the second
    version edits, one on a sentence it rewrites), a guide through them with an instructor's note
    and a student's note, an assignment, settings, and the students' own work."""
    group, _, cast = group_roles
    v1, _ = import_document(SEED, "paper")
    body = list(v1.paragraphs.filter(kind="body").order_by("position"))
    edited = next(p for p in body if EDITED in p.text)
    rewritten = next(p for p in body if REWRITTEN in p.text)
    notes = {
        "whole": prompt(cast["instructor"], body[0], group, "What does the opening claim?"),
        "edited": on_passage(cast["instructor"], edited, group, EDITED, "Which paradigm?"),
        "rewritten": on_passage(cast["moderator"], rewritten, group, REWRITTEN, "Who is *all*?"),
        "instructor_note": note(cast["instructor"], body[1], "Compare with ¶ 1.", group=group),
        "student_note": note(cast["member"], body[2], "I think it is about energy.", group=group),
    }
    notes["instructor_note"].tags.add("method")
    Link.objects.create(annotation=notes["instructor_note"], target=body[3], relation="supports")
    reply = note(cast["member"], None, "A reply.", parent=notes["whole"])
    Vote.objects.create(annotation=notes["whole"], user=cast["member"])
    Flag.objects.create(annotation=notes["student_note"], user=cast["moderator"], reason="Off topic")
    Curation.objects.filter(annotation=notes["whole"]).update(is_question=True, pinned_at=timezone.now())
    guide = Guide.objects.create(group=group, document=v1, title="Week 1", created_by=cast["instructor"])
    for position, key in enumerate(["edited", "student_note", "instructor_note", "rewritten"], start=1):
        GuideStep.objects.create(guide=guide, position=position, annotation=notes[key], note=f"Look at {key}")
    assignment = Assignment.objects.create(
        group=group, document=v1, guide=guide, title="Read part 1", due_at=timezone.now() + timedelta(days=7),
        points_possible=25, created_by=cast["instructor"], notes_target=7, min_length=120, late_policy="decay",
    )
    settings_for(group, hide_until_posted=True, allow_anonymous=True)
    group.description = "Thursdays, room 4."
    group.save()
    publish_new_version(v1, SEED.replace(EDITED, EDITED_TO).replace(REWRITTEN, REWRITTEN_TO))
    return group, cast, notes, reply, assignment, Document.objects.get(slug="paper")


def copies_in(group):
    return Annotation.objects.filter(group=group).select_related("paragraph__document", "curation")


def test_copies_settings_staff_prompts_guides_and_assignments_onto_the_current_version(course):
    group, cast, notes, _, assignment, current = course
    new = terms.copy_group_into_new_term(group, name="Seminar (next term)", by=cast["instructor"])

    assert new.name == "Seminar (next term)" and new.description == "Thursdays, room 4."
    settings = GroupSettings.objects.get(group=new)
    assert settings.hide_until_posted and settings.allow_anonymous
    assert dict(Membership.objects.filter(group=new).values_list("user__username", "role")) == {
        "ines": Role.INSTRUCTOR, "moritz": Role.MODERATOR,
    }

    copies = {a.body: a for a in copies_in(new)}
    assert set(copies) == {"What does the opening claim?", "Which paradigm?", "Who is *all*?", "Compare with ¶ 1."}
    # On the current version, the edited passage where the new version put it.
    placed = [copies[b] for b in ("What does the opening claim?", "Which paradigm?", "Compare with ¶ 1.")]
    assert {a.paragraph.document_id for a in placed} == {current.pk}
    edited = copies["Which paradigm?"]
    assert edited.quote == EDITED_TO and edited.written_on == EDITED
    assert edited.paragraph.text[edited.start : edited.end] == EDITED_TO
    assert all(a.author_id == notes["edited"].author_id for a in placed[:2])
    assert copies["What does the opening claim?"].curation.is_prompt
    assert copies["What does the opening claim?"].curation.is_question
    assert copies["What does the opening claim?"].curation.pinned_at is None  # thread state stays behind
    assert not Curation.objects.filter(annotation=copies["Compare with ¶ 1."]).exists()
    assert list(copies["Compare with ¶ 1."].tags.names()) == ["method"]
    link = copies["Compare with ¶ 1."].links.get()
    assert link.target.document_id == current.pk and link.relation == "supports"

    guide = Guide.objects.get(group=new)
    assert guide.document_id == current.pk and guide.title == "Week 1"
    assert [(s.position, s.annotation.body, s.note) for s in guide.steps.select_related("annotation")] == [
        (1, "Which paradigm?", "Look at edited"),
        (2, "Compare with ¶ 1.", "Look at instructor_note"),
        (3, "Who is *all*?", "Look at rewritten"),
    ]

    copied = Assignment.objects.get(group=new)
    assert (copied.title, copied.points_possible, copied.guide) == ("Read part 1", 25, guide)
    assert (copied.notes_target, copied.min_length, copied.late_policy) == (7, 120, "decay")  # the rubric too
    assert copied.document_id == current.pk
    assert copied.due_at is None and copied.created_by == cast["instructor"]
    assert assignment.due_at is not None  # last term's keeps its date

    assert TermCopy.objects.get(copy=new).source == group
    report = new.term_report
    assert (report.staff, report.prompts, report.notes, report.guides, report.assignments) == (2, 3, 1, 1, 1)
    assert report.left_out == ["1 step of Week 1 on students’ or removed notes"]


def test_students_their_notes_votes_and_flags_stay_behind(course):
    group, cast, notes, reply, _, _ = course
    new = terms.copy_group_into_new_term(group, name="Next", by=cast["instructor"])
    copies = copies_in(new)
    assert not Membership.objects.filter(group=new, user=cast["member"]).exists()
    assert not copies.filter(author=cast["member"]).exists()
    assert not copies.filter(parent__isnull=False).exists()  # no replies
    assert not Vote.objects.filter(annotation__group=new).exists()
    assert not Flag.objects.filter(annotation__group=new).exists()
    # Last term's group is as it was.
    assert Annotation.objects.filter(group=group).count() == 6
    assert Membership.objects.filter(group=group).count() == 3


def test_a_note_the_current_version_cannot_place_is_an_orphan_in_the_new_group_and_reported(course):
    group, cast, notes, _, _, current = course
    new = terms.copy_group_into_new_term(group, name="Next", by=cast["instructor"])
    [orphan] = new.term_report.orphans
    assert orphan.annotation.body == "Who is *all*?" and orphan.annotation.group == new
    assert orphan.reason == "the passage was rewritten"
    # It waits on its old paragraph, as a new version leaves a note, for the new group's staff.
    assert orphan.old_paragraph == notes["rewritten"].paragraph
    assert orphan.annotation.paragraph == notes["rewritten"].paragraph
    assert orphan.version.document == current
    assert Orphan.objects.open().get(annotation__group=new) == orphan
    assert Orphan.objects.open().filter(annotation=notes["rewritten"]).exists()  # last term's is still its own


def test_a_note_a_later_version_can_place_again_lands_on_it(course):
    """Orphaned by version 2, whose version 3 has the sentence back: the copy is on version 3."""
    group, cast, notes, _, _, v2 = course
    publish_new_version(v2, SEED.replace(EDITED, EDITED_TO))
    v3 = Document.objects.get(slug="paper")
    new = terms.copy_group_into_new_term(group, name="Next", by=cast["instructor"])
    copy = copies_in(new).get(body="Who is *all*?")
    assert copy.paragraph.document == v3 and copy.quote == REWRITTEN
    assert copy.paragraph.text[copy.start : copy.end] == REWRITTEN
    assert new.term_report.orphans == []
    assert Guide.objects.get(group=new).document == v3


def test_of_two_guides_to_versions_of_one_paper_the_newer_is_copied(course):
    """A guide left on an older version (before new versions took their guides along), and a
    newer one started on the current version: the newer wins."""
    group, cast, notes, _, _, current = course
    Guide.objects.filter(group=group).update(document=Document.objects.get(slug="paper--v1"))
    newer = Guide.objects.create(group=group, document=current, title="Week 1, again", created_by=cast["instructor"])
    GuideStep.objects.create(guide=newer, position=1, annotation=notes["whole"])
    new = terms.copy_group_into_new_term(group, name="Next", by=cast["instructor"])
    guide = Guide.objects.get(group=new)
    assert guide.title == "Week 1, again" and guide.document == current
    assert [s.annotation.body for s in guide.steps.all()] == ["What does the opening claim?"]
    assert new.term_report.left_out == ["Week 1, written on an older version of a paper with a newer guide"]
    assert Assignment.objects.get(group=new).guide == guide  # on the old guide: now on the paper's guide


def test_a_reading_of_last_terms_group_alone_is_copied_for_the_new_one_with_what_is_on_it(course):
    group, cast, notes, _, _, current = course
    original = SourceFile.objects.create(
        name="paper.txt", format="text", content_type="text/plain", size=3, sha256="0" * 64, data=b"abc"
    )
    Document.objects.filter(pk=current.pk).update(doi="10.1/x", keywords="industry", original=original)
    current.refresh_from_db()
    Publication.objects.update_or_create(document=current, defaults={"group": group})
    Document.objects.create(title="Taken", slug="paper-2")  # the first numbered slug is someone else's
    new = terms.copy_group_into_new_term(group, name="Next", by=cast["instructor"])

    [copy] = new.term_report.papers
    assert copy.slug == "paper-3" and copy.is_published and copy.version == 1
    fields = ("title", "authors", "doi", "keywords", "source_name", "original_id")
    assert [getattr(copy, f) for f in fields] == [getattr(current, f) for f in fields]
    assert SourceFile.objects.count() == 1
    shown = ("position", "kind", "section", "level", "label", "text", "anchor", "content_hash", "page")
    assert list(copy.paragraphs.values_list(*shown)) == list(current.paragraphs.values_list(*shown))
    publication = Publication.objects.get(document=copy)
    assert (publication.group, publication.published_by) == (new, cast["instructor"])

    # What is on the paper is on the copy's paragraph at the same position; last term's stays.
    copies = {a.body: a for a in copies_in(new)}
    assert set(copies) == {"What does the opening claim?", "Which paradigm?", "Compare with ¶ 1."}
    for key, copied in (("whole", "What does the opening claim?"), ("edited", "Which paradigm?")):
        source = Annotation.objects.select_related("paragraph").get(pk=notes[key].pk)
        assert source.paragraph.document_id == current.pk
        assert copies[copied].paragraph.document_id == copy.pk
        assert copies[copied].paragraph.position == source.paragraph.position
    assert copies["Compare with ¶ 1."].links.get().target.document_id == copy.pk
    guide = Guide.objects.get(group=new)
    assert guide.document == copy
    assert [s.annotation.body for s in guide.steps.all()] == ["Which paradigm?", "Compare with ¶ 1."]
    assert Assignment.objects.get(group=new).document == copy
    # The note version 2 orphaned would wait on version 1, which is last term's group's alone.
    assert new.term_report.orphans == [] and not Orphan.objects.filter(annotation__group=new).exists()
    assert new.term_report.left_out == [
        f"“Who is all?” on “{current.title}”, which its current version could not place"
        " (the passage was rewritten)",
        "2 steps of Week 1 on students’ or removed notes",
    ]


def test_a_paper_published_for_another_group_alone_is_left_out_and_said(course, group_roles):
    group, cast, _, _, _, current = course
    other = group_roles[1]
    Publication.objects.update_or_create(document=current, defaults={"group": other})
    new = terms.copy_group_into_new_term(group, name="Next", by=cast["instructor"])
    assert not copies_in(new).exists() and not Guide.objects.filter(group=new).exists()
    assert not Assignment.objects.filter(group=new).exists() and new.term_report.papers == []
    assert new.term_report.left_out == [
        f"4 notes on “{current.title}”, published for “Other seminar” only",
        "Week 1, on a paper published for “Other seminar” only",
        "the assignment “Read part 1”, on a paper published for “Other seminar” only",
    ]


def test_a_failure_while_copying_a_reading_leaves_no_paper_behind(course, monkeypatch):
    group, cast, _, _, _, current = course
    Publication.objects.update_or_create(document=current, defaults={"group": group})
    monkeypatch.setattr(terms, "_copy_assignments", lambda *args: 1 / 0)
    documents, paragraphs = Document.objects.count(), Paragraph.objects.count()
    with pytest.raises(ZeroDivisionError):
        terms.copy_group_into_new_term(group, name="Next", by=cast["instructor"])
    assert (Document.objects.count(), Paragraph.objects.count()) == (documents, paragraphs)
    assert Publication.objects.count() == 1


def test_a_failure_part_way_leaves_nothing_behind(course, monkeypatch):
    group, cast, _, _, _, _ = course

    def fail(*args):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(terms, "_copy_assignments", fail)
    groups, notes, orphans = StudyGroup.objects.count(), Annotation.objects.count(), Orphan.objects.count()
    with pytest.raises(RuntimeError):
        terms.copy_group_into_new_term(group, name="Next", by=cast["instructor"])
    assert StudyGroup.objects.count() == groups and Annotation.objects.count() == notes
    assert Orphan.objects.count() == orphans
    assert not Membership.objects.filter(group__name="Next").exists() and not TermCopy.objects.exists()


def test_a_superuser_copying_becomes_the_instructor(course):
    group, cast, _, _, _, _ = course
    new = terms.copy_group_into_new_term(group, name="Next", by=cast["superuser"])
    assert dict(Membership.objects.filter(group=new).values_list("user__username", "role")) == {
        "root": Role.INSTRUCTOR, "ines": Role.INSTRUCTOR, "moritz": Role.MODERATOR,
    }


def test_latest_copy_of_follows_copies_of_copies(group_roles, django_assert_num_queries):
    group, other, cast = group_roles
    assert terms.latest_copy_of(group) is None
    spring = terms.copy_group_into_new_term(group, name="Spring", by=cast["instructor"])
    autumn = terms.copy_group_into_new_term(spring, name="Autumn", by=cast["instructor"])
    # Copied twice from the same term: the newest copy is the one a launch goes to.
    terms.copy_group_into_new_term(autumn, name="Winter, abandoned", by=cast["instructor"])
    winter = terms.copy_group_into_new_term(autumn, name="Winter", by=cast["instructor"])
    # Queries: one per term followed, and one finding no later copy.
    with django_assert_num_queries(4):
        assert terms.latest_copy_of(group) == winter
    assert terms.latest_copy_of(autumn) == winter
    assert terms.latest_copy_of(winter) is None
    assert terms.latest_copy_of(other) is None


@pytest.mark.django_db(transaction=True)
def test_two_submissions_at_once_make_one_group(make_user):
    """The second waits on the source's row lock for the first to commit, then finds its copy."""
    group = StudyGroup.objects.create(name="Pair")
    instructor = make_user("ines")
    Membership.objects.create(group=group, user=instructor, role=Role.INSTRUCTOR)
    second = {}

    def copy_again():
        second["group"] = terms.copy_group_into_new_term(group, name="Pair, spring", by=instructor)

    with transaction.atomic():
        first = terms.copy_group_into_new_term(group, name="Pair, spring", by=instructor)
        other = race_while_holding(copy_again)
    other.join(timeout=30)

    assert second["group"] == first and second["group"].term_report.again
    assert StudyGroup.objects.filter(name="Pair, spring").count() == 1


def test_another_instructor_copying_under_the_same_name_makes_a_group_of_their_own(group_roles):
    group, _, cast = group_roles
    Membership.objects.create(group=group, user=cast["other_instructor"], role=Role.INSTRUCTOR)
    mine = terms.copy_group_into_new_term(group, name="Next", by=cast["instructor"])
    theirs = terms.copy_group_into_new_term(group, name="Next", by=cast["other_instructor"])
    assert mine != theirs and not theirs.term_report.again
