import json

from django.core.management.base import BaseCommand, CommandError

from reader.models import Document

EXPORTED_FIELDS = ["position", "kind", "section", "level", "label", "anchor", "text"]


class Command(BaseCommand):
    help = "Print a document's paragraphs as a JSON list, in reading order, so a program can check an import."

    def add_arguments(self, parser):
        parser.add_argument("slug")

    def handle(self, *args, slug, **options):
        document = Document.objects.filter(slug=slug).first()
        if document is None:
            raise CommandError(f"No document with the slug “{slug}”.")
        paragraphs = list(document.paragraphs.order_by("position").values(*EXPORTED_FIELDS))
        self.stdout.write(json.dumps(paragraphs, ensure_ascii=False, indent=2))
