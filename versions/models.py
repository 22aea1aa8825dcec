"""Uploads, versions of a document, and what moving to a new version did.

Every version is its own reader.Document row with its own paragraphs, so an old version
stays readable exactly as it was; the current one carries the public slug and the old ones
are renamed "<slug>--v<n>" and unpublished. These models link them without touching
reader's tables:

- ``Lineage`` and ``DocumentVersion`` say which documents are versions of one text;
- ``ParagraphChange`` records where each old paragraph went (the permalink redirects and
  the history page read it);
- ``AnnotationMove`` logs each annotation's outcome (kept, re-anchored, orphaned), and
  ``Orphan`` lists those still waiting for someone to attach them again;
- ``Publication`` says who published a document and for whom (the library or one group);
- ``Upload`` is a parsed file waiting for its uploader to look at the preview and publish.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from reader.versioning import Change, Outcome


class Lineage(models.Model):
    """All versions of one text."""

    created = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Lineage {self.pk}"


class DocumentVersion(models.Model):
    lineage = models.ForeignKey(Lineage, on_delete=models.CASCADE, related_name="versions")
    document = models.OneToOneField("reader.Document", on_delete=models.CASCADE, related_name="version_record")
    number = models.PositiveIntegerField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    # What the move found: paragraph changes and annotation outcomes, counted when it ran.
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["lineage", "number"]
        constraints = [
            # /d/<slug>/v/<n>/ looks a version up by its number within the lineage.
            models.UniqueConstraint(fields=["lineage", "number"], name="documentversion_unique_number"),
        ]

    def __str__(self):
        return f"{self.document} (version {self.number})"

    def get_absolute_url(self):
        return reverse("document_version", args=[self.current_slug, self.number])

    @property
    def current_slug(self):
        # Old versions are renamed "<slug>--v<n>"; the slug people know is the part before.
        return self.document.slug.split("--v")[0]


class ParagraphChange(models.Model):
    """Where an old paragraph went in the next version (several rows for a split); or an added one."""

    version = models.ForeignKey(DocumentVersion, on_delete=models.CASCADE, related_name="paragraph_changes")
    old_paragraph = models.ForeignKey(
        "reader.Paragraph", on_delete=models.CASCADE, null=True, blank=True, related_name="changes_out"
    )
    new_paragraph = models.ForeignKey(
        "reader.Paragraph", on_delete=models.CASCADE, null=True, blank=True, related_name="changes_in"
    )
    change = models.CharField(max_length=10, choices=[(c.value, c.value) for c in Change])
    similarity = models.FloatField(default=0)

    class Meta:
        ordering = ["version", "pk"]
        indexes = [
            # Permalink redirects follow an old paragraph forward, one version at a time.
            models.Index(fields=["old_paragraph"], name="paragraphchange_old_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(old_paragraph__isnull=False) | models.Q(new_paragraph__isnull=False),
                name="paragraphchange_has_a_side",
            ),
        ]

    def __str__(self):
        return f"{self.old_paragraph_id} {self.change} → {self.new_paragraph_id}"


class AnnotationMove(models.Model):
    """What moving to a version did to one annotation, with its passage as it was before."""

    version = models.ForeignKey(DocumentVersion, on_delete=models.CASCADE, related_name="annotation_moves")
    annotation = models.ForeignKey("annotations.Annotation", on_delete=models.CASCADE, related_name="moves")
    outcome = models.CharField(max_length=10, choices=[(o.value, o.value) for o in Outcome])
    from_paragraph = models.ForeignKey("reader.Paragraph", on_delete=models.CASCADE, related_name="+")
    to_paragraph = models.ForeignKey("reader.Paragraph", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    confidence = models.FloatField(default=0)
    reason = models.CharField(max_length=200, blank=True)
    old_quote = models.TextField(blank=True)
    old_start = models.PositiveIntegerField(null=True, blank=True)
    old_end = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["version", "pk"]
        constraints = [
            # One outcome per annotation and version: nothing moved twice.
            models.UniqueConstraint(fields=["version", "annotation"], name="annotationmove_unique"),
        ]

    def __str__(self):
        return f"{self.annotation_id} {self.outcome} in {self.version}"


class OrphanQuerySet(models.QuerySet):
    def open(self):
        return self.filter(resolved_at__isnull=True)


class Orphan(models.Model):
    """An annotation that could not be placed with confidence in a new version.

    It stays on its old paragraph (the old version is still readable) until someone
    attaches it to a paragraph or passage of the current version."""

    annotation = models.ForeignKey("annotations.Annotation", on_delete=models.CASCADE, related_name="orphanings")
    version = models.ForeignKey(DocumentVersion, on_delete=models.CASCADE, related_name="orphans")
    old_paragraph = models.ForeignKey("reader.Paragraph", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=200, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = OrphanQuerySet.as_manager()

    class Meta:
        ordering = ["created", "pk"]
        constraints = [
            # An annotation is an orphan once at a time.
            models.UniqueConstraint(
                fields=["annotation"], condition=models.Q(resolved_at__isnull=True), name="orphan_one_open"
            ),
        ]
        indexes = [
            # The orphans page lists a lineage's open orphans.
            models.Index(fields=["version"], condition=models.Q(resolved_at__isnull=True), name="orphan_open_idx"),
        ]

    def __str__(self):
        return f"Orphan {self.annotation_id} ({self.reason})"

    def get_absolute_url(self):
        return reverse("orphan", args=[self.pk])


class Publication(models.Model):
    """Who published a document and for whom: the whole library, or one study group only.

    A document without a Publication (imported with the command, or the seed) is in the library."""

    document = models.OneToOneField("reader.Document", on_delete=models.CASCADE, related_name="publication")
    group = models.ForeignKey(
        "groups.StudyGroup", on_delete=models.CASCADE, null=True, blank=True, related_name="documents",
        help_text="Only this group's members see the document; empty for the whole library.",
    )
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    published = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            # visible_documents() filters on the group of each document's publication.
            models.Index(fields=["group"], name="publication_group_idx"),
        ]

    def __str__(self):
        return f"{self.document} for {self.group or 'the library'}"


class ImportStatus(models.TextChoices):
    RUNNING = "running", "importing"
    READY = "ready", "ready to preview"
    FAILED = "failed", "failed"


class Upload(models.Model):
    """A file parsed and waiting for its uploader's preview and publish (or a new version of ``replaces``)."""

    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="uploads")
    source_name = models.CharField(max_length=300)
    text = models.TextField()
    slug = models.SlugField(max_length=80, blank=True)
    group = models.ForeignKey("groups.StudyGroup", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    replaces = models.ForeignKey("reader.Document", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    # The file as uploaded; the published document keeps it for its readers to download.
    original = models.ForeignKey("reader.SourceFile", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # [[text, pages], ...] the importer dropped as running header, footer or page number.
    dropped = models.JSONField(default=list, blank=True)
    # The preview's corrections, in order, replayed on the parsed text (reader.importing.apply_corrections).
    corrections = models.JSONField(default=list, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    published_document = models.ForeignKey(
        "reader.Document", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A PDF, Word or EPUB file is read in the background (versions/imports.py); the preview
    # polls these. ``text`` is only there once the import is READY.
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.READY)
    # "reading" or "recognising" pages, an EPUB's "chapter", a Word file's "converting", "linking"
    stage = models.CharField(max_length=20, blank=True)
    pages_done = models.PositiveIntegerField(default=0)
    pages_total = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)  # why the import failed, in words for people
    progressed = models.DateTimeField(null=True, blank=True)  # the running job's last sign of life

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return f"Upload of {self.source_name} by {self.uploaded_by}"

    @property
    def stalled(self) -> bool:
        """Running, but silent for longer than any page takes: the process running it died."""
        if self.status != ImportStatus.RUNNING or self.progressed is None:
            return False
        return timezone.now() - self.progressed > timedelta(seconds=settings.IMPORT_STALL_SECONDS)

    def get_absolute_url(self):
        return reverse("upload_preview", args=[self.pk])
