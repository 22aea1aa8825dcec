from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.utils import timezone
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from config.reversing import reverse_kept
from groups.models import StudyGroup
from reader.models import Paragraph

# Limits on what a person may attach (forms and API agree on them).
NOTE_MAX_LENGTH = 20_000
TAG_MAX_LENGTH = 50
TAGS_MAX_COUNT = 20
URL_MAX_LENGTH = 2000
RELATION_MAX_LENGTH = 40
LINKS_MAX_COUNT = 20
# How long an author can restore a deleted annotation (others stop seeing it at once).
RESTORE_WINDOW = timedelta(days=30)


class Visibility(models.TextChoices):
    PRIVATE = "private", "Only me"
    GROUP = "group", "My group"
    PUBLIC = "public", "Public"


class TaggedAnnotation(TaggedItemBase):
    # A real foreign key (taggit's recommended through model), so tag queries join, not scan.
    content_object = models.ForeignKey("Annotation", on_delete=models.CASCADE)


class AnnotationQuerySet(models.QuerySet):
    def live(self):
        return self.filter(deleted_at__isnull=True)

    def roots(self):
        return self.filter(parent__isnull=True)

    def tagged(self, name):
        return self.filter(tagged_q(name))


def tagged_q(name) -> models.Q:
    """Annotations carrying the tag `name`, in any case. A semi-join (IN), which PostgreSQL
    hashes once: a join would repeat a note carrying two tags that differ only in case, and a
    correlated EXISTS may run once for each of a hundred thousand rows."""
    return models.Q(pk__in=TaggedAnnotation.objects.filter(tag__name__iexact=name).values("content_object_id"))


class Annotation(models.Model):
    """A note, tags, links or a bare highlight on a paragraph, or on a passage inside it.

    The passage uses the W3C Web Annotation text quote selector (exact, prefix, suffix)
    and text position selector (start, end as character offsets into Paragraph.text).
    """

    paragraph = models.ForeignKey(Paragraph, on_delete=models.CASCADE, related_name="annotations")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="annotations")
    body = models.TextField(blank=True, help_text="Markdown.")
    tags = TaggableManager(through=TaggedAnnotation, blank=True)

    quote = models.TextField(blank=True, help_text="Exact text of the highlighted passage; empty for the whole paragraph.")
    prefix = models.CharField(max_length=64, blank=True)
    suffix = models.CharField(max_length=64, blank=True)
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)
    written_on = models.TextField(
        blank=True, help_text="The quote the note was written on, once a new version's re-anchoring has changed it."
    )

    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE)
    group = models.ForeignKey(StudyGroup, on_delete=models.CASCADE, null=True, blank=True, related_name="annotations")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies")

    hidden_at = models.DateTimeField(null=True, blank=True, help_text="Hidden by a moderator.")
    deleted_at = models.DateTimeField(null=True, blank=True, help_text="Soft-deleted by its author.")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, help_text="Bumped on every edit, for optimistic locking.")

    search_vector = models.GeneratedField(
        expression=SearchVector("body", "quote", config="english"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = AnnotationQuerySet.as_manager()

    class Meta:
        ordering = ["created"]
        constraints = [
            # Group visibility needs a group; other visibilities carry none.
            models.CheckConstraint(
                condition=(models.Q(visibility="group", group__isnull=False) | ~models.Q(visibility="group")),
                name="annotation_group_visibility_has_group",
            ),
            # A passage has both offsets, in order, or neither.
            models.CheckConstraint(
                condition=(
                    models.Q(start__isnull=True, end__isnull=True)
                    | models.Q(start__isnull=False, end__isnull=False, start__lt=models.F("end"))
                ),
                name="annotation_passage_offsets",
            ),
        ]
        indexes = [
            # The reading page loads a document's annotations paragraph by paragraph.
            models.Index(fields=["paragraph", "created"], name="annotation_paragraph_idx"),
            # "Mine" filters and a person's page.
            models.Index(fields=["author", "created"], name="annotation_author_idx"),
            # Group-visible lookups in annotation_visibility_q(). Partial on purpose: with visibility as a
            # column, PostgreSQL 18's skip scan used it to bitmap every public note for each
            # paragraph of the reading page (6 s at 1M notes instead of 0.2 s).
            models.Index(fields=["group"], condition=models.Q(visibility="group"), name="annotation_group_idx"),
            # Search over notes and quotes.
            GinIndex(fields=["search_vector"], name="annotation_search_gin"),
            # The reading page's counts per paragraph (annotations.reading.document_counts): every
            # column the visibility rules and the margin's filter read, so PostgreSQL counts from
            # the index alone instead of visiting a heap page per note (114 ms -> 7 ms at 1M).
            models.Index(
                fields=["paragraph"],
                include=["parent", "deleted_at", "hidden_at", "visibility", "group", "author", "id"],
                name="annotation_margin_count_idx",
            ),
            # Newest live notes first: the API's list (annotations.search.ranked_annotations).
            models.Index(
                fields=["-created", "-id"], condition=models.Q(deleted_at__isnull=True), name="annotation_live_recent_idx"
            ),
        ]

    def __str__(self):
        return f"Annotation {self.pk} by {self.author} on {self.paragraph_id}"

    def get_absolute_url(self):
        return reverse_kept("annotation", self.pk)

    @property
    def is_hidden(self):
        return self.hidden_at is not None

    @property
    def restorable_until(self):
        return self.deleted_at + RESTORE_WINDOW if self.deleted_at else None

    def is_restorable(self, now=None):
        return self.deleted_at is not None and (now or timezone.now()) < self.restorable_until


class Link(models.Model):
    """From an annotation to another paragraph (with a relation) or to an external URL."""

    class Relation(models.TextChoices):
        SUPPORTS = "supports", "supports"
        CONTRADICTS = "contradicts", "contradicts"
        ELABORATES = "elaborates", "elaborates"
        SEE_ALSO = "see also", "see also"

    annotation = models.ForeignKey(Annotation, on_delete=models.CASCADE, related_name="links")
    target = models.ForeignKey(Paragraph, on_delete=models.CASCADE, null=True, blank=True, related_name="backlinks")
    url = models.URLField(max_length=2000, blank=True)
    relation = models.CharField(max_length=40, default=Relation.SEE_ALSO, help_text="One of the usual relations or a custom word.")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created"]
        constraints = [
            # A link goes to exactly one place: a paragraph or a URL.
            models.CheckConstraint(
                condition=(models.Q(target__isnull=False, url="") | models.Q(target__isnull=True) & ~models.Q(url="")),
                name="link_has_one_target",
            ),
        ]

    def __str__(self):
        return f"{self.annotation_id} {self.relation} {self.target_id or self.url}"

    def get_absolute_url(self):
        return self.target.get_absolute_url() if self.target_id else self.url


class ImportRecord(models.Model):
    """Which annotation an imported item became, so importing the same file again adds nothing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    document = models.ForeignKey("reader.Document", on_delete=models.CASCADE, related_name="+")
    source_key = models.CharField(max_length=64, help_text="sha256 of the item's id, or of its content.")
    annotation = models.ForeignKey(Annotation, on_delete=models.CASCADE, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "api_importrecord"  # moved from the api app; the table kept its name
        constraints = [
            # The dedup lookup: one record per importer, document and source item.
            models.UniqueConstraint(fields=["user", "document", "source_key"], name="importrecord_unique_source"),
        ]

    def __str__(self):
        return f"{self.source_key[:12]} → annotation {self.annotation_id}"
