"""import_document --new-version: the move to a new version keeps every annotation, all or nothing."""

import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from annotations.models import Annotation, Link, Visibility
from reader.importing import import_document
from reader.models import Document, Paragraph
from versions.models import AnnotationMove, DocumentVersion, Orphan, ParagraphChange

SEED = (Path(__file__).resolve().parent.parent / "fixtures" / "new-industrialization.txt").read_text()
SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z“])")

TYPO = "This paradigm dictates that the economic foundaton shapes the superstructure."
FIXED = "This paradigm dictates that the economic foundation shapes the superstructure."
DELETED_START = "When it comes to human capital, new industrialization"
REWRITTEN = "Participation by all its people is required to achieve Chinese modernization and share the benefits."


def corrected(text):
    """The instructor's corrected version: a typo fixed, a paragraph cut, a sentence rewritten."""
    text = text.replace(TYPO, FIXED)
    at = text.index(DELETED_START)
    text = text[:at] + text[text.index("\n\n", at) + 2 :]
    return text.replace(REWRITTEN, "Everyone must take part in it, and everyone must gain from it.")


@pytest.fixture
def paper(db, make_user, group_roles):
    """The seed paper, as first published with a typo, and notes on all its body paragraphs."""
    group, _, cast = group_roles
    document, _ = import_document(SEED.replace(FIXED, TYPO), "new-industrialization")
    reader = cast["member"]
    for paragraph in document.paragraphs.filter(kind="body"):
        sentences = SENTENCE_BREAK.split(paragraph.text)
        sentence = sentences[1] if len(sentences) > 1 else sentences[0]
        start = paragraph.text.index(sentence)
        end = start + len(sentence)
        Annotation.objects.create(paragraph=paragraph, author=reader, body="On the whole paragraph.")
        Annotation.objects.create(
            paragraph=paragraph, author=reader, body="On a sentence.", quote=sentence,
            prefix=paragraph.text[max(0, start - 32) : start], suffix=paragraph.text[end : end + 32],
            start=start, end=end, visibility=Visibility.GROUP, group=group,
        )
    return document, reader


def _write(tmp_path, text, name="corrected.md"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def _body(document, starts):
    return document.paragraphs.get(text__startswith=starts)


def test_every_annotation_is_anchored_in_the_new_version_or_an_orphan(paper, tmp_path, capsys):
    old, reader = paper
    before = set(Annotation.objects.values_list("pk", flat=True))
    assert len(before) == 54

    call_command("import_document", _write(tmp_path, corrected(SEED)), slug="new-industrialization", new_version=True)

    new = Document.objects.get(slug="new-industrialization")
    old.refresh_from_db()
    assert (new.version, old.version) == (2, 1)
    assert old.slug == "new-industrialization--v1" and not old.is_published
    assert old.paragraphs.count() == 81 and new.paragraphs.count() == 80  # the old version is still whole

    on_new = set(Annotation.objects.filter(paragraph__document=new).values_list("pk", flat=True))
    orphaned = set(Orphan.objects.open().values_list("annotation_id", flat=True))
    assert on_new | orphaned == before  # none lost
    assert not on_new & orphaned  # none both anchored and orphaned
    assert Annotation.objects.count() == 54  # none duplicated
    assert len(orphaned) == 3  # the deleted paragraph's note and passage, and the rewritten passage
    assert set(Annotation.objects.filter(pk__in=orphaned).values_list("paragraph__document", flat=True)) == {old.pk}

    moves = AnnotationMove.objects.filter(version__document=new)
    outcome_counts = {o: moves.filter(outcome=o).count() for o in ("kept", "reanchored", "orphaned")}
    assert outcome_counts == {"kept": 48, "reanchored": 3, "orphaned": 3}
    assert "annotations 48 kept, 3 reanchored, 3 orphaned" in capsys.readouterr().out

    # The passage with the typo now sits on the corrected words, offsets recomputed.
    fixed = _body(new, "Industrial revolutions have unleashed")
    passage = Annotation.objects.get(paragraph=fixed, quote__startswith="This paradigm")
    assert passage.quote == FIXED
    assert fixed.text[passage.start : passage.end] == FIXED
    assert passage.version == 2  # re-anchoring is a change an API client must notice


def test_links_follow_their_paragraphs(paper, tmp_path):
    old, reader = paper
    note = Annotation.objects.filter(paragraph__document=old).first()
    follows = Link.objects.create(annotation=note, target=_body(old, "Industrial revolutions have unleashed"))
    stays = Link.objects.create(annotation=note, target=_body(old, DELETED_START))

    call_command("import_document", _write(tmp_path, corrected(SEED)), slug="new-industrialization", new_version=True)

    new = Document.objects.get(slug="new-industrialization")
    follows.refresh_from_db()
    stays.refresh_from_db()
    assert follows.target == _body(new, "Industrial revolutions have unleashed")
    # A deleted paragraph is still readable in the old version, so the link keeps pointing there.
    assert stays.target.document_id == old.pk


def test_replies_follow_their_thread(paper, tmp_path):
    old, reader = paper
    root = Annotation.objects.get(paragraph=_body(old, "Industrial revolutions"), quote="")
    reply = Annotation.objects.create(paragraph=root.paragraph, author=reader, body="Agreed.", parent=root)
    orphan_root = Annotation.objects.get(paragraph=_body(old, DELETED_START), quote="")
    orphan_reply = Annotation.objects.create(paragraph=orphan_root.paragraph, author=reader, body="Hm.", parent=orphan_root)

    call_command("import_document", _write(tmp_path, corrected(SEED)), slug="new-industrialization", new_version=True)

    root.refresh_from_db()
    reply.refresh_from_db()
    orphan_reply.refresh_from_db()
    assert reply.paragraph_id == root.paragraph_id and root.paragraph.document.slug == "new-industrialization"
    assert orphan_reply.paragraph_id == orphan_root.paragraph_id  # waits with its orphaned thread
    assert not Orphan.objects.filter(annotation=orphan_reply).exists()  # the thread is listed once, by its root


def test_an_error_midway_changes_nothing(paper, tmp_path, monkeypatch):
    old, reader = paper
    snapshot = sorted(Annotation.objects.values_list("pk", "paragraph_id", "start", "end", "quote"))

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("versions.moving._move_links", fail)
    with pytest.raises(RuntimeError):
        call_command("import_document", _write(tmp_path, corrected(SEED)), slug="new-industrialization", new_version=True)

    assert list(Document.objects.values_list("slug", "version", "is_published")) == [("new-industrialization", 1, True)]
    assert Paragraph.objects.count() == 81
    assert sorted(Annotation.objects.values_list("pk", "paragraph_id", "start", "end", "quote")) == snapshot
    assert not DocumentVersion.objects.exists() and not Orphan.objects.exists() and not ParagraphChange.objects.exists()


@pytest.mark.parametrize(
    "content, message",
    [(b"", "is empty"), (b"\x00\x01\x02binary", "binary"), ("caf\xe9".encode("latin-1"), "not UTF-8")],
)
def test_a_bad_file_is_refused_and_changes_nothing(paper, tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("import_document", str(path), slug="new-industrialization", new_version=True)
    assert Document.objects.get().slug == "new-industrialization"
    assert not DocumentVersion.objects.exists()


def test_unknown_slug_is_refused(db, tmp_path):
    with pytest.raises(CommandError, match="No document has the slug “nope”"):
        call_command("import_document", _write(tmp_path, SEED), slug="nope", new_version=True)


def test_versions_chain_and_old_versions_are_refused(paper, tmp_path):
    old, reader = paper
    call_command("import_document", _write(tmp_path, corrected(SEED)), slug="new-industrialization", new_version=True)
    third = corrected(SEED).replace("Green development is a Chinese approach", "Green development is China's approach")
    call_command("import_document", _write(tmp_path, third, "third.md"), slug="new-industrialization", new_version=True)

    versions = DocumentVersion.objects.order_by("number")
    assert [(v.number, v.document.slug) for v in versions] == [
        (1, "new-industrialization--v1"), (2, "new-industrialization--v2"), (3, "new-industrialization"),
    ]
    assert len({v.lineage_id for v in versions}) == 1
    # The orphans of version 2 still wait (on version 1's paragraphs); nothing else was orphaned.
    assert Orphan.objects.open().count() == 3
    with pytest.raises(CommandError, match="is an old version"):
        call_command("import_document", _write(tmp_path, SEED), slug="new-industrialization--v1", new_version=True)
