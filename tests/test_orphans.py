"""The orphans pages: who sees an orphaned annotation, and attaching it again in one click."""

from pathlib import Path

import pytest
from django.urls import reverse

from annotations.models import Annotation, Visibility
from reader.importing import import_document
from reader.models import Document
from versions.models import Orphan
from versions.moving import publish_new_version

SEED = (Path(__file__).resolve().parent.parent / "fixtures" / "new-industrialization.txt").read_text()
OLD_SENTENCE = "Participation by all its people is required to achieve Chinese modernization and share the benefits."
NEW_SENTENCE = "Everyone must take part in it, and everyone must gain from it."


@pytest.fixture
def orphaned(db, group_roles):
    """Three passages on a sentence the new version rewrote: the member's group note, their
    private note, and the moderator's group note. All three become orphans."""
    group, _, cast = group_roles
    v1, _ = import_document(SEED, "paper")
    paragraph = v1.paragraphs.get(text__contains=OLD_SENTENCE)
    start = paragraph.text.index(OLD_SENTENCE)
    selector = dict(
        quote=OLD_SENTENCE, start=start, end=start + len(OLD_SENTENCE),
        prefix=paragraph.text[start - 32 : start], suffix=paragraph.text[start + len(OLD_SENTENCE) :][:32],
    )
    notes = {
        "group": Annotation.objects.create(paragraph=paragraph, author=cast["member"], body="Who is *all*?",
                                           visibility=Visibility.GROUP, group=group, **selector),
        "private": Annotation.objects.create(paragraph=paragraph, author=cast["member"], body="Mine only.", **selector),
        "moderator": Annotation.objects.create(paragraph=paragraph, author=cast["moderator"], body="Moderator's.",
                                               visibility=Visibility.GROUP, group=group, **selector),
    }
    publish_new_version(v1, SEED.replace(OLD_SENTENCE, NEW_SENTENCE))
    assert Orphan.objects.open().count() == 3
    return notes, cast, Document.objects.get(slug="paper")


def _orphan(annotation):
    return Orphan.objects.open().get(annotation=annotation)


def test_author_and_instructor_see_the_orphans_they_may_repair(client, orphaned, django_assert_max_num_queries):
    notes, cast, _ = orphaned
    client.force_login(cast["member"])
    # Queries: session, user, the user's roles, the orphans (with annotation, author, paragraph, document).
    with django_assert_max_num_queries(4):
        html = client.get(reverse("orphans")).content.decode()
    # The list shows notes as text: their Markdown rendered, its markup dropped.
    assert "Who is all?" in html and "Mine only." in html and "Moderator&#x27;s." not in html

    client.force_login(cast["instructor"])
    html = client.get(reverse("orphans")).content.decode()
    assert "Who is all?" in html and "Moderator&#x27;s." in html
    assert "Mine only." not in html  # private stays private, even from the instructor
    assert client.get(_orphan(notes["private"]).get_absolute_url()).status_code == 404

    for stranger in ("outsider", "other_instructor"):
        client.force_login(cast[stranger])
        assert "Who is" not in client.get(reverse("orphans")).content.decode()
        assert client.get(_orphan(notes["group"]).get_absolute_url()).status_code == 404


def test_orphan_page_shows_old_paragraph_candidates_and_diff(client, orphaned):
    notes, cast, current = orphaned
    client.force_login(cast["member"])
    html = client.get(_orphan(notes["group"]).get_absolute_url()).content.decode()
    assert "Who is <em>all</em>?" in html  # the note as its Markdown says
    assert f"<mark>{OLD_SENTENCE}</mark>" in html
    assert "the passage was rewritten" in html
    assert "<del>Participation by all its people" in html and "<ins>Everyone must take part" in html
    rewritten = current.paragraphs.get(text__contains=NEW_SENTENCE)
    assert f'name="paragraph" value="{rewritten.pk}"' in html


def test_attach_to_a_passage_in_one_click(client, orphaned):
    notes, cast, current = orphaned
    note = notes["group"]
    rewritten = current.paragraphs.get(text__contains=NEW_SENTENCE)
    client.force_login(cast["member"])
    response = client.post(
        reverse("orphan_attach", args=[_orphan(note).pk]),
        {"paragraph": rewritten.pk, "quote": NEW_SENTENCE, "version": note.version},
    )
    assert response.status_code == 302 and response.url == f"/d/paper/#p-{rewritten.anchor}"
    note.refresh_from_db()
    assert note.paragraph == rewritten and note.quote == NEW_SENTENCE
    assert rewritten.text[note.start : note.end] == NEW_SENTENCE
    assert not Orphan.objects.open().filter(annotation=note).exists()
    assert Orphan.objects.get(annotation=note).resolved_by == cast["member"]


def test_instructor_attaches_a_group_note_to_the_whole_paragraph(client, orphaned):
    notes, cast, current = orphaned
    note = notes["moderator"]
    target = current.paragraphs.get(text__contains=NEW_SENTENCE)
    client.force_login(cast["instructor"])
    client.post(reverse("orphan_attach", args=[_orphan(note).pk]), {"paragraph": target.pk})
    note.refresh_from_db()
    assert note.paragraph == target and note.quote == "" and note.start is None


def test_words_not_in_the_paragraph_are_refused_and_kept(client, orphaned):
    notes, cast, current = orphaned
    orphan = _orphan(notes["group"])
    target = current.paragraphs.get(text__contains=NEW_SENTENCE)
    client.force_login(cast["member"])
    response = client.post(reverse("orphan_attach", args=[orphan.pk]), {"paragraph": target.pk, "quote": "not there at all"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "Those words are not in the chosen paragraph" in html and 'value="not there at all"' in html
    assert Orphan.objects.open().filter(pk=orphan.pk).exists()


def test_a_paragraph_of_an_old_version_is_refused(client, orphaned):
    notes, cast, _ = orphaned
    orphan = _orphan(notes["group"])
    client.force_login(cast["member"])
    response = client.post(reverse("orphan_attach", args=[orphan.pk]), {"paragraph": orphan.old_paragraph_id})
    assert response.status_code == 422 and "Choose a paragraph of the current version." in response.content.decode()


def test_a_stale_page_gets_a_conflict(client, orphaned):
    notes, cast, current = orphaned
    note = notes["group"]
    Annotation.objects.filter(pk=note.pk).update(version=note.version + 1)
    client.force_login(cast["member"])
    response = client.post(
        reverse("orphan_attach", args=[_orphan(note).pk]),
        {"paragraph": current.paragraphs.first().pk, "version": note.version},
    )
    assert response.status_code == 409
    assert Orphan.objects.open().filter(annotation=note).exists()


def test_attach_is_post_only(client, orphaned):
    notes, cast, _ = orphaned
    client.force_login(cast["member"])
    assert client.get(reverse("orphan_attach", args=[_orphan(notes["group"]).pk])).status_code == 405


def test_the_header_offers_orphans_only_to_whoever_has_some(client, orphaned, django_assert_num_queries):
    notes, cast, _ = orphaned
    nav = reverse("orphans_nav")
    client.force_login(cast["member"])
    assert nav in client.get(reverse("library")).text  # the page asks for the link after loading
    with django_assert_num_queries(4):  # session, user, the user's roles, the count
        fragment = client.get(nav).text
    assert f'href="{reverse("orphans")}"' in fragment and ">2<" in fragment  # the group note and the private one
    client.force_login(cast["outsider"])
    assert client.get(nav).text.strip() == ""
    client.logout()
    assert client.get(nav).text.strip() == "" and nav not in client.get(reverse("library")).text
