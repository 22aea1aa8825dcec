import re

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models

from config.reversing import reverse_kept

# A new version takes over its document's slug; the old one is renamed so (versions/moving.py)
# and stays readable at /d/<slug>/v/<number>/.
OLD_VERSION_SLUG = "{slug}--v{number}"
_OLD_VERSION = re.compile(r"^(?P<slug>.+)--v(?P<number>\d+)$")


class DocumentQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def old_versions(self):
        """Versions a newer one replaced: the notes still on them are orphans (and their replies)."""
        return self.filter(is_published=False, slug__regex=r"--v[0-9]+$")


class DocumentManager(models.Manager.from_queryset(DocumentQuerySet)):
    # Natural keys let the seed fixture carry no primary keys, so loading it never
    # overwrites or collides with rows that were created another way.
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class ParagraphManager(models.Manager):
    def get_by_natural_key(self, document_slug, anchor):
        return self.get(document__slug=document_slug, anchor=anchor)


class SourceFile(models.Model):
    """The file a document was imported from, as uploaded, so its readers can download the
    original. Kept in PostgreSQL (the app keeps no files of its own on any one machine); the
    upload limit (settings.MAX_UPLOAD_BYTES) bounds its size."""

    name = models.CharField(max_length=300)
    format = models.CharField(max_length=20, help_text="What the importer found the file to be: pdf, docx, epub, html, text.")
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    data = models.BinaryField()
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.name} ({self.format}, {self.size} bytes)"


class Document(models.Model):
    title = models.CharField(max_length=500)
    slug = models.SlugField(max_length=100, unique=True)
    authors = models.CharField(max_length=500, blank=True)
    doi = models.CharField("DOI", max_length=200, blank=True)
    keywords = models.CharField(max_length=1000, blank=True)
    version = models.PositiveIntegerField(default=1)
    is_published = models.BooleanField(default=True)
    source_name = models.CharField(max_length=300, blank=True, help_text="File the text was imported from.")
    original = models.ForeignKey(
        SourceFile, on_delete=models.SET_NULL, null=True, blank=True, related_name="documents",
        help_text="The uploaded file itself, when it was kept.",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = DocumentManager()

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        old = _OLD_VERSION.match(self.slug) if not self.is_published else None
        if old:
            return reverse_kept("document_version", old["slug"], int(old["number"]))
        return reverse_kept("document", self.slug)

    def natural_key(self):
        return (self.slug,)


def cite_page(page: str) -> str:
    """How a citation names a page: "p. 117", "pp. 117–118" across a break; "" unpaged."""
    if not page:
        return ""
    return ("pp. " if "–" in page else "p. ") + page


class Paragraph(models.Model):
    class Kind(models.TextChoices):
        TITLE = "title", "Title"
        AUTHORS = "authors", "Authors"
        AFFILIATION = "affiliation", "Affiliation"
        ABSTRACT = "abstract", "Abstract"
        KEYWORDS = "keywords", "Keywords"
        METADATA = "metadata", "Metadata"
        NOTE = "note", "Note"
        HEADING = "heading", "Heading"
        BODY = "body", "Body"
        LIST_ITEM = "list_item", "List item"
        FOOTNOTE = "footnote", "Footnote"
        REFERENCES_HEADING = "references_heading", "References heading"
        REFERENCE = "reference", "Reference"
        CAPTION = "caption", "Caption"
        TABLE = "table", "Table"

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="paragraphs")
    position = models.PositiveIntegerField(help_text="Order in the document, from 0.")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.BODY)
    section = models.CharField(
        max_length=20, blank=True, help_text='Number of the section this paragraph is in, such as "1.3".'
    )
    level = models.PositiveSmallIntegerField(default=0, help_text="Heading level (1 for 1., 2 for 1.1); 0 otherwise.")
    label = models.CharField(
        max_length=20, blank=True, help_text="Footnote number for footnotes; the marker other paragraphs use."
    )
    text = models.TextField(help_text="Plain text with *emphasis* kept as Markdown asterisks.")
    anchor = models.SlugField(max_length=80, help_text="Stable id used in permalinks (#p-<anchor>).")
    content_hash = models.CharField(max_length=64, help_text="sha256 of the text, to spot changes between versions.")
    page = models.CharField(
        max_length=20, blank=True,
        help_text='Page it was printed on, as printed ("117", or "117–118" across a break), else the PDF page number.',
    )
    page_index = models.PositiveIntegerField(
        null=True, blank=True,
        help_text="Which page of the PDF file (from 1) it starts on, whatever is printed there; for page selectors.",
    )
    search_vector = models.GeneratedField(
        expression=SearchVector("text", config="english"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = ParagraphManager()

    class Meta:
        ordering = ["document", "position"]
        constraints = [
            # The reading page orders by position; two paragraphs never share one.
            models.UniqueConstraint(fields=["document", "position"], name="paragraph_unique_position"),
            # Permalinks resolve #p-<anchor> within a document.
            models.UniqueConstraint(fields=["document", "anchor"], name="paragraph_unique_anchor"),
        ]
        indexes = [
            # Full-text search over paragraph text (reader search box and the search page).
            GinIndex(fields=["search_vector"], name="paragraph_search_gin"),
        ]

    def __str__(self):
        return f"{self.document.slug} #{self.anchor}: {self.text[:60]}"

    def get_absolute_url(self):
        return self.document.get_absolute_url() + f"#p-{self.anchor}"

    @property
    def page_citation(self) -> str:
        return cite_page(self.page)

    def natural_key(self):
        return (self.document.slug, self.anchor)

    natural_key.dependencies = ["reader.document"]
