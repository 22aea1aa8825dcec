"""Load the seed paper, once.

The fixture (fixtures/new-industrialization.json) is built from the source text
(fixtures/new-industrialization.txt) by the importer itself:

    python manage.py load_seed --write-fixture

It uses natural keys (a Document by its slug, a Paragraph by its document's slug and its
anchor) and carries no primary keys, so loading it can never overwrite or collide with
rows created another way, and `manage.py loaddata` on it a second time updates the same
rows instead of adding new ones. It leaves out the generated column search_vector: the
database computes it (Django never writes a GeneratedField, and a dumped tsvector would
only bloat the file).

`load_seed` itself does nothing when the seed document is already there, so `make run`
can call it every time without touching paragraphs someone has edited in the admin.
"""

from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

from reader.importing import build_records, parse_document
from reader.models import Document

SEED_SLUG = "new-industrialization"
FIXTURES = Path(settings.BASE_DIR) / "fixtures"
SEED_SOURCE = FIXTURES / "new-industrialization.txt"
SEED_FIXTURE = FIXTURES / "new-industrialization.json"

# Everything but the primary keys (natural keys instead) and the generated search_vector.
FIXTURE_FIELDS = [
    # Document
    "title", "slug", "authors", "doi", "keywords", "version", "is_published", "source_name", "created", "updated",
    # Paragraph
    "document", "position", "kind", "section", "level", "label", "text", "anchor", "content_hash",
]


def build_fixture() -> str:
    """The seed fixture as JSON, made by the importer from the seed's source text."""
    parsed = parse_document(SEED_SOURCE.read_text(encoding="utf-8"))
    document, paragraphs = build_records(parsed, SEED_SLUG, SEED_SOURCE.name)
    document.created = document.updated = timezone.now().replace(microsecond=0)
    # The document comes first, so its natural key resolves when the paragraphs load.
    return serializers.serialize(
        "json",
        [document, *paragraphs],
        fields=FIXTURE_FIELDS,
        use_natural_foreign_keys=True,
        use_natural_primary_keys=True,
        indent=1,
    ) + "\n"


class Command(BaseCommand):
    help = "Load the seed paper from fixtures/ unless it is already there (safe to run repeatedly)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--write-fixture",
            action="store_true",
            help=f"Rebuild {SEED_FIXTURE.name} from {SEED_SOURCE.name} with the importer; the database is not touched.",
        )

    def handle(self, *args, write_fixture=False, **options):
        if write_fixture:
            SEED_FIXTURE.write_text(build_fixture(), encoding="utf-8")
            self.stdout.write(f"Wrote {SEED_FIXTURE}.")
            return
        if Document.objects.filter(slug=SEED_SLUG).exists():
            self.stdout.write(f"The seed paper “{SEED_SLUG}” is already loaded; nothing to do.")
            return
        call_command("loaddata", str(SEED_FIXTURE), verbosity=0)
        document = Document.objects.get(slug=SEED_SLUG)
        self.stdout.write(f"Loaded “{document.title}” ({document.paragraphs.count()} paragraphs).")
