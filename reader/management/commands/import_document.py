from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reader.importing import ImportRefused, decode_source, import_document


class Command(BaseCommand):
    help = "Import a plain-text or Markdown paper as a Document and its Paragraphs, in one transaction."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The UTF-8 text or Markdown file to import.")
        parser.add_argument("--slug", required=True, help="The document's slug, used in its URL (/d/<slug>/).")

    def handle(self, *args, path, slug, **options):
        source = Path(path)
        try:
            data = source.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        try:
            text = decode_source(data, name=str(path))
            document, parsed = import_document(
                text, slug, source_name=source.name, fallback_title=source.stem.replace("-", " ").title()
            )
        except ImportRefused as refusal:
            raise CommandError(str(refusal)) from None
        counts = ", ".join(f"{n} {kind}" for kind, n in parsed.kind_counts().most_common())
        self.stdout.write(
            f"Imported “{document.title}” as {document.get_absolute_url()}: {len(parsed.paragraphs)} paragraphs "
            f"({counts}); {len(parsed.joins)} paragraphs cut by page breaks joined back."
        )
