"""A copied LMS course (a new context whose history names a course we know) lands in that
course's group's newest term copy, never in last year's group."""

import pytest

from courses.models import Assignment, TermCopy
from courses.terms import copy_group_into_new_term
from groups.models import StudyGroup
from lti.models import CourseLink, LinkedAssignment
from tests.lti_support import ADA, LEA, launch, lms  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db(transaction=True)
HISTORY = "context_id_history"


def group_of(context_id):
    return CourseLink.objects.get(context__id_on_platform=context_id).group


def test_a_copied_course_lands_in_the_newest_term_copy_following_copies_of_copies(client, lms):
    launch(client, lms, ADA, lms.course("bio-2025", "Biology 2025", [ADA]))
    last_year = group_of("bio-2025")
    spring = StudyGroup.objects.create(name="Biology, spring")
    TermCopy.objects.create(source=last_year, copy=spring)
    autumn = StudyGroup.objects.create(name="Biology, autumn")
    TermCopy.objects.create(source=spring, copy=autumn)
    client.logout()
    copied = lms.course("bio-2026", "Biology 2026", [ADA, LEA])
    launch(client, lms, LEA, copied, custom={HISTORY: "bio-2025,bio-2024"})
    assert group_of("bio-2026") == autumn
    assert not last_year.memberships.filter(user__lti_users__sub=LEA.sub).exists()
    assert autumn.memberships.filter(user__lti_users__sub=LEA.sub).exists()


def test_a_copied_course_whose_group_was_never_copied_gets_a_new_group(client, lms):
    launch(client, lms, ADA, lms.course("bio-2025", "Biology 2025", [ADA]))
    last_year = group_of("bio-2025")
    client.logout()
    launch(client, lms, ADA, lms.course("bio-2026", "Biology 2026", [ADA]), custom={HISTORY: "bio-2025"})
    new = group_of("bio-2026")
    assert new != last_year and new.name == "Biology 2026"


def test_an_unsubstituted_history_variable_is_no_history(client, lms):
    launch(client, lms, ADA, lms.course("bio-2026", "Biology 2026", [ADA]), custom={HISTORY: "$Context.id.history"})
    assert group_of("bio-2026").name == "Biology 2026"


def test_a_copied_courses_link_opens_the_reading_as_this_terms_assignment(client, lms, document):
    launch(client, lms, ADA, lms.course("bio-2025", "Biology 2025", [ADA]))
    last_year = group_of("bio-2025")
    old = Assignment.objects.create(
        group=last_year, document=document, title="Week 1", points_possible=12, notes_target=7, min_length=200,
    )
    client.logout()
    copied = lms.course("bio-2026", "Biology 2026", [ADA, LEA])
    custom = {"assignment": str(old.pk), HISTORY: "bio-2025"}
    response = launch(client, lms, LEA, copied, resource_link="copied-link", custom=custom)
    assert response.redirect_chain[-1][0] == document.get_absolute_url()
    new = Assignment.objects.exclude(pk=old.pk).get()
    assert (new.group, new.document, new.title, new.points_possible) == (group_of("bio-2026"), document, "Week 1", 12)
    assert (new.notes_target, new.min_length, new.due_at) == (7, 200, None)  # the rubric, not last term's date
    assert LinkedAssignment.objects.get(assignment=new).context.id_on_platform == "bio-2026"
    assert not LinkedAssignment.objects.filter(assignment=old).exists()


def test_a_link_naming_another_groups_assignment_opens_only_the_course(client, lms, document):
    launch(client, lms, ADA, lms.course("chem", "Chemistry", [ADA]))
    theirs = Assignment.objects.create(group=group_of("chem"), document=document, title="Their week")
    client.logout()
    response = launch(client, lms, LEA, lms.course("bio", "Biology", [LEA]), custom={"assignment": str(theirs.pk)})
    assert response.redirect_chain[-1][0] == group_of("bio").get_absolute_url()
    assert Assignment.objects.count() == 1


def test_a_copied_courses_link_opens_the_term_copys_own_assignment(client, lms, document):
    """The instructor copied last year's group into this term (courses.terms), assignments and
    all; the LMS copied the course. The copied link opens the copy's assignment, in the copy."""
    launch(client, lms, ADA, lms.course("bio-2025", "Biology 2025", [ADA]))
    last_year = group_of("bio-2025")
    old = Assignment.objects.create(group=last_year, document=document, title="Week 1")
    ada = last_year.memberships.get().user
    this_term = copy_group_into_new_term(last_year, name="Biology, this term", by=ada)
    copied_assignment = Assignment.objects.get(group=this_term)
    client.logout()
    copied = lms.course("bio-2026", "Biology 2026", [ADA, LEA])
    custom = {"assignment": str(old.pk), HISTORY: "bio-2025"}
    response = launch(client, lms, LEA, copied, resource_link="copied-link", custom=custom)
    assert group_of("bio-2026") == this_term
    assert response.redirect_chain[-1][0] == copied_assignment.document.get_absolute_url()
    assert Assignment.objects.count() == 2
    assert LinkedAssignment.objects.get().assignment == copied_assignment
