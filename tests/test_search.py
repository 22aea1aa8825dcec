"""The search page: one ranked list over the paper's text and the notes I may see."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations.models import Annotation, Link, Visibility
from annotations.search import SearchFilters, ranked_annotations
from discussions.models import Curation
from reader.models import Document, Paragraph
from versions.models import Publication


@pytest.fixture
def notes(document, group_roles):
    """Notes by several people about 'energy', with every visibility."""
    group, other, cast = group_roles
    p = {para.anchor: para for para in document.paragraphs.all()}
    make = Annotation.objects.create
    n = {
        "public": make(paragraph=p["p3"], author=cast["member"], body="Public remark on energy transition",
                       visibility=Visibility.PUBLIC),
        "group": make(paragraph=p["p3"], author=cast["instructor"], body="Seminar energy question",
                      visibility=Visibility.GROUP, group=group),
        "other_group": make(paragraph=p["p3"], author=cast["other_instructor"], body="Otherworldly energy secret",
                            visibility=Visibility.GROUP, group=other),
        "private": make(paragraph=p["p3"], author=cast["moderator"], body="Private energy diary",
                        visibility=Visibility.PRIVATE),
    }
    n["public"].tags.add("green")
    n["group"].tags.add("green", "policy")
    n["reply"] = make(paragraph=p["p3"], author=cast["member"], body="Reply about energy prices",
                      visibility=Visibility.GROUP, group=group, parent=n["group"])
    Link.objects.create(annotation=n["group"], target=p["p2"], relation="supports")
    Curation.objects.create(annotation=n["group"], is_prompt=True)  # the instructor's discussion prompt
    return n


def search(client, **params):
    return client.get(reverse("search"), params)


def test_empty_page_invites_a_search(client, db):
    response = search(client)
    assert response.status_code == 200
    assert "Type a few words" in response.text


def test_finds_paper_text_with_highlighted_snippet(client, document):
    response = search(client, q="energy")
    assert response.status_code == 200
    assert "Paper text" in response.text
    assert "<mark>energy</mark>" in response.text


def test_paper_text_from_a_printed_source_cites_its_page(client, document):
    document.paragraphs.update(page="117")
    response = search(client, q="energy")
    assert ", p. 117</a>" in response.text


def test_anonymous_sees_only_public_notes_and_counts_match(client, notes):
    response = search(client, q="energy", kind="note")
    assert "Public remark" in response.text
    for secret in ("Seminar energy", "Otherworldly", "Private energy", "Reply about"):
        assert secret not in response.text
    assert response.context["results"].count == 1


@pytest.mark.parametrize(
    "role, seen, unseen",
    [
        ("outsider", {"public"}, {"group", "other_group", "private", "reply"}),
        ("member", {"public", "group", "reply"}, {"other_group", "private"}),
        ("moderator", {"public", "group", "reply", "private"}, {"other_group"}),
        ("other_instructor", {"public", "other_group"}, {"group", "private", "reply"}),
        ("superuser", {"public", "group", "other_group", "reply"}, {"private"}),
    ],
)
def test_search_never_reveals_hidden_notes(client, notes, group_roles, role, seen, unseen):
    client.force_login(group_roles[2][role])
    response = search(client, q="energy", kind="")
    ids = {hit.object.pk for hit in response.context["results"].hits if hit.kind == "annotation"}
    assert ids == {notes[name].pk for name in seen}
    for name in unseen:
        assert notes[name].body not in response.text
    # One paragraph of paper text also mentions energy; the count adds up to what is shown.
    assert response.context["results"].count == len(seen) + 1


def test_hidden_and_deleted_notes_stay_out(client, notes, group_roles):
    from django.utils import timezone

    Annotation.objects.filter(pk=notes["public"].pk).update(hidden_at=timezone.now())
    Annotation.objects.filter(pk=notes["group"].pk).update(deleted_at=timezone.now())
    # Anonymous: the hidden public note is gone.
    assert search(client, q="energy", kind="note").context["results"].count == 0
    # A member sees their own hidden note (authors always do), but not the deleted group one.
    client.force_login(group_roles[2]["member"])
    hits = search(client, q="energy", kind="note").context["results"].hits
    assert [h.object.pk for h in hits] == [notes["public"].pk]


def test_snippets_escape_user_html_but_keep_highlights(client, document, group_roles):
    Annotation.objects.create(
        paragraph=document.paragraphs.get(anchor="p2"), author=group_roles[2]["member"],
        body="<script>alert('x')</script> if x < y && modernization \ue000 <img src=x onerror=alert(1)>",
        visibility=Visibility.PUBLIC,
    )
    response = search(client, q="modernization", kind="note")
    assert "<script>alert" not in response.text
    assert "<img" not in response.text
    assert "&lt;img src=x" in response.text  # shown as text, not markup
    assert "<mark>modernization</mark>" in response.text


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"tag": "policy"}, {"group"}),
        ({"tag": "green"}, {"public", "group"}),
        ({"author": "mia"}, {"public", "reply"}),
        ({"kind": "reply"}, {"reply"}),
        ({"kind": "prompt"}, {"group"}),
        ({"visibility": "public"}, {"public"}),
        ({"relation": "supports"}, {"group"}),
        ({"section": "1"}, {"public", "group", "reply"}),
        ({"section": "2"}, set()),
        ({"document": "short-paper", "kind": "note"}, {"public", "group"}),
    ],
)
def test_filters(client, notes, group_roles, params, expected):
    client.force_login(group_roles[2]["member"])
    response = search(client, q="energy", **params)
    assert response.status_code == 200
    ids = {hit.object.pk for hit in response.context["results"].hits if hit.kind == "annotation"}
    assert ids == {notes[name].pk for name in expected}


def test_annotation_only_filters_drop_paper_text(client, notes):
    response = search(client, q="energy", tag="green")
    assert all(hit.kind == "annotation" for hit in response.context["results"].hits)


def test_group_filter_only_offers_my_groups(client, notes, group_roles):
    group, other, cast = group_roles
    client.force_login(cast["member"])
    assert search(client, q="energy", group=group.pk).context["results"].count == 2
    response = search(client, q="energy", group=other.pk)
    assert response.status_code == 400
    assert "Select a valid choice" in response.text
    assert "Otherworldly" not in response.text


def test_date_range(client, notes, group_roles):
    from datetime import timedelta

    from django.utils import timezone

    Annotation.objects.filter(pk=notes["public"].pk).update(created=timezone.now() - timedelta(days=10))
    client.force_login(group_roles[2]["member"])
    today = timezone.localdate().isoformat()
    hits = search(client, q="energy", date_from=today).context["results"].hits
    assert notes["public"].pk not in {h.object.pk for h in hits}
    earlier = (timezone.localdate() - timedelta(days=11)).isoformat()
    response = search(client, q="energy", date_from=earlier, date_to=(timezone.localdate() - timedelta(days=9)).isoformat())
    assert {h.object.pk for h in response.context["results"].hits} == {notes["public"].pk}


def test_bad_dates_get_field_errors_and_keep_input(client, db):
    response = search(client, q="energy", date_from="2025-05-02", date_to="2025-05-01")
    assert response.status_code == 400
    assert "before the start date" in response.text
    assert 'value="energy"' in response.text
    response = search(client, q="x", date_from="not-a-date")
    assert response.status_code == 400


def test_nul_characters_do_not_break_the_page(client, db):
    assert search(client, q="energy\x00").status_code == 400


def test_unpublished_documents_stay_out(client, document):
    Document.objects.filter(pk=document.pk).update(is_published=False)
    assert search(client, q="energy").context["results"].count == 0


@pytest.mark.parametrize("closed", ["unpublished", "published for another group"])
def test_notes_on_a_paper_i_may_not_read_stay_out(client, notes, group_roles, closed):
    """Only the papers I may not read are left out, whichever way they are closed to me; the
    API's list (ranked_annotations) leaves them out too."""
    _group, other, cast = group_roles
    elsewhere = Document.objects.create(title="Another Paper", slug="another-paper")
    paragraph = Paragraph.objects.create(document=elsewhere, position=0, text="Elsewhere.", anchor="e0",
                                         content_hash="e")
    closed_note = Annotation.objects.create(paragraph=paragraph, author=cast["other_instructor"],
                                            body="Closed energy note", visibility=Visibility.PUBLIC)
    if closed == "unpublished":
        Document.objects.filter(pk=elsewhere.pk).update(is_published=False)
    else:
        Publication.objects.create(document=elsewhere, group=other)
    client.force_login(cast["member"])
    text = search(client, q="energy", kind="note").text
    assert "Closed" not in text
    assert "Public remark" in text
    listed = ranked_annotations(cast["member"], SearchFilters(q="energy"))
    assert closed_note not in listed and notes["public"] in listed


def test_pagination_keeps_filters_in_the_url(client, document, group_roles):
    member = group_roles[2]["member"]
    paragraph = document.paragraphs.get(anchor="p3")
    for i in range(25):
        Annotation.objects.create(paragraph=paragraph, author=member, body=f"energy note {i}",
                                  visibility=Visibility.PUBLIC)
    response = search(client, q="energy", kind="note")
    assert response.context["results"].count == 25
    assert len(response.context["results"].hits) == 20
    assert "q=energy&amp;kind=note&amp;page=2" in response.text
    second = search(client, q="energy", kind="note", page=2)
    assert len(second.context["results"].hits) == 5


@pytest.mark.parametrize("page, shown", [("99", 2), ("0", 2), ("two", 1), ("", 1), ("1" + "0" * 30, 2)])
def test_a_page_number_past_the_end_shows_the_last_page(client, document, group_roles, page, shown):
    """As Django's Paginator.get_page: a page out of range shows the last, one that is not a
    number the first; never an error."""
    member = group_roles[2]["member"]
    paragraph = document.paragraphs.get(anchor="p3")
    made = [Annotation.objects.create(paragraph=paragraph, author=member, body=f"energy note {i}",
                                      visibility=Visibility.PUBLIC) for i in range(25)]
    response = search(client, q="energy", kind="note", page=page)
    assert response.status_code == 200
    results = response.context["results"]
    assert (results.page.number, results.count) == (shown, 25)
    assert len(results.hits) == (5 if shown == 2 else 20)
    assert f"Page {shown} of 2" in response.text
    if shown == 2:  # the oldest five: the same words rank alike, then newest first
        assert {hit.object.pk for hit in results.hits} == {a.pk for a in made[:5]}


def test_nothing_found_costs_no_count(client, document, group_roles, monkeypatch, django_assert_num_queries):
    monkeypatch.setattr("annotations.search.CANDIDATE_WINDOW", 10**12)  # one window, whatever ids earlier tests took
    Annotation.objects.create(paragraph=document.paragraphs.get(anchor="p3"), author=group_roles[2]["member"],
                              body="energy", visibility=Visibility.PUBLIC)
    # Signed out: documents (form), the scope (permissions.on_documents_q), the highest annotation id,
    # the only window after its setting (in a savepoint and its release here, inside the
    # test's transaction), the page's rows (none, so the count is 0 unasked)
    with django_assert_num_queries(8):
        response = search(client, q="zeppelin")
    assert response.context["results"].count == 0
    assert "0 results" in response.text


def test_a_common_word_ranks_only_the_newest_matches_and_says_so(client, document, group_roles, monkeypatch):
    """Ranking every match of a word in half the notes took seconds: only the newest
    CANDIDATE_LIMIT are ranked, and the count says there may be more."""
    monkeypatch.setattr("annotations.search.CANDIDATE_LIMIT", 3)
    member = group_roles[2]["member"]
    paragraph = document.paragraphs.get(anchor="p3")
    made = [Annotation.objects.create(paragraph=paragraph, author=member, body=f"energy note {i}",
                                      visibility=Visibility.PUBLIC) for i in range(5)]
    response = search(client, q="energy", kind="note")
    assert {hit.object.pk for hit in response.context["results"].hits} == {a.pk for a in made[2:]}
    assert "3+ results, ranked among the 3 newest matching notes" in response.text

    few = search(client, q="energy note 1", kind="note")
    assert "+ results" not in few.text


def test_paragraph_hits_do_not_make_the_notes_look_capped(client, document, group_roles, monkeypatch):
    """Two notes and the paper's own "energy" paragraph make three hits, the limit: but only
    the notes are capped, and two notes are not."""
    monkeypatch.setattr("annotations.search.CANDIDATE_LIMIT", 3)
    member = group_roles[2]["member"]
    paragraph = document.paragraphs.get(anchor="p3")
    for i in range(2):
        Annotation.objects.create(paragraph=paragraph, author=member, body=f"energy note {i}", visibility=Visibility.PUBLIC)
    response = search(client, q="energy")
    assert response.context["results"].count == 3
    assert "3 results" in response.text and "+ results" not in response.text


def test_the_newest_matches_are_found_beyond_the_first_window(client, document, group_roles, monkeypatch):
    """Candidates are looked for among the last CANDIDATE_WINDOW notes added, then in the older
    stretch below it that the rate of matches found there says is needed: the answer is the
    same as reading all."""
    monkeypatch.setattr("annotations.search.CANDIDATE_LIMIT", 3)
    monkeypatch.setattr("annotations.search.CANDIDATE_WINDOW", 4)
    member = group_roles[2]["member"]
    paragraph = document.paragraphs.get(anchor="p3")
    made = [Annotation.objects.create(paragraph=paragraph, author=member, visibility=Visibility.PUBLIC,
                                      body=f"energy note {i}" if i % 4 == 0 else f"other note {i}")
            for i in range(12)]  # matches: 0, 4 and 8; the last four notes added hold one
    with CaptureQueriesContext(connection) as queries:
        response = search(client, q="energy", kind="note")
    assert {hit.object.pk for hit in response.context["results"].hits} == {made[0].pk, made[4].pk, made[8].pk}
    assert "3+ results" in response.text
    windows = [q["sql"] for q in queries if '"annotations_annotation"."id" >' in q["sql"]]
    stretches = [tuple(int(n) for n in re.search(r'"id" > (\d+) AND "annotations_annotation"."id" <= (\d+)', sql).groups())
                 for sql in windows]
    # The last four notes (one match), then the twelve below them: two more wanted at one in
    # four, half as many again. The second reads only its own stretch.
    last = made[-1].pk
    assert stretches == [(last - 4, last), (max(last - 16, 0), last - 4)]

    rare = search(client, q="note 11")  # one match, found in the first window; then everything
    assert [hit.object.pk for hit in rare.context["results"].hits] == [made[11].pk]

    # Matches that sparse (SPARSE_RATE) have the next stretch read through the GIN index
    # instead of walked: a plan, not an answer, changes.
    monkeypatch.setattr("annotations.search.SPARSE_RATE", 0.5)
    with CaptureQueriesContext(connection) as queries:
        response = search(client, q="energy", kind="note")
    assert {hit.object.pk for hit in response.context["results"].hits} == {made[0].pk, made[4].pk, made[8].pk}
    assert [q["sql"] for q in queries if "enable_indexscan" in q["sql"]] == ["SET LOCAL enable_indexscan = off"]


def test_query_count_is_constant(client, document, group_roles, django_assert_max_num_queries):
    group, _, cast = group_roles
    client.force_login(cast["member"])
    paragraph = document.paragraphs.get(anchor="p3")
    for i in range(30):
        a = Annotation.objects.create(paragraph=paragraph, author=cast["instructor"], body=f"energy {i}",
                                      visibility=Visibility.GROUP, group=group)
        a.tags.add(f"t{i}", "common")
    for i in range(10):
        Paragraph.objects.create(document=document, position=10 + i, text=f"More energy {i}",
                                 anchor=f"x{i}", content_hash="x")
    # session, user, documents (form, and the search's scope), groups (form), roles, the
    # scope (permissions.on_documents_q), the highest annotation id, the newest matching annotation ids
    # after their setting, in a savepoint here (when earlier tests have taken ids past
    # CANDIDATE_WINDOW: the window, too few there, the setting for sparse matches, then the
    # rest), page rows with the count, paragraphs of the page, annotations of the page, their
    # tags
    with django_assert_max_num_queries(17):
        response = search(client, q="energy")
    assert len(response.context["results"].hits) == 20


def test_a_note_with_a_tag_in_two_cases_is_one_hit(client, document, group_roles):
    """The tag filter matches any case; a note tagged both "Energy" and "energy" is found once."""
    note = Annotation.objects.create(paragraph=document.paragraphs.get(anchor="p3"), author=group_roles[2]["member"],
                                     body="Twice-tagged energy note", visibility=Visibility.PUBLIC)
    note.tags.add("Energy", "energy")
    results = search(client, q="energy", tag="ENERGY").context["results"]
    assert [hit.object.pk for hit in results.hits] == [note.pk] and results.count == 1
