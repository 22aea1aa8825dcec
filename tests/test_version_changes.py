"""Every kind of paragraph change between versions: the history page names each one, the
upload preview counts them, and a paragraph keeps its anchor (its links) across versions."""

import pytest
from django.urls import reverse

from reader.importing import import_document
from reader.models import Document
from versions.models import Upload
from versions.moving import publish_new_version

EDITED_OLD = "Alpa paragraph about the harvest and the weather in spring and summer."
EDITED_NEW = "Alpha paragraph about the harvest and the weather in spring and summer."
SPLIT = "Bravo paragraph describes the long road to the market town and back again. Its second sentence tells of the bridge."
SPLIT_PARTS = ("Bravo paragraph describes the long road to the market town and back again.", "Its second sentence tells of the bridge.")
MERGED_PIECES = ("Charlie short piece on rivers and their many floods.", "Delta short piece on bridges and their many arches.")
DELETED = "Echo paragraph will be deleted entirely from the text of the paper."
FIRST, SECOND = "Foxtrot is the first paragraph of a swapped pair.", "Golf is the second paragraph of a swapped pair."
ADDED = "Hotel is a brand new paragraph that no earlier version had."
STAYS = "India stays exactly where it was, word for word."


def _text(*paragraphs):
    return "\n\n".join(("A Title", "1. Intro", *paragraphs)) + "\n"


V1 = _text(EDITED_OLD, SPLIT, *MERGED_PIECES, DELETED, FIRST, SECOND, STAYS)
V2 = _text(EDITED_NEW, *SPLIT_PARTS, " ".join(MERGED_PIECES), SECOND, FIRST, ADDED, STAYS)


@pytest.fixture
def versions(db):
    v1, _ = import_document(V1, "paper")
    publish_new_version(v1, V2)
    return Document.objects.get(slug="paper"), Document.objects.get(slug="paper--v1")


def _change(html, kind):
    """The text of the history's first entry of one kind."""
    start = html.index(f'class="change change-{kind}"')
    return html[start : html.index("</li>", start)]


def test_history_names_every_kind_of_change(client, versions):
    response = client.get(reverse("document_history", args=["paper"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<ins>Hotel is a brand new paragraph" in _change(html, "added")
    assert "<del>Echo paragraph will be deleted" in _change(html, "deleted")
    assert "<del>Alpa </del><ins>Alpha </ins>" in _change(html, "edited")
    assert "into 2 paragraphs" in _change(html, "split")
    assert "from 2 paragraphs" in _change(html, "merged")
    moved = _change(html, "moved")
    assert ("Foxtrot" in moved) != ("Golf" in moved)  # one of the pair moved past the other
    assert "from paragraph" in moved and "to paragraph" in moved
    # Title, heading, the paragraph that stayed and one of the pair: unchanged.
    assert "6 changes; 4 paragraphs unchanged" in html


def test_swapped_paragraphs_keep_their_notes_and_show_as_moved_in_the_preview(client, db, make_user):
    author = make_user("ada")
    v1, _ = import_document(_text(FIRST, SECOND), "pair")
    upload = Upload.objects.create(uploaded_by=author, source_name="v2.txt", text=_text(SECOND, FIRST), replaces=v1)
    client.force_login(author)
    html = client.get(reverse("upload_preview", args=[upload.pk])).content.decode()
    assert "<strong>1</strong> moved" in html
    report = publish_new_version(v1, _text(SECOND, FIRST))
    assert report.paragraphs["moved"] == 1 and report.paragraphs["unchanged"] == 3


def test_a_paragraph_keeps_its_anchor_when_its_first_words_are_fixed(client, versions):
    current, old = versions
    old_anchor = old.paragraphs.get(text=EDITED_OLD).anchor
    assert current.paragraphs.get(text=EDITED_NEW).anchor == old_anchor
    # The split's first part and the merge keep theirs; the second part gets its own.
    assert current.paragraphs.get(text=SPLIT_PARTS[0]).anchor == old.paragraphs.get(text=SPLIT).anchor
    merged = current.paragraphs.get(text=" ".join(MERGED_PIECES))
    assert merged.anchor == old.paragraphs.get(text=MERGED_PIECES[0]).anchor
    anchors = list(current.paragraphs.values_list("anchor", flat=True))
    assert len(anchors) == len(set(anchors))
    response = client.get(reverse("paragraph_permalink", args=["paper", old_anchor]))
    assert response.url == f"/d/paper/#p-{old_anchor}"


def test_a_deleted_paragraph_link_lands_in_the_old_version_which_says_so(client, versions):
    current, old = versions
    deleted = old.paragraphs.get(text=DELETED)
    response = client.get(reverse("paragraph_permalink", args=["paper", deleted.anchor]))
    assert response.url == f"/d/paper/v/1/#p-{deleted.anchor}"
    html = client.get("/d/paper/v/1/").content.decode()
    note = html[html.index(f'id="p-{deleted.anchor}"') :]
    assert note.index("This paragraph is not in version 2: it was deleted then.") < note.index("Foxtrot")


def test_api_paragraph_ids_of_an_old_version_reach_the_current_paragraph(client, versions):
    current, old = versions
    edited = client.get(f"/api/paragraphs/{old.paragraphs.get(text=EDITED_OLD).pk}").json()
    assert edited["id"] == current.paragraphs.get(text=EDITED_NEW).pk
    assert edited["text"] == EDITED_NEW and edited["url"] == f"/d/paper/#p-{edited['anchor']}"
    assert edited["deleted_after_version"] is None
    deleted = client.get(f"/api/paragraphs/{old.paragraphs.get(text=DELETED).pk}").json()
    assert deleted["text"] == DELETED and deleted["deleted_after_version"] == 1
    assert deleted["url"].startswith("/d/paper/v/1/#p-")
