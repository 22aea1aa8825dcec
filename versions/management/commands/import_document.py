from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reader.importers import read_source
from reader.importing import ImportRefused, import_document
from reader.models import Document
from versions.moving import publish_new_version


class Command(BaseCommand):
    help = (
        "Import a paper (PDF, Word .docx, EPUB, HTML, Markdown or plain text, told apart by content) "
        "as a Document and its Paragraphs, in one transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The paper's file: PDF, .docx, EPUB, HTML, Markdown or UTF-8 text.")
        parser.add_argument("--slug", required=True, help="The document's slug, used in its URL (/d/<slug>/).")
        parser.add_argument(
            "--new-version",
            action="store_true",
            help="Publish the file as the next version of the document SLUG, moving its annotations (versions/moving.py).",
        )

    def handle(self, *args, path, slug, new_version=False, **options):
        source = Path(path)
        try:
            data = source.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        try:
            read = read_source(data, name=str(path))
            if new_version:
                return self._new_version(read.text, slug, source.name)
            document, parsed = import_document(
                read.text, slug, source_name=source.name, fallback_title=source.stem.replace("-", " ").title(),
                original=read.original(data, source.name),
            )
        except ImportRefused as refusal:
            raise CommandError(str(refusal)) from None
        counts = ", ".join(f"{n} {kind}" for kind, n in parsed.kind_counts().most_common())
        self.stdout.write(
            f"Imported “{document.title}” as {document.get_absolute_url()}: {len(parsed.paragraphs)} paragraphs "
            f"({counts}); {len(parsed.joins)} paragraphs cut by page breaks joined back."
        )

    def _new_version(self, text, slug, source_name):
        document = Document.objects.filter(slug=slug).first()
        if document is None:
            raise CommandError(f"No document has the slug “{slug}”; import it first, without --new-version.")
        try:
            report = publish_new_version(document, text, source_name=source_name)
        except ImportRefused as refusal:
            raise CommandError(str(refusal)) from None
        paragraphs = ", ".join(f"{n} {change}" for change, n in report.paragraphs.items() if n)
        annotations = ", ".join(f"{n} {outcome}" for outcome, n in report.annotations.items())
        self.stdout.write(
            f"Published version {report.number} of “{report.document.title}” at {report.document.get_absolute_url()}: "
            f"paragraphs {paragraphs}; annotations {annotations}; {report.links_moved} links followed their paragraphs."
        )
