"""Editing an annotation: by its author only, with optimistic locking (nothing silently overwritten)."""

import re

import pytest
from django.urls import reverse

from annotations import editing
from annotations.models import Annotation, Link, Visibility
from discussions.models import Curation
from tests.discussions_support import client_for, settings_for


@pytest.fixture
def note(document, make_user):
    author = make_user("ada")
    a = Annotation.objects.create(paragraph=document.paragraphs.get(anchor="p2"), author=author, body="First thoughts")
    a.tags.set(["draft"])
    Link.objects.create(annotation=a, url="https://example.org/old", relation="see also")
    return a


def edit(client, a, htmx=False, **data):
    data.setdefault("visibility", "private")
    data.setdefault("version", a.version)
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(reverse("annotation_edit", args=[a.pk]), data, headers=headers)


def test_the_author_edits_note_tags_links_and_visibility(client, note, document):
    client.force_login(note.author)
    old_link = note.links.get()
    response = edit(client, note, body="Second thoughts", tags="final, Policy", visibility="public",
                    remove_links=[old_link.pk], link=f"/d/{document.slug}/#p-p3", relation="contradicts")
    assert response.status_code == 302 and response["Location"] == "/d/short-paper/#p-p2"
    note.refresh_from_db()
    assert (note.body, note.visibility, note.version) == ("Second thoughts", Visibility.PUBLIC, 2)
    assert sorted(t.name for t in note.tags.all()) == ["Policy", "final"]
    link = note.links.get()
    assert (link.target.anchor, link.relation) == ("p3", "contradicts")


def test_the_edit_form_shows_what_is_there(client, note):
    client.force_login(note.author)
    html = client.get(reverse("annotation_edit", args=[note.pk])).text
    assert "First thoughts</textarea>" in html and 'value="draft"' in html
    assert 'name="version" value="1"' in html and 'name="remove_links"' in html


def test_a_stale_edit_is_refused_keeping_my_text_and_showing_the_newer_version(client, note):
    client.force_login(note.author)
    assert edit(client, note, body="Saved from the other tab", tags="draft").status_code == 302
    response = edit(client, note, body="My slower edit", version=1)  # the form I opened before that
    assert response.status_code == 409
    html = response.text
    assert "changed while you were editing" in html
    assert "Saved from the other tab" in html  # the newer version, shown
    assert "My slower edit</textarea>" in html  # what I typed, kept
    assert 'name="version" value="2"' in html  # saving again now is a choice made knowingly
    note.refresh_from_db()
    assert (note.body, note.version) == ("Saved from the other tab", 2)
    # Saving again from that form replaces it.
    assert edit(client, note, body="My slower edit", version=2).status_code == 302
    note.refresh_from_db()
    assert (note.body, note.version) == ("My slower edit", 3)


def test_a_stale_edit_with_htmx_answers_409_with_the_form_in_place(client, note):
    client.force_login(note.author)
    Annotation.objects.filter(pk=note.pk).update(version=5)
    response = edit(client, note, htmx=True, body="Typed", version=1)
    assert response.status_code == 409
    assert response["HX-Retarget"] == f"#edit-{note.pk}" and response["HX-Reswap"] == "outerHTML"
    assert "Typed</textarea>" in response.text


def test_the_locking_is_one_conditional_update(note):
    data = {"body": "A", "visibility": "private", "group": None, "tags": []}
    editing.update_annotation(note.author, note, data, version=1)
    with pytest.raises(editing.EditConflict) as raised:
        editing.update_annotation(note.author, note, {**data, "body": "B"}, version=1)
    assert raised.value.current.body == "A"
    assert Annotation.objects.get(pk=note.pk).body == "A"


def test_bad_input_keeps_everything_typed_and_changes_nothing(client, note):
    client.force_login(note.author)
    response = edit(client, note, body="Kept words", tags="x" * 51, link="javascript:alert(1)")
    assert response.status_code == 422
    html = response.text
    assert "Kept words</textarea>" in html and "x" * 51 in html and "javascript:alert(1)" in html
    assert "at most 50 characters" in html and "http:// or https://" in html
    note.refresh_from_db()
    assert note.body == "First thoughts" and note.version == 1


def test_removing_everything_is_refused(client, note):
    client.force_login(note.author)
    response = edit(client, note, body="", tags="", remove_links=[note.links.get().pk])
    assert response.status_code == 422
    assert "Write a note, add a tag or a link" in response.text


def test_only_the_author_may_edit(client, note, make_user):
    other = make_user("eve")
    client.force_login(other)
    assert client.get(reverse("annotation_edit", args=[note.pk])).status_code == 404  # private: not even there
    Annotation.objects.filter(pk=note.pk).update(visibility=Visibility.PUBLIC)
    assert client.get(reverse("annotation_edit", args=[note.pk])).status_code == 403
    assert edit(client, note, body="Defaced").status_code == 403
    assert Annotation.objects.get(pk=note.pk).body == "First thoughts"


def test_the_edit_link_is_only_on_my_own_cards(client, note, make_user, document):
    Annotation.objects.filter(pk=note.pk).update(visibility=Visibility.PUBLIC)
    edit_url = reverse("annotation_edit", args=[note.pk])
    client.force_login(note.author)
    assert edit_url in client.get(reverse("document", args=[document.slug])).text
    client.force_login(make_user("eve"))
    page = client.get(reverse("document", args=[document.slug])).text
    assert "First thoughts" in page and edit_url not in page


# --- Anonymous to classmates: an edit keeps it, and its author may see and change it -----------


@pytest.fixture
def anonymous_note(seminar):
    """A member's note, anonymous to classmates, in a group that allows it."""
    group, cast, paragraph = seminar
    settings_for(group, allow_anonymous=True)
    a = editing.create_annotation(cast["member"], paragraph, {
        "body": "An unpopular reading", "visibility": Visibility.GROUP, "group": group.pk, "anonymous": True,
    })
    return a, group, cast


def anonymous(a):
    return Curation.objects.filter(annotation=a, is_anonymous=True).exists()


def card_of(html, a):
    return re.search(rf'<article class="annotation[^"]*" id="a-{a.pk}".*?</article>', html, re.S).group(0)


def test_the_edit_form_shows_the_note_is_anonymous_and_an_edit_keeps_it(anonymous_note):
    a, group, cast = anonymous_note
    mine = client_for(cast["member"])
    form = mine.get(reverse("annotation_edit", args=[a.pk]), headers={"HX-Request": "true"}).text
    assert re.search(r'<input type="checkbox" name="anonymous"[^>]*checked', form)
    response = edit(mine, a, htmx=True, body="A reading, revised", visibility=f"group-{group.pk}", anonymous="on")
    assert response.status_code == 200
    assert anonymous(a)
    # In the margin that comes back: the author is told, their classmates see no name.
    assert 'class="badge badge-anonymous">Posted anonymously<' in card_of(response.text, a)
    page = reverse("document", args=[a.paragraph.document.slug])
    classmate = card_of(client_for(cast["moderator"]).get(page).text, a)
    assert "Anonymous classmate" in classmate and cast["member"].get_username() not in classmate
    instructor = card_of(client_for(cast["instructor"]).get(page).text, a)
    assert 'class="badge badge-anonymous">Anonymous to classmates<' in instructor


def test_its_author_may_sign_an_anonymous_note_and_make_it_anonymous_again(anonymous_note):
    a, group, cast = anonymous_note
    mine = client_for(cast["member"])
    assert edit(mine, a, body="Signed after all", visibility=f"group-{group.pk}").status_code == 302
    assert not anonymous(a)
    a.refresh_from_db()
    assert edit(mine, a, body="Anonymous again", visibility=f"group-{group.pk}", anonymous="on").status_code == 302
    assert anonymous(a)


def test_an_anonymous_note_cannot_move_where_anonymity_is_not_allowed_and_nothing_is_lost(anonymous_note):
    a, group, cast = anonymous_note
    response = edit(client_for(cast["member"]), a, body="Now for everyone", visibility="public", anonymous="on")
    assert response.status_code == 422
    assert "Only a note shared with a group can be anonymous to classmates." in response.text
    assert "Now for everyone</textarea>" in response.text
    a.refresh_from_db()
    assert (a.visibility, a.body) == (Visibility.GROUP, "An unpopular reading") and anonymous(a)


def test_anonymity_is_not_offered_on_edit_where_no_group_allows_it(seminar):
    group, cast, paragraph = seminar
    a = editing.create_annotation(cast["member"], paragraph, {"body": "Plain", "visibility": Visibility.GROUP, "group": group.pk})
    html = client_for(cast["member"]).get(reverse("annotation_edit", args=[a.pk])).text
    assert 'name="anonymous"' not in html
    assert edit(client_for(cast["member"]), a, body="Still plain", visibility=f"group-{group.pk}").status_code == 302
    assert not Curation.objects.filter(annotation=a).exists()
