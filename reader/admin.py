import hashlib

from django.contrib import admin
from django.db.models import Count
from django.utils import timezone

from reader.models import Document, Paragraph


def _sync_content_hash(paragraph):
    # content_hash says whether a paragraph changed between versions; keep it true to the text.
    paragraph.content_hash = hashlib.sha256(paragraph.text.encode()).hexdigest()


def _touch(document):
    # The reading page keeps each document's rendered text until its row's `updated` moves
    # (reader.rendering.ReadingPage.of): an edited paragraph moves it.
    Document.objects.filter(pk=document.pk).update(updated=timezone.now())


class ParagraphInline(admin.TabularInline):
    model = Paragraph
    fields = ("position", "kind", "section", "level", "label", "anchor", "text")
    extra = 0
    show_change_link = True
    classes = ("collapse",)


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "authors", "paragraph_count", "version", "is_published", "updated")
    list_filter = ("is_published",)
    search_fields = ("title", "slug", "authors", "doi", "keywords")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("created", "updated", "source_name")
    fieldsets = (
        (None, {"fields": ("title", "slug", "authors", "is_published")}),
        ("Source", {"fields": ("doi", "keywords", "version", "source_name", "created", "updated")}),
    )
    inlines = [ParagraphInline]

    def get_queryset(self, request):
        # The count comes from the database, one query for the whole list.
        return super().get_queryset(request).annotate(paragraph_count=Count("paragraphs"))

    @admin.display(description="Paragraphs", ordering="paragraph_count")
    def paragraph_count(self, obj):
        return obj.paragraph_count

    def save_formset(self, request, form, formset, change):
        paragraphs = formset.save(commit=False)
        for paragraph in paragraphs:
            _sync_content_hash(paragraph)
            paragraph.save()
        for paragraph in formset.deleted_objects:
            paragraph.delete()
        formset.save_m2m()
        _touch(form.instance)


@admin.register(Paragraph)
class ParagraphAdmin(admin.ModelAdmin):
    list_display = ("__str__", "document", "position", "kind", "section", "label")
    list_display_links = ("__str__",)
    list_filter = ("kind", "document")
    list_select_related = ("document",)
    search_fields = ("text", "anchor", "section")
    ordering = ("document", "position")
    readonly_fields = ("content_hash",)
    fields = ("document", "position", "kind", "section", "level", "label", "anchor", "text", "content_hash")
    autocomplete_fields = ("document",)
    list_per_page = 100

    def save_model(self, request, obj, form, change):
        _sync_content_hash(obj)
        super().save_model(request, obj, form, change)
        _touch(obj.document)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        _touch(obj.document)
