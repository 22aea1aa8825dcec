"""seed_demo fills the database with demo users, groups and annotations, quickly and consistently."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, F, Q

from annotations.models import Annotation, Link, TaggedAnnotation, Visibility
from groups.models import Membership, Role, StudyGroup
from reader.models import Document


@pytest.fixture
def seeded(db, document, capsys):
    call_command("seed_demo", users=30, groups=4, annotations=600, no_progress=True)
    return capsys.readouterr().out


def test_it_creates_exactly_the_numbers_asked_for(seeded):
    assert get_user_model().objects.filter(username__startswith="demo").count() == 30
    assert StudyGroup.objects.count() == 4
    assert Annotation.objects.count() == 600
    assert "Created 30 users, 4 groups" in seeded and "600 annotations" in seeded


def test_every_user_belongs_to_a_group_and_every_group_has_one_instructor(seeded):
    assert Membership.objects.values("user").distinct().count() == 30
    per_group = StudyGroup.objects.annotate(
        instructors=Count("memberships", filter=Q(memberships__role=Role.INSTRUCTOR))
    ).values_list("instructors", flat=True)
    assert list(per_group) == [1, 1, 1, 1]


def test_annotations_mix_visibilities_replies_passages_tags_and_links(seeded):
    by_visibility = dict(Annotation.objects.values_list("visibility").annotate(n=Count("id")))
    assert set(by_visibility) == {Visibility.PUBLIC, Visibility.GROUP, Visibility.PRIVATE}
    replies = Annotation.objects.filter(parent__isnull=False)
    assert 50 < replies.count() < 200
    # A reply lives where its thread does: same paragraph, visibility and group.
    assert not replies.exclude(paragraph=F("parent__paragraph"), visibility=F("parent__visibility")).exists()
    assert not replies.filter(visibility=Visibility.GROUP).exclude(group=F("parent__group")).exists()
    # Group notes are written by members of that group.
    assert not Annotation.objects.filter(visibility=Visibility.GROUP).exclude(
        author__memberships__group=F("group")).exists()
    assert TaggedAnnotation.objects.count() > 100
    assert Link.objects.filter(target__isnull=False).exists() and Link.objects.exclude(url="").exists()


def test_passages_quote_the_paragraph_text_at_their_offsets(seeded):
    passages = Annotation.objects.exclude(quote="").select_related("paragraph")
    assert passages.count() > 50
    for annotation in passages:
        assert annotation.paragraph.text[annotation.start:annotation.end] == annotation.quote


def test_demo_users_have_the_demo_password(seeded):
    user = get_user_model().objects.get(username="demo29")
    assert user.check_password("marginalia-demo") and user.is_active


def test_the_generated_search_column_is_filled(seeded):
    assert Annotation.objects.exclude(body="").filter(search_vector__isnull=True).count() == 0


def test_a_second_run_adds_new_users_instead_of_clashing(seeded):
    call_command("seed_demo", users=5, groups=1, annotations=10, no_progress=True)
    assert get_user_model().objects.filter(username__startswith="demo").count() == 35
    assert Annotation.objects.count() == 610


def test_more_annotations_by_the_existing_demo_users(seeded):
    call_command("seed_demo", users=0, groups=0, annotations=100, no_progress=True)
    assert get_user_model().objects.filter(username__startswith="demo").count() == 30
    assert StudyGroup.objects.count() == 4
    assert Annotation.objects.count() == 700


def test_annotations_spread_over_copies_of_the_document(db, document):
    call_command("seed_demo", users=5, groups=1, annotations=300, documents=3, no_progress=True)
    assert Document.objects.filter(slug__startswith="short-paper-copy-").count() == 2
    per_document = Annotation.objects.values("paragraph__document").annotate(n=Count("id"))
    assert len(per_document) == 3 and all(row["n"] > 50 for row in per_document)
    # A second run reuses the copies.
    call_command("seed_demo", users=0, groups=0, annotations=10, documents=3, no_progress=True)
    assert Document.objects.count() == 3


def test_with_no_document_it_loads_the_seed_paper(db):
    assert not Document.objects.exists()
    call_command("seed_demo", users=2, groups=1, annotations=5, no_progress=True)
    assert Document.objects.count() == 1
    assert Annotation.objects.count() == 5


def test_fewer_users_than_groups_is_refused(db, document):
    with pytest.raises(CommandError, match="at least as many users as groups"):
        call_command("seed_demo", users=1, groups=2, annotations=0, no_progress=True)
