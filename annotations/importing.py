"""Importing annotations from W3C Web Annotation JSON(-LD) and Hypothesis JSON exports.

Each item is anchored in the chosen document by its quote (W3C TextQuoteSelector, with
prefix and suffix to choose between repeats, and the paragraph fragment and position as
hints); whole-paragraph notes anchor by their paragraph fragment. Replies attach to their
parent when it is in the same file or came from an earlier import. What cannot be anchored
is reported, never dropped silently. Every created annotation gets an ImportRecord
(api app) keyed by the item's id or content, so importing the same file again adds nothing.

Quotes are found by the one quote matcher (reader/anchoring.py), which compares text folded:
straight and curly quotes, dashes, whitespace and the emphasis asterisks do not matter.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from datetime import timezone as dt_timezone

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from annotations.models import Annotation, ImportRecord, Link
from annotations.tag_names import tidy_tag_name
from reader.anchoring import context_around, find_quote

# --- Reading the file ---------------------------------------------------------------------

MAX_ITEMS = 5000


class ImportFileError(ValueError):
    """The file as a whole cannot be read; its message is shown to the person."""


@dataclass
class Item:
    """One annotation from the file, in neutral terms."""

    index: int  # 1-based, as the report shows it
    source_id: str = ""
    body: str = ""
    tags: list = None
    exact: str = ""
    prefix: str = ""
    suffix: str = ""
    start: int | None = None  # offsets into the paragraph named by `fragment`
    end: int | None = None
    fragment: str = ""  # paragraph anchor, without "p-"
    source: str = ""  # the document address the file names (links into it follow the import)
    parent_id: str = ""  # the source id of the annotation this one replies to
    links: list = None  # [(relation, url)]
    page_note: bool = False  # on the document as a whole (a target without a selector)
    created: datetime | None = None  # as the file says; else the time of the import
    updated: datetime | None = None

    def __post_init__(self):
        self.tags = self.tags or []
        self.links = self.links or []

    def dedup_key(self) -> str:
        if self.source_id:
            basis = "id:" + self.source_id
        else:
            basis = "content:" + json.dumps(
                [self.exact, self.prefix, self.suffix, self.fragment, self.body, sorted(self.tags), self.parent_id]
            )
        return hashlib.sha256(basis.encode()).hexdigest()


def _as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _str(value, limit=20000) -> str:
    return value.replace("\x00", "")[:limit] if isinstance(value, str) else ""


def _int(value):
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**7 else None


MAX_REFINEMENTS = 5  # a W3C selector refines a fragment to a passage: one or two levels in practice


def _when(value) -> datetime | None:
    """An ISO 8601 time from the file (UTC when it names no zone); None if it is not one."""
    try:
        moment = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:
        return None
    if moment is None:
        return None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, dt_timezone.utc)


def _dates(item: Item, data: dict, updated_key: str) -> None:
    item.created = _when(data.get("created"))
    item.updated = _when(data.get(updated_key)) or item.created


def _page_note(targets) -> bool:
    """A target that names the document and no part of it (Hypothesis's page notes)."""
    return any(isinstance(t, str) or (isinstance(t, dict) and "selector" not in t) for t in targets)


def _selectors(selector_value, depth=0):
    """Flatten a selector list, following refinedBy (a W3C FragmentSelector refines to a passage)."""
    out = []
    for selector in _as_list(selector_value):
        if isinstance(selector, dict):
            out.append(selector)
            if depth < MAX_REFINEMENTS:
                refined = _selectors(selector.get("refinedBy"), depth + 1)
                out += [dict(s, _refines=selector) for s in refined]
    return out


def _apply_selectors(item: Item, selectors):
    for s in _selectors(selectors):
        kind = s.get("type")
        if kind == "TextQuoteSelector" and not item.exact:
            item.exact, item.prefix, item.suffix = _str(s.get("exact"), 10000), _str(s.get("prefix")), _str(s.get("suffix"))
        elif kind == "FragmentSelector" and _paragraph_fragment(s):
            # Only our own "p-<anchor>": a PDF's "page=5" (RFC 3778) names no paragraph.
            item.fragment = _paragraph_fragment(s)
        elif kind == "TextPositionSelector" and _paragraph_fragment(s.get("_refines")):
            # Only positions inside our paragraph fragment mean anything here; document-wide
            # offsets from other tools count characters of a page we do not have.
            item.start, item.end = _int(s.get("start")), _int(s.get("end"))


def _paragraph_fragment(selector) -> str:
    """The anchor a FragmentSelector "p-<anchor>" names, else ""."""
    if not isinstance(selector, dict) or selector.get("type") != "FragmentSelector":
        return ""
    value = _str(selector.get("value"), 200)
    return value[2:] if value.startswith("p-") else ""


def _from_w3c(index, data) -> Item:
    item = Item(index=index, source_id=_str(data.get("id"), 2000))
    for body in _as_list(data.get("body")) + _as_list(data.get("bodyValue")):
        if isinstance(body, str):
            item.body = "\n\n".join(filter(None, [item.body, _str(body)]))
            continue
        if not isinstance(body, dict):
            continue
        purpose = body.get("purpose")
        if purpose == "tagging":
            tag = tidy_tag_name(_str(body.get("value"), 100))
            if tag:
                item.tags.append(tag)
        elif purpose == "linking" or body.get("type") == "SpecificResource":
            url = _str(body.get("source") or body.get("id"), 2000)
            if url:
                item.links.append((_str(body.get("marginalia:relation"), 40) or "see also", url))
        elif body.get("type", "TextualBody") == "TextualBody":
            item.body = "\n\n".join(filter(None, [item.body, _str(body.get("value"))]))
    for target in _as_list(data.get("target")):
        if isinstance(target, str):
            item.parent_id = target if data.get("motivation") == "replying" else item.parent_id
        elif isinstance(target, dict):
            if "selector" in target:
                item.source = _str(target.get("source"), 2000)
                _apply_selectors(item, target["selector"])
            elif data.get("motivation") == "replying":
                item.parent_id = _str(target.get("id") or target.get("source"), 2000)
    item.page_note = not item.parent_id and _page_note(_as_list(data.get("target")))
    _dates(item, data, "modified")
    return item


def _from_hypothesis(index, data) -> Item:
    item = Item(index=index, source_id=_str(data.get("id"), 2000), body=_str(data.get("text")))
    item.tags = [tag for tag in (tidy_tag_name(_str(t, 100)) for t in _as_list(data.get("tags"))) if tag]
    references = [r for r in _as_list(data.get("references")) if isinstance(r, str)]
    if references:
        item.parent_id = references[-1]  # Hypothesis lists the thread's ancestors, nearest last
    targets = _as_list(data.get("target"))
    for target in targets:
        if isinstance(target, dict):
            _apply_selectors(item, target.get("selector"))
    item.page_note = not item.parent_id and _page_note(targets)
    _dates(item, data, "updated")
    return item


def read_items(raw: bytes | str) -> list[Item]:
    """Items from a W3C annotation, list, AnnotationPage or AnnotationCollection, or a Hypothesis export."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise ImportFileError(f"This is not a JSON file ({error}).") from None
    except RecursionError:
        raise ImportFileError("This file nests its JSON too deeply to be an annotation export.") from None
    if isinstance(data, dict):
        if isinstance(data.get("annotations"), list):  # Hypothesis export
            entries = data["annotations"]
        elif isinstance(data.get("rows"), list):  # Hypothesis search API
            entries = data["rows"]
        elif data.get("type") == "AnnotationCollection":
            first = data.get("first")
            entries = first.get("items", []) if isinstance(first, dict) else []
        elif isinstance(data.get("items"), list):  # AnnotationPage
            entries = data["items"]
        else:
            entries = [data]
    elif isinstance(data, list):
        entries = data
    else:
        raise ImportFileError("The file holds no annotations.")
    if len(entries) > MAX_ITEMS:
        raise ImportFileError(f"The file holds {len(entries)} annotations; import at most {MAX_ITEMS} at a time.")
    items = []
    for index, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            items.append(Item(index=index))  # reported below as unreadable
        elif entry.get("type") == "Annotation" or "@context" in entry or "motivation" in entry:
            items.append(_from_w3c(index, entry))
        else:
            items.append(_from_hypothesis(index, entry))
    return items


# --- Anchoring and creating ---------------------------------------------------------------


@dataclass
class Problem:
    index: int
    source_id: str
    excerpt: str
    reason: str


@dataclass
class ImportReport:
    created: int = 0
    duplicates: int = 0
    problems: list = None

    def __post_init__(self):
        self.problems = self.problems or []


def _anchor(item: Item, paragraphs, by_anchor):
    """(paragraph, start, end) for a root item, or (None, reason)."""
    if item.exact:
        hinted = by_anchor.get(item.fragment)
        if hinted is not None:  # the paragraph the file names first, then anywhere else
            match = find_quote(hinted.text, item.exact, item.prefix, item.suffix, item.start)
            if match is not None:
                return hinted, match.start, match.end
        best = None
        for paragraph in paragraphs:
            match = find_quote(paragraph.text, item.exact, item.prefix, item.suffix)
            if match is not None and (best is None or match.confidence > best[1].confidence):
                best = (paragraph, match)
        if best is None:
            return None, "The quoted passage is not in this document."
        return best[0], best[1].start, best[1].end
    if item.fragment and item.fragment in by_anchor:
        return by_anchor[item.fragment], None, None
    if item.page_note and not item.fragment and paragraphs:
        # A note on the document as a whole goes on its title (the first paragraph without one).
        title = next((p for p in paragraphs if p.kind == "title"), paragraphs[0])
        return title, None, None
    return None, "It names no passage or paragraph of this document."


def _excerpt(item: Item) -> str:
    text = item.exact or item.body or ""
    return text[:120] + ("…" if len(text) > 120 else "")


def import_annotations(user, document, items: list[Item], *, visibility, group=None) -> ImportReport:
    """Create the anchorable items as `user`'s annotations with the chosen visibility.

    Runs in one transaction: a failure part-way leaves nothing half-imported.
    """
    report = ImportReport()
    paragraphs = list(document.paragraphs.order_by("position"))
    by_anchor = {p.anchor: p for p in paragraphs}
    records = {
        r.source_key: r.annotation
        for r in ImportRecord.objects.filter(user=user, document=document).select_related("annotation")
    }
    created = {}  # source id -> annotation, for replies in the same file
    key_of_id = {item.source_id: item.dedup_key() for item in items if item.source_id}

    def existing(key):
        annotation = records.get(key)
        return annotation if annotation is not None and annotation.deleted_at is None else None

    # Parents before replies, whatever the order in the file.
    ordered = sorted(items, key=lambda item: bool(item.parent_id))
    with transaction.atomic():
        for item in ordered:
            if not (item.exact or item.body or item.tags or item.fragment or item.parent_id):
                report.problems.append(Problem(item.index, item.source_id, "", "Not an annotation we can read."))
                continue
            key = item.dedup_key()
            duplicate = existing(key)
            if duplicate is not None:
                report.duplicates += 1
                if item.source_id:
                    created[item.source_id] = duplicate
                continue
            parent = None
            if item.parent_id:
                parent = created.get(item.parent_id) or existing(key_of_id.get(item.parent_id, "")) or existing(
                    Item(index=0, source_id=item.parent_id).dedup_key()
                )
                if parent is None:
                    report.problems.append(Problem(item.index, item.source_id, _excerpt(item),
                                                   "It replies to an annotation that is not in this import."))
                    continue
                paragraph, start, end = parent.paragraph, None, None
            else:
                anchored = _anchor(item, paragraphs, by_anchor)
                if anchored[0] is None:
                    report.problems.append(Problem(item.index, item.source_id, _excerpt(item), anchored[1]))
                    continue
                paragraph, start, end = anchored
            # The same person's identical note on the same passage is a duplicate too
            # (a file exported from here and imported back into the same document).
            same = Annotation.objects.live().filter(
                author=user, paragraph=paragraph, quote=item.exact if parent is None else "", body=item.body,
                parent=parent,
            ).first()
            if same is not None:
                report.duplicates += 1
                annotation = same
            else:
                prefix, suffix = item.prefix, item.suffix
                if start is not None and not (prefix or suffix):
                    prefix, suffix = context_around(paragraph.text, start, end)
                annotation = Annotation.objects.create(
                    paragraph=paragraph, author=user, body=item.body, parent=parent,
                    quote=item.exact if parent is None else "", prefix=prefix[-64:], suffix=suffix[:64],
                    start=start, end=end,
                    visibility=parent.visibility if parent else visibility,
                    group=parent.group if parent else (group if visibility == "group" else None),
                )
                if item.created:
                    # The dates the file gives, not the import's (update() leaves auto_now alone).
                    Annotation.objects.filter(pk=annotation.pk).update(created=item.created, updated=item.updated)
                    annotation.created, annotation.updated = item.created, item.updated
                if item.tags:
                    annotation.tags.set(item.tags)
                Link.objects.bulk_create(_links(annotation, item, document, by_anchor))
                report.created += 1
            ImportRecord.objects.update_or_create(
                user=user, document=document, source_key=key, defaults={"annotation": annotation}
            )
            records[key] = annotation
            if item.source_id:
                created[item.source_id] = annotation
    return report


def _links(annotation, item, document, by_anchor):
    """Links to a paragraph of the annotated document (by its #p-anchor) become links to that
    paragraph here; other links stay URLs."""
    same_document = {f"/d/{document.slug}"}
    if item.source:
        same_document.add(item.source.rstrip("/"))
    out = []
    for relation, url in item.links:
        path, _, fragment = url.partition("#p-")
        path = path.rstrip("/")
        if fragment in by_anchor and any(path == d or path.endswith(d) for d in same_document if d):
            out.append(Link(annotation=annotation, relation=relation, target=by_anchor[fragment]))
        elif url.startswith(("http://", "https://")):
            out.append(Link(annotation=annotation, relation=relation, url=url[:2000]))
    return out
