"""manage.py import_document: a file in, a Document and its Paragraphs out, all or nothing."""

import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError

from versions.management.commands.import_document import Command as ImportCommand
from reader.models import Document, Paragraph

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "new-industrialization.txt"
SECOND = ROOT / "tests" / "data" / "tide-ledgers.txt"


def row_counts():
    return Document.objects.count(), Paragraph.objects.count()


@pytest.mark.django_db
def test_imports_the_seed_paper(capsys):
    call_command("import_document", str(SEED), "--slug", "seed")
    document = Document.objects.get(slug="seed")
    assert document.title == "Rationale and Pathway for New Industrialization in the Context of Chinese Modernization"
    assert document.authors == "Huang Qunhui, Li Fangfang"
    assert document.doi == "10.19602/j.chinaeconomist.2024.07.01"
    assert document.keywords.startswith("New industrialization, Chinese modernization")
    assert document.source_name == "new-industrialization.txt"
    paragraphs = list(document.paragraphs.order_by("position"))
    assert [p.position for p in paragraphs] == list(range(81))
    assert sum(p.kind == "footnote" for p in paragraphs) == 7
    heading = document.paragraphs.get(anchor="s-1-3")
    assert (heading.kind, heading.section, heading.level) == ("heading", "1.3", 2)
    assert "81 paragraphs" in capsys.readouterr().out


@pytest.mark.django_db
def test_imported_paragraphs_are_searchable():
    call_command("import_document", str(SEED), "--slug", "seed")
    # The joined paragraph is found by a word from each side of the page break.
    found = Paragraph.objects.filter(document__slug="seed", search_vector="agrarian & civilization")
    assert [p.text[:30] for p in found] == ["Industrial revolutions have un"]


@pytest.mark.django_db
def test_imports_the_second_paper():
    call_command("import_document", str(SECOND), "--slug", "tide-ledgers")
    document = Document.objects.get(slug="tide-ledgers")
    assert document.authors == "Maren Holt, Tomasz Wierzbicki, Ana Lucía Ferreira"
    assert document.paragraphs.filter(kind="heading", section="2.1.1", level=3).exists()
    assert document.paragraphs.count() == 39


@pytest.mark.django_db
def test_reimport_gives_the_same_anchors():
    call_command("import_document", str(SEED), "--slug", "first")
    call_command("import_document", str(SEED), "--slug", "second")
    first, second = (
        list(Paragraph.objects.filter(document__slug=slug).values_list("anchor", "content_hash"))
        for slug in ("first", "second")
    )
    assert first == second


@pytest.mark.django_db
def test_markdown_file(tmp_path):
    path = tmp_path / "notes.md"
    path.write_text("# Field Notes\n\n## 1. Harbour\n\nThe *tide* was low.\n", encoding="utf-8")
    call_command("import_document", str(path), "--slug", "notes")
    assert list(Paragraph.objects.filter(document__slug="notes").values_list("kind", "text")) == [
        ("title", "Field Notes"), ("heading", "1. Harbour"), ("body", "The *tide* was low."),
    ]


def bad_file(tmp_path, case):
    path = tmp_path / f"{case}.txt"
    content = {
        "empty": b"",
        "blank": b"\n  \n",
        "binary": bytes(range(256)) * 4,
        "latin-1": "Économie politique du port\n".encode("latin-1"),
        "taken": SEED.read_bytes(),
        "bad-slug": SEED.read_bytes(),
    }[case]
    path.write_bytes(content)
    return path


BAD_INPUT = [
    ("empty", "empty.txt is empty."),
    ("blank", "blank.txt is empty."),
    ("binary", "binary.txt looks like a binary file, not text."),
    ("latin-1", "latin-1.txt is not UTF-8 text (byte 0xc9 at offset 0); convert it to UTF-8 first."),
    ("taken", "A document with the slug “short-paper” already exists."),
    ("bad-slug", "“no spaces please” is not a valid slug"),
]


@pytest.mark.parametrize("case, message", BAD_INPUT, ids=[case for case, _ in BAD_INPUT])
def test_bad_input_is_refused_and_changes_nothing(document, tmp_path, case, message):
    path = bad_file(tmp_path, case)
    slug = {"taken": document.slug, "bad-slug": "no spaces please"}.get(case, "new-paper")
    before = row_counts()
    with pytest.raises(CommandError) as error:
        call_command("import_document", str(path), "--slug", slug)
    assert message in str(error.value)
    assert "\n" not in str(error.value)
    assert row_counts() == before == (1, 5)


@pytest.mark.django_db
def test_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match=r"Cannot read .*nowhere\.txt: No such file or directory\."):
        call_command("import_document", str(tmp_path / "nowhere.txt"), "--slug", "x")
    assert row_counts() == (0, 0)


@pytest.mark.django_db(transaction=True)
def test_command_line_error_is_one_line_on_stderr_and_exit_status_1(tmp_path, capsys):
    """Run as from a shell: Django prints the CommandError on stderr and exits with 1.
    (transaction=True because run_from_argv closes the database connections.)"""
    path = bad_file(tmp_path, "binary")
    with pytest.raises(SystemExit) as exit_:
        ImportCommand().run_from_argv(["manage.py", "import_document", str(path), "--slug", "paper"])
    assert exit_.value.code == 1
    assert capsys.readouterr().err == f"CommandError: {path} looks like a binary file, not text.\n"
    assert row_counts() == (0, 0)


@pytest.mark.django_db(transaction=True)
def test_failure_while_writing_rolls_everything_back(tmp_path, monkeypatch):
    """The Document row is written before the paragraphs: a failure in between leaves nothing."""
    def fail(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(Paragraph.objects, "bulk_create", fail)
    copy = tmp_path / "paper.txt"
    shutil.copy(SECOND, copy)
    with pytest.raises(DatabaseError):
        call_command("import_document", str(copy), "--slug", "paper")
    assert row_counts() == (0, 0)
