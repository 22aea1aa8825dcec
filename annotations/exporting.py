"""Exports of annotations: W3C Web Annotation JSON-LD, CSV, and a Markdown study sheet.

Each writer is a generator of text chunks over a queryset read with .iterator(chunk_size=…),
so a large export streams (StreamingHttpResponse) instead of being built in memory.

Which annotations: mine (everything I wrote that is not deleted, private included), or a
group's (what the permission module lets me see of it; members only, via "group.export").
Authors are named as the exporting person may see them (permissions.author_as_seen): an
anonymous post is by "Anonymous classmate" in every format, unless they may know its author.
"""

import csv
import io
import json

from django.db.models import F, Prefetch
from django.db.models.functions import Coalesce
from django.utils import timezone

from access.policy import visible_documents
from annotations.models import Annotation
from annotations.permissions import author_as_seen, shown_links, visible_annotations
from reader.models import Document
from reader.rendering import paragraph_name, paragraph_title

CHUNK_SIZE = 500
PAGE_SIZE = 1000  # annotations in one AnnotationPage of a JSON-LD export
W3C_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
# Our own terms (visibility, link relations) under a prefix, so JSON-LD processors keep them.
CONTEXT = [W3C_CONTEXT, {"marginalia": "urn:marginalia:terms:"}]
FORMATS = {
    "jsonld": ("application/ld+json", "jsonld"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "md": ("text/markdown; charset=utf-8", "md"),
}


def export_queryset(user, *, group=None, document=None):
    """Live annotations to export, in reading order with each thread kept together."""
    documents = Document.objects.published()
    if group is None:
        qs = Annotation.objects.live().filter(author=user)
        documents |= Document.objects.old_versions()  # my orphans, where they wait
    else:
        qs = visible_annotations(user, Annotation.objects.live().filter(group=group))
    qs = qs.filter(paragraph__document__in=visible_documents(user, documents).values("pk"))
    if document is not None:
        qs = qs.filter(paragraph__document=document)
    return (
        qs.select_related("author", "curation", "group", "paragraph__document", "parent")
        .prefetch_related("tags", Prefetch("links", queryset=shown_links(user)))
        .annotate(thread=Coalesce("parent_id", "id"))
        .order_by(
            "paragraph__document__title", "paragraph__document_id", "paragraph__position", "thread",
            F("parent_id").asc(nulls_first=True), "created", "id",
        )
    )


def _rows(queryset, viewer):
    """The rows, each with `author_known` and `shown_author` as `viewer` may see them (no query
    per row: the curation row is joined, the viewer's roles are cached)."""
    for annotation in queryset.iterator(chunk_size=CHUNK_SIZE):
        annotation.author_known, annotation.shown_author = author_as_seen(viewer, annotation)
        annotation.orphaned = not annotation.paragraph.document.is_published
        yield annotation


def paragraph_path(paragraph) -> str:
    return paragraph.get_absolute_url()  # an orphan's paragraph is in an old version


def annotation_iri(base_url, annotation) -> str:
    return f"{base_url}/api/annotations/{annotation.pk}"


# --- W3C Web Annotation ------------------------------------------------------------------


def w3c_annotation(annotation, base_url) -> dict:
    """One annotation (with `author_known` and `shown_author` set, as _rows does) as a W3C Web Annotation."""
    a, paragraph = annotation, annotation.paragraph
    bodies = []
    if a.body:
        bodies.append({
            "type": "TextualBody", "value": a.body, "format": "text/markdown",
            "purpose": "replying" if a.parent_id else "commenting",
        })
    bodies += [{"type": "TextualBody", "value": t.name, "purpose": "tagging"} for t in a.tags.all()]
    for link in a.links.all():
        source = link.url or base_url + paragraph_path(link.target)
        bodies.append({"type": "SpecificResource", "purpose": "linking", "source": source,
                       "marginalia:relation": link.relation})

    if a.parent_id:
        target = annotation_iri(base_url, a.parent)
        motivation = "replying"
    else:
        fragment = {"type": "FragmentSelector", "value": f"p-{paragraph.anchor}",
                    "conformsTo": "http://tools.ietf.org/rfc/rfc3986"}
        selectors = [fragment]
        if a.quote:
            if a.start is not None:
                # Offsets count characters of the paragraph the fragment names.
                fragment["refinedBy"] = {"type": "TextPositionSelector", "start": a.start, "end": a.end}
            selectors.append({"type": "TextQuoteSelector", "exact": a.quote, "prefix": a.prefix, "suffix": a.suffix})
        target = {
            "type": "SpecificResource",
            "source": base_url + paragraph.document.get_absolute_url(),
            "selector": selectors,
        }
        if paragraph.page_index:
            # RFC 3778's page= names the page's index in the PDF (from 1), not its printed label.
            selectors.append({"type": "FragmentSelector", "value": f"page={paragraph.page_index}",
                              "conformsTo": "http://tools.ietf.org/rfc/rfc3778"})
        if paragraph.page:
            # The printed page (a label such as "117") has no standard selector: it is said in
            # Marginalia's own terms.
            target["marginalia:page"] = paragraph.page_citation
        motivation = "commenting" if a.body else ("tagging" if bodies else "highlighting")

    item = {
        "id": annotation_iri(base_url, a),
        "type": "Annotation",
        "motivation": motivation,
        "created": a.created.isoformat(),
        "modified": a.updated.isoformat(),
        "creator": (
            {"type": "Person", "nickname": a.author.get_username(), "name": a.shown_author}
            if a.author_known else {"type": "Person", "name": a.shown_author}
        ),
        "marginalia:visibility": a.visibility,
    }
    if a.group_id:
        item["marginalia:group"] = a.group.name
    if a.orphaned:
        # A new version could not place it: it is on its paragraph in the old version, quote as written.
        item["marginalia:orphaned"] = True
    if a.written_on:
        # The passage as it read when the note was written, before a new version changed it.
        item["marginalia:writtenOn"] = a.written_on
    if bodies:
        item["body"] = bodies
    item["target"] = target
    return item


def page_count(total: int) -> int:
    return max(1, -(-total // PAGE_SIZE))


def jsonld_stream(queryset, base_url, label, viewer, collection_url, total, page=None):
    """An AnnotationCollection with its total and its first page embedded, or (``page``, from 1)
    one AnnotationPage of it, as the W3C Web Annotation Protocol pages a container: each page
    names the collection (partOf), where it starts, and the pages either side."""
    number = page or 1
    last = page_count(total)

    def page_url(n):
        return f"{collection_url}{'&' if '?' in collection_url else '?'}page={n}"

    head = {"id": page_url(number), "type": "AnnotationPage", "startIndex": (number - 1) * PAGE_SIZE}
    if number > 1:
        head["prev"] = page_url(number - 1)
    if number < last:
        head["next"] = page_url(number + 1)
    if page is None:
        collection = {
            "@context": CONTEXT, "id": collection_url, "type": "AnnotationCollection", "label": label,
            "total": total, "last": page_url(last),
        }
        yield json.dumps(collection, ensure_ascii=False)[:-1] + ', "first": ' + json.dumps(head)[:-1] + ', "items": ['
        closing = "\n]}}\n"
    else:
        head = {"@context": CONTEXT, **head, "partOf": {"id": collection_url, "label": label, "total": total}}
        yield json.dumps(head, ensure_ascii=False)[:-1] + ', "items": ['
        closing = "\n]}\n"
    start = (number - 1) * PAGE_SIZE
    for i, annotation in enumerate(_rows(queryset[start : start + PAGE_SIZE], viewer)):
        yield ("," if i else "") + "\n" + json.dumps(w3c_annotation(annotation, base_url), ensure_ascii=False)
    yield closing


# --- CSV ----------------------------------------------------------------------------------

CSV_COLUMNS = [
    "id", "document", "paragraph", "section", "quote", "prefix", "suffix", "start", "end", "body", "tags",
    "links", "author", "visibility", "group", "parent", "created", "updated",
    "written_on", "orphaned",  # added later, at the end, so that existing readers of the columns keep working
]


def csv_cell(value):
    # Spreadsheets run cells that start with = + - @ as formulas; a quote keeps them text.
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_stream(queryset, viewer):
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush():
        value = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return value

    writer.writerow(CSV_COLUMNS)
    yield "\ufeff" + flush()  # BOM, so spreadsheet programs read UTF-8
    for a in _rows(queryset, viewer):
        links = "; ".join(f"{l.relation} {l.url or paragraph_path(l.target)}" for l in a.links.all())
        writer.writerow([csv_cell(v) for v in (
            a.pk, a.paragraph.document.slug, a.paragraph.anchor, a.paragraph.section, a.quote, a.prefix, a.suffix,
            a.start, a.end, a.body, ", ".join(sorted(t.name for t in a.tags.all())), links,
            a.author.get_username() if a.author_known else a.shown_author,
            a.visibility, a.group.name if a.group_id else "", a.parent_id, a.created.isoformat(),
            a.updated.isoformat(), a.written_on, "yes" if a.orphaned else "",
        )])
        yield flush()


# --- Markdown study sheet -----------------------------------------------------------------


def _list_item(text, depth=0):
    """A Markdown list item whose later lines (a multi-line note) stay inside the item."""
    pad = "    " * depth
    first, *rest = text.strip().splitlines() or [""]
    return "\n".join([pad + "- " + first] + [pad + "  " + line if line.strip() else "" for line in rest])


def _blockquote(text):
    return "\n".join("> " + line for line in text.strip().splitlines())


def _note_line(a):
    tags = " ".join(f"#{t.name}" for t in a.tags.all())
    shared = a.group.name if a.group_id else a.get_visibility_display()
    meta = f"**{a.shown_author}** · {a.created:%d %b %Y} · {shared}" + (f" · {tags}" if tags else "")
    lines = [meta]
    for link in a.links.all():
        # A paragraph by its name, as a Markdown link: readable as text and as rendered.
        target = link.url or f"[{paragraph_title(link.target)}]({paragraph_path(link.target)})"
        lines.append(f"{link.relation} → {target}")
    if a.body.strip():
        lines.append(a.body)
    return "\n\n".join(lines)


def markdown_stream(queryset, label, viewer):
    """Paragraph (or highlighted passage) first, then its notes, replies indented under them."""
    yield f"# {label}\n\nExported from Marginalia on {timezone.localdate():%d %B %Y}.\n"
    document_id = paragraph_id = None
    for a in _rows(queryset, viewer):
        paragraph = a.paragraph
        if paragraph.document_id != document_id:
            document_id, paragraph_id = paragraph.document_id, None
            yield f"\n## {paragraph.document.title}\n"
        if paragraph.pk != paragraph_id:
            paragraph_id = paragraph.pk
            page = f" · {paragraph.page_citation}" if paragraph.page else ""
            old = f" (version {paragraph.document.version}, since replaced)" if not paragraph.document.is_published else ""
            yield f"\n### {paragraph_name(paragraph)}{page}{old}\n\n{_blockquote(paragraph.text)}\n"
        if a.parent_id and a.parent.deleted_at is None and a.parent.paragraph_id == paragraph.pk:
            yield "\n" + _list_item("↳ " + _note_line(a), depth=1) + "\n"
        else:
            written_on = f" (written on: ‘{a.written_on}’)" if a.written_on else ""
            passage = f"On “{a.quote}”{written_on}:\n\n" if a.quote else ""
            if a.orphaned and a.parent_id is None:
                passage = "**Orphaned**: a new version could not place this note; attach it again from the orphans page.\n\n" + passage
            yield "\n" + _list_item(passage + _note_line(a)) + "\n"
