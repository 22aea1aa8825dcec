"""The instructor dashboard: numbers checked against a small group worked out by hand,
who may see it, anonymity for moderators, constant queries for a large group, CSV downloads."""

import csv
import io

import pytest
from django.urls import reverse

from annotations.models import Annotation, Visibility
from discussions.models import Curation, Flag
from groups.models import GroupSettings, Membership, Role
from tests.discussions_support import client_for, note


@pytest.fixture
def seminar(document, group_roles):
    """The small group, by hand (p2, p3, p4 are the document's body paragraphs):

    mia    note on p2 "Industrial policy matters here" (4 words), a question, tags policy+economy
    moritz reply to it "I agree with this" (4 words): so that question has an answer
    mia    note on p3 "Green energy" (2 words), a question nobody answered, tag policy; otto... no:
           moritz flags it (waiting); a settled flag elsewhere does not count
    ines   prompt on p4 "Discuss digital economies" (3 words)
    mia    anonymous reply to the prompt "Maybe data" (2 words)
    Not counted: mia's private note and deleted group note, otto's public note, olga's note
    in her own group.
    """
    group, other, cast = group_roles
    GroupSettings.objects.create(group=group, allow_anonymous=True)
    p = {pp.anchor: pp for pp in document.paragraphs.all()}
    mia, moritz, ines = cast["member"], cast["moderator"], cast["instructor"]
    q1 = note(mia, p["p2"], "Industrial policy matters here", group=group)
    q1.tags.add("policy", "economy")
    Curation.objects.create(annotation=q1, is_question=True)
    answer = note(moritz, None, "I agree with this", parent=q1)
    q2 = note(mia, p["p3"], "Green energy", group=group)
    q2.tags.add("policy")
    Curation.objects.create(annotation=q2, is_question=True)
    Flag.objects.create(annotation=q2, user=moritz, reason="Off topic")
    settled = Flag.objects.create(annotation=answer, user=ines, reason="Rude?")
    Flag.objects.filter(pk=settled.pk).update(settled_at=settled.created)
    prompt = note(ines, p["p4"], "Discuss digital economies", group=group)
    Curation.objects.create(annotation=prompt, is_prompt=True)
    anonymous = note(mia, None, "Maybe data", parent=prompt)
    Curation.objects.create(annotation=anonymous, is_anonymous=True)
    # Not the group's, or not live:
    note(mia, p["p2"], "Just for me", visibility=Visibility.PRIVATE)
    gone = note(mia, p["p4"], "Deleted thought", group=group)
    Annotation.objects.filter(pk=gone.pk).update(deleted_at=gone.created)
    note(cast["outsider"], p["p2"], "Public remark")
    note(cast["other_instructor"], p["p2"], "Other seminar", group=other)
    return group, cast, {"q1": q1, "q2": q2, "prompt": prompt, "anonymous": anonymous}


def dashboard_url(group, document):
    return reverse("dashboard_document", args=[group.pk, document.slug])


def rows_by_name(response):
    return {p.name: p for p in response.context["dashboard"].participation}


def test_participation_heat_tags_activity_questions_and_flags_match_the_hand_count(client, document, seminar):
    group, cast, notes = seminar
    response = client_for(cast["instructor"]).get(dashboard_url(group, document))
    assert response.status_code == 200
    rows = rows_by_name(response)
    mia, moritz, ines = rows["mia"], rows["moritz"], rows["ines"]
    assert (mia.annotations, mia.replies, mia.words, mia.paragraphs) == (2, 1, 8, 3)
    assert mia.last_active == notes["anonymous"].created
    assert (moritz.annotations, moritz.replies, moritz.words, moritz.paragraphs) == (0, 1, 4, 1)
    assert (ines.annotations, ines.replies, ines.words, ines.paragraphs) == (1, 0, 3, 1)
    assert "Anonymous classmates" not in rows  # an instructor sees every name
    assert list(rows) == ["mia", "ines", "moritz"]  # most posts first, then by name

    dashboard = response.context["dashboard"]
    heat = {h.anchor: (h.annotations, h.replies) for h in dashboard.heat}
    assert heat == {"p0": (0, 0), "p1": (0, 0), "p2": (1, 1), "p3": (1, 0), "p4": (1, 1)}
    assert dashboard.tags == [{"tag": "policy", "count": 2}, {"tag": "economy", "count": 1}]
    assert [(d.annotations, d.replies) for d in dashboard.activity] == [(3, 2)]
    assert [q.pk for q in dashboard.questions] == [notes["q2"].pk]
    assert [(f["annotation_pk"], f["flags"]) for f in dashboard.flags] == [(notes["q2"].pk, 1)]
    assert response.context["totals"] == {"annotations": 3, "replies": 2, "active_members": 3, "members": 3}

    page = response.content.decode()
    assert 'role="img"' in page and "<title id=" in page and "<desc id=" in page
    assert "Green energy" in page  # the open question, linked
    assert "Just for me" not in page and "Deleted thought" not in page and "Other seminar" not in page


def test_a_moderator_sees_anonymous_posts_as_anonymous(client, document, seminar):
    group, cast, _notes = seminar
    response = client_for(cast["moderator"]).get(dashboard_url(group, document))
    assert response.status_code == 200
    rows = rows_by_name(response)
    mia = rows["mia"]
    assert (mia.annotations, mia.replies, mia.words, mia.paragraphs) == (2, 0, 6, 2)
    anonymous = rows["Anonymous classmates"]
    assert (anonymous.annotations, anonymous.replies, anonymous.words, anonymous.paragraphs) == (0, 1, 2, 1)
    csv_rows = read_csv(client_for(cast["moderator"]), group, document, "participation")
    assert ["mia", "Member", "2", "0", "6", "2"] == csv_rows["mia"][:6]
    assert csv_rows["Anonymous classmates"][2:6] == ["0", "1", "2", "1"]


def test_a_question_asked_anonymously_shows_no_name_to_a_moderator(client, document, seminar):
    group, cast, notes = seminar
    Curation.objects.filter(pk=notes["q2"].pk).update(is_anonymous=True)
    moderator_page = client_for(cast["moderator"]).get(dashboard_url(group, document))
    assert [q.shown_author for q in moderator_page.context["dashboard"].questions] == ["Anonymous classmate"]
    instructor_page = client_for(cast["instructor"]).get(dashboard_url(group, document))
    assert [q.shown_author for q in instructor_page.context["dashboard"].questions] == ["mia"]


@pytest.mark.parametrize(
    "role, status",
    [("anonymous", 302), ("outsider", 404), ("other_instructor", 404), ("member", 403),
     ("moderator", 200), ("instructor", 200), ("superuser", 200)],
)
def test_only_instructors_moderators_and_superusers_see_the_dashboard(request_as, group_roles, document, role, status):
    group, _other, _cast = group_roles
    urls = [
        reverse("dashboard", args=[group.pk]),
        dashboard_url(group, document),
        reverse("dashboard_csv", args=[group.pk, document.slug, "participation"]),
    ]
    for url in urls:
        assert request_as(role, "GET", url).status_code == status, url


def test_the_dashboard_is_not_there_for_a_document_the_group_cannot_read(client, document, seminar):
    from versions.models import Publication

    group, cast, _ = seminar
    _group, other = group, seminar[0].__class__.objects.get(name="Other seminar")
    Publication.objects.create(document=document, group=other)
    assert client_for(cast["instructor"]).get(dashboard_url(group, document)).status_code == 404


def read_csv(client, group, document, table):
    response = client.get(reverse("dashboard_csv", args=[group.pk, document.slug, table]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    return {row[0]: row for row in rows}


def test_every_table_downloads_as_csv_with_the_page_numbers(client, document, seminar):
    group, cast, notes = seminar
    client = client_for(cast["instructor"])
    participation = read_csv(client, group, document, "participation")
    assert participation["Member"][:6] == ["Member", "Role", "Notes", "Replies", "Words written", "Paragraphs covered"]
    assert participation["mia"][:6] == ["mia", "Member", "2", "1", "8", "3"]
    paragraphs = read_csv(client, group, document, "paragraphs")
    assert paragraphs["3"][1:5] == ["p2", "body", "1", "1"]  # numbered from 1, as on the reading page
    assert paragraphs["1"][3:5] == ["0", "0"]
    assert read_csv(client, group, document, "tags") == {"Tag": ["Tag", "Notes"], "policy": ["policy", "2"], "economy": ["economy", "1"]}
    activity = read_csv(client, group, document, "activity")
    assert [row[1:] for key, row in activity.items() if key != "Day"] == [["3", "2"]]
    questions = read_csv(client, group, document, "questions")
    assert [row[2] for key, row in questions.items() if key != "Asked by"] == ["Green energy"]
    flags = read_csv(client, group, document, "flags")
    assert flags[str(notes["q2"].pk)][1:3] == ["p3", "1"]
    assert client.get(reverse("dashboard_csv", args=[group.pk, document.slug, "secrets"])).status_code == 404


def test_large_numbers_read_with_a_separator_on_the_page_and_stay_plain_in_csv(client, document, seminar):
    group, cast, notes = seminar
    Annotation.objects.filter(pk=notes["q2"].pk).update(body="word " * 1500)
    client = client_for(cast["instructor"])
    page = client.get(dashboard_url(group, document)).content.decode()
    assert '<td class="num">1,50' in page  # the words written by the note's author, grouped
    words = {row[0]: row[4] for row in read_csv(client, group, document, "participation").values()}
    assert any(value.startswith("150") and "," not in value for value in words.values())


def test_csv_cells_that_look_like_formulas_are_defused(client, document, seminar):
    group, cast, notes = seminar
    Annotation.objects.filter(pk=notes["q2"].pk).update(body='=HYPERLINK("http://evil.example","x")')
    questions = read_csv(client_for(cast["instructor"]), group, document, "questions")
    assert [row[2] for key, row in questions.items() if key != "Asked by"] == ['\'=HYPERLINK("http://evil.example","x")']


def _grow(group, document, make_user, members):
    paragraphs = list(document.paragraphs.all())
    for number in range(members):
        user = make_user(f"student{number}")
        Membership.objects.create(group=group, user=user, role=Role.MEMBER)
        for paragraph in paragraphs[2:]:
            a = note(user, paragraph, f"Thought {number} on {paragraph.anchor}", group=group)
            a.tags.add(f"tag{number % 7}")
            Curation.objects.create(annotation=a, is_question=number % 2 == 0)
            Flag.objects.create(annotation=a, user=group_owner(group), reason="Check")


def group_owner(group):
    return Membership.objects.filter(group=group, role=Role.INSTRUCTOR).first().user


def test_the_dashboard_takes_the_same_number_of_queries_for_a_large_group(
    client, document, seminar, make_user, django_assert_max_num_queries, django_assert_num_queries
):
    group, cast, _ = seminar
    client = client_for(cast["instructor"])
    # session, user, group, roles, document; participation (2), heat (2), tags, activity,
    # open questions, waiting flags
    expected = 13
    with django_assert_num_queries(expected):
        small = client.get(dashboard_url(group, document))
    _grow(group, document, make_user, 40)
    with django_assert_max_num_queries(expected):
        large = client.get(dashboard_url(group, document))
    assert len(large.context["dashboard"].participation) == len(small.context["dashboard"].participation) + 40
    assert large.context["totals"]["annotations"] == 3 + 40 * 3
    assert len(large.context["dashboard"].questions) == 1 + 20 * 3
