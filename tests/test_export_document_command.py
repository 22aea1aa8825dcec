"""manage.py export_document: the paragraphs as JSON a program can check."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from reader.importing import parse_document

SECOND = Path(__file__).resolve().parent / "data" / "tide-ledgers.txt"


def export(slug):
    out = StringIO()
    call_command("export_document", slug, stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.django_db
def test_exports_every_paragraph_in_order():
    call_command("import_document", str(SECOND), "--slug", "tide-ledgers", stdout=StringIO())
    exported = export("tide-ledgers")
    parsed = parse_document(SECOND.read_text(encoding="utf-8")).paragraphs
    assert [row["position"] for row in exported] == list(range(len(parsed)))
    assert all(set(row) == {"position", "kind", "section", "level", "label", "anchor", "text"} for row in exported)
    assert [(r["kind"], r["section"], r["level"], r["label"], r["anchor"], r["text"]) for r in exported] == [
        (p.kind, p.section, p.level, p.label, p.anchor, p.text) for p in parsed
    ]
    footnote = next(row for row in exported if row["anchor"] == "fn-2")
    assert footnote["kind"] == "footnote" and footnote["label"] == "2"
    assert footnote["text"].startswith("The ledgers were handwritten")


@pytest.mark.django_db
def test_keeps_unicode_readable():
    call_command("import_document", str(SECOND), "--slug", "tide-ledgers", stdout=StringIO())
    out = StringIO()
    call_command("export_document", "tide-ledgers", stdout=out)
    assert "Gdańsk" in out.getvalue() and "Holt¹*" in out.getvalue()


@pytest.mark.django_db
def test_unknown_slug_is_an_error():
    with pytest.raises(CommandError, match="No document with the slug “nope”."):
        call_command("export_document", "nope")
