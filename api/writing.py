"""Creating, changing and deleting annotations through the API.

Input arrives already typed (api/schemas.py); this module checks what needs the database:
that the paragraph and group exist for this person, that a quote is really in the
paragraph, that the person may post to the group, edit or reply. Problems are collected
per field and raised together as InputErrors, which the API answers with 422.
Every write runs in a transaction and bumps the annotation's version (the ETag).
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from access.policy import PERMISSIONS, can_post_to, can_view, has_permission, visible_documents, visible_groups
from annotations.models import Annotation, Link, Visibility
from discussions import posting
from reader.anchoring import context_around, find_quote
from reader.models import Paragraph


class InputErrors(Exception):
    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


def _check(errors):
    if errors:
        raise InputErrors(errors)


def may_reply(user, parent) -> bool:
    # The permission map may grow an explicit rule for replies; until then, anyone signed in
    # who may see a live, shown annotation may answer it (the reply inherits its audience).
    if "annotation.reply" in PERMISSIONS:
        return has_permission(user, "annotation.reply", parent)
    return user.is_authenticated and can_view(user, parent) and parent.deleted_at is None and parent.hidden_at is None


def _resolve_group(user, visibility, group_id, errors):
    if visibility != Visibility.GROUP:
        if group_id is not None:
            errors["group"] = "Only annotations shared with a group name a group."
        return None
    if group_id is None:
        errors["group"] = "Choose the group to share with."
        return None
    group = visible_groups(user).filter(pk=group_id).first()
    if group is None:
        errors["group"] = "No such group."
    elif not can_post_to(user, group):
        errors["group"] = "You are not a member of this group."
    return group


def _resolve_links(document, links, errors):
    """[(relation, paragraph or None, url)] for the links, paragraphs limited to the same document."""
    resolved = []
    targets = {p.pk: p for p in Paragraph.objects.filter(document=document, pk__in=[l["target"] for l in links if l.get("target")])}
    for i, link in enumerate(links):
        if link.get("target"):
            paragraph = targets.get(link["target"])
            if paragraph is None:
                errors[f"links.{i}.target"] = "No such paragraph in this document."
            resolved.append((link["relation"], paragraph, ""))
        else:
            try:
                URLValidator(schemes=["http", "https"])(link["url"])
            except DjangoValidationError:
                errors[f"links.{i}.url"] = "Enter a full http(s) address."
            resolved.append((link["relation"], None, link["url"]))
    return resolved


def _resolve_passage(paragraph, data, errors):
    """(quote, prefix, suffix, start, end): offsets checked against the text, or found from the quote."""
    quote, start, end = data.get("quote") or "", data.get("start"), data.get("end")
    prefix, suffix = data.get("prefix") or "", data.get("suffix") or ""
    text = paragraph.text
    if (start is None) != (end is None):
        errors["end" if end is None else "start"] = "Give both start and end, or neither."
        return "", "", "", None, None
    if start is not None:
        if not (0 <= start < end <= len(text)):
            errors["end"] = f"The passage must lie within the paragraph (0 to {len(text)}), start before end."
            return "", "", "", None, None
        if not quote:
            quote = text[start:end]
        elif quote != text[start:end] and find_quote(text[start:end], quote) is None:
            errors["quote"] = "The quote is not the text between start and end."
    elif quote:
        match = find_quote(text, quote, prefix, suffix)
        if match is None:
            errors["quote"] = "This quote is not in the paragraph."
            return "", "", "", None, None
        start, end = match.start, match.end
    else:
        return "", "", "", None, None
    if not prefix and not suffix:
        prefix, suffix = context_around(text, start, end)
    return quote, prefix[-64:], suffix[:64], start, end


def _save_links(annotation, links):
    annotation.links.all().delete()
    Link.objects.bulk_create(
        Link(annotation=annotation, relation=relation, target=target, url=url) for relation, target, url in links
    )


def create_annotation(user, data: dict) -> Annotation:
    errors = {}
    paragraph = (
        Paragraph.objects.select_related("document")
        .filter(pk=data["paragraph"], document__in=visible_documents(user).values("pk"))
        .first()
    )
    if paragraph is None:
        raise InputErrors({"paragraph": "No such paragraph."})
    group = _resolve_group(user, data.get("visibility", Visibility.PRIVATE), data.get("group"), errors)
    quote, prefix, suffix, start, end = _resolve_passage(paragraph, data, errors)
    links = _resolve_links(paragraph.document, data.get("links") or [], errors)
    if not (data.get("body", "").strip() or data.get("tags") or quote or links) and not errors:
        errors["body"] = "Write a note, add a tag or a link, or highlight a passage."
    _check(errors)
    with transaction.atomic():
        annotation = Annotation.objects.create(
            paragraph=paragraph, author=user, body=data.get("body", ""), quote=quote, prefix=prefix,
            suffix=suffix, start=start, end=end, visibility=data.get("visibility", Visibility.PRIVATE), group=group,
        )
        if data.get("tags"):
            annotation.tags.set(data["tags"])
        _save_links(annotation, links)
    return annotation


def create_reply(user, parent: Annotation, data: dict) -> Annotation:
    """A reply as the thread page makes one (discussions.posting: same audience, same
    notifications), plus the tags the API accepts."""
    if not data.get("body", "").strip():
        raise InputErrors({"body": "Write a reply."})
    with transaction.atomic():
        reply = posting.create_reply(user, parent, data["body"])
        if data.get("tags"):
            reply.tags.set(data["tags"])
    return reply


def update_annotation(user, annotation: Annotation, data: dict) -> Annotation:
    """Apply the fields present in `data` (PUT sends all, PATCH some); the caller holds the row lock."""
    errors = {}
    visibility = data.get("visibility", annotation.visibility)
    group_id = data["group"] if "group" in data else annotation.group_id
    if "visibility" in data and visibility != Visibility.GROUP and "group" not in data:
        group_id = None  # leaving a group share drops the group
    if annotation.parent_id is not None and ("visibility" in data or "group" in data):
        if (visibility, group_id) != (annotation.visibility, annotation.group_id):
            errors["visibility"] = "A reply is shared with whoever sees the note it answers."
    group = annotation.group
    if (visibility, group_id) != (annotation.visibility, annotation.group_id) and "visibility" not in errors:
        group = _resolve_group(user, visibility, group_id, errors)
    links = _resolve_links(annotation.paragraph.document, data["links"], errors) if "links" in data else None
    body = data.get("body", annotation.body)
    _check(errors)
    with transaction.atomic():
        annotation.body = body
        annotation.visibility = visibility
        annotation.group = group
        annotation.version = F("version") + 1
        annotation.save()
        annotation.refresh_from_db()
        if "tags" in data:
            annotation.tags.set(data["tags"])
        if links is not None:
            _save_links(annotation, links)
    return annotation


def delete_annotation(annotation: Annotation) -> None:
    """Soft delete, as the pages do: the row stays for its replies and for restoring."""
    Annotation.objects.filter(pk=annotation.pk).update(deleted_at=timezone.now(), version=F("version") + 1)
