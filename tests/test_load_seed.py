"""manage.py load_seed (called by `make run`): the seed paper, loaded once."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from reader.management.commands.load_seed import SEED_FIXTURE, build_fixture
from reader.models import Document, Paragraph


def load_seed():
    out = StringIO()
    call_command("load_seed", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_loads_the_seed_paper():
    assert "Loaded “Rationale and Pathway" in load_seed()
    document = Document.objects.get(slug="new-industrialization")
    assert document.doi == "10.19602/j.chinaeconomist.2024.07.01"
    assert document.paragraphs.count() == 81
    assert document.paragraphs.get(anchor="fn-star").kind == "note"
    # The database filled in the generated search column for the loaded rows.
    assert Paragraph.objects.filter(search_vector="agrarian").get().section == "1"


@pytest.mark.django_db
def test_running_twice_creates_nothing_twice():
    load_seed()
    before = list(Paragraph.objects.values_list("pk", "anchor", "text"))
    assert "already loaded" in load_seed()
    assert Document.objects.count() == 1
    assert list(Paragraph.objects.values_list("pk", "anchor", "text")) == before


@pytest.mark.django_db
def test_plain_loaddata_twice_also_creates_nothing_twice():
    """Natural keys, not primary keys: loaddata finds the rows it loaded before and updates them."""
    call_command("loaddata", str(SEED_FIXTURE), verbosity=0)
    call_command("loaddata", str(SEED_FIXTURE), verbosity=0)
    assert Document.objects.count() == 1
    assert Paragraph.objects.count() == 81


@pytest.mark.django_db
def test_does_not_touch_rows_created_before(document):
    """The fixture has no primary keys, so it cannot overwrite paragraphs that already hold
    the ids a hand-numbered fixture would have used."""
    before = list(Paragraph.objects.filter(document=document).values_list("pk", "text"))
    load_seed()
    assert list(Paragraph.objects.filter(document=document).values_list("pk", "text")) == before
    assert Paragraph.objects.count() == len(before) + 81


def test_fixture_carries_no_primary_keys_nor_generated_column():
    rows = json.loads(SEED_FIXTURE.read_text(encoding="utf-8"))
    assert rows[0]["model"] == "reader.document"
    assert all("pk" not in row and "search_vector" not in row["fields"] for row in rows)


def test_fixture_is_what_the_importer_makes_of_the_source_text():
    """Regenerate with `manage.py load_seed --write-fixture` when this fails."""
    def paragraphs(rows):
        return [row["fields"] for row in rows if row["model"] == "reader.paragraph"]

    stored = json.loads(SEED_FIXTURE.read_text(encoding="utf-8"))
    fresh = json.loads(build_fixture())
    assert paragraphs(stored) == paragraphs(fresh)
    ignore_times = {"created", "updated"}
    assert {k: v for k, v in stored[0]["fields"].items() if k not in ignore_times} == {
        k: v for k, v in fresh[0]["fields"].items() if k not in ignore_times
    }
