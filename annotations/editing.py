"""Writing annotations: the one write path of the pages' forms and the JSON API.

Both hand these functions the values a person sent, in the same plain terms; everything
that needs the database or the paragraph's text is checked here, once, and each function
writes in one transaction (an annotation never exists without its tags and links, and a
refused write changes nothing). Problems come back together as InvalidInput, a message per
field: the form shows each on its field, the API answers 422 with the same messages.
Callers check who may act (annotations.permissions: may this person annotate the
paragraph, edit or delete this note) and the shape of the input (form fields, API schema).

What the input means, the same for both (where the form and the API used to differ):
- A link is a paragraph id (`target`), or an address (`url`): a paragraph's ¶ link on this
  site (/d/<paper>/#p-<anchor>, relative or with the site's host) links to that paragraph,
  any other http(s) address is an external link. A target may be any paragraph the person
  may read, in any paper: close reading compares papers.
- A passage is chosen in the text the reader sees (the paragraph as the page shows it: no
  Markdown asterisks, note markers as shown): `start`/`end` count its characters, `quote`
  alone is found in it (the occurrence whose `prefix`/`suffix` match, else the first). It is
  converted once, here, to the stored text's offsets (annotations.anchoring), which is what
  the annotation keeps and the API returns.
- Tags: any text on one line (annotations.tag_names: runs of spaces and control
  characters become one space), the first spelling of a name wins, at most
  TAGS_MAX_COUNT tags of at most TAG_MAX_LENGTH characters.
- A relation is a word or a few, lowercased; none means "see also".
- Sharing with a group needs a group the person may post to (checked when it changes, so
  a note stays in a group its author has left until they move it); a reply is shared with
  whoever sees the note it answers, and that never changes.
- An annotation says something: a note, a tag, a link or a passage, when it is made and
  after every edit.
"""

import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F
from django.urls import Resolver404, resolve
from django.utils import timezone

from access.policy import can_post_to, has_permission, visible_documents, visible_groups
from annotations.anchoring import Passage, PassageError, ReadingText
from annotations.models import LINKS_MAX_COUNT, TAG_MAX_LENGTH, TAGS_MAX_COUNT, Annotation, Link, Visibility
from annotations.permissions import is_not_anonymous
from annotations.signals import send_changed
from annotations.tag_names import tidy_tag_name
from reader.models import Paragraph

EMPTY = "Write a note, add a tag or a link, or choose a passage to highlight."
REPLY_AUDIENCE = "A reply is shared with whoever sees the note it answers."
NO_PARAGRAPH = "There is no paragraph there that you can read."
NOT_A_PARAGRAPH_ADDRESS = "Paste a paragraph's ¶ link, such as /d/paper/#p-s-1-2."
NO_ANONYMITY = "This group does not allow anonymous posts."
NO_ANONYMITY_HERE = "Only a note shared with a group can be anonymous to classmates."
# A relation is a word or a few: letters, digits, spaces, hyphens and apostrophes.
RELATION = re.compile(r"^\w[\w '’-]*$")
_SPACES = re.compile(r"\s+")


class InvalidInput(Exception):
    """What was sent cannot be saved. `errors` maps a field to a message for the person:
    body, tags, quote, start, end, visibility, group, paragraph, anonymous, links (the list
    as a whole) and links.<i>.target, .url or .relation (one link of the list)."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors

    def add_to(self, form, field_of: dict[str, str] | None = None) -> None:
        """Show each error on the form's field for it (`field_of` names the form's field
        where the two differ); one the form has no field for is shown above it."""
        for field, message in self.errors.items():
            name = (field_of or {}).get(field, field)
            form.add_error(name if name in form.fields else None, message)


class EditConflict(Exception):
    """Someone (the author, in another tab) saved a newer version first."""

    def __init__(self, current: Annotation):
        super().__init__(f"Annotation {current.pk} is at version {current.version}")
        self.current = current


# --- Checking what was sent ---------------------------------------------------------------


def clean_body(body) -> str:
    """A note of nothing but spaces is no note."""
    body = body or ""
    return body if body.strip() else ""


def clean_tags(names, errors) -> list[str]:
    cleaned, seen = [], set()
    for name in names:
        name = tidy_tag_name(name)
        if not name or name.casefold() in seen:
            continue
        if len(name) > TAG_MAX_LENGTH:
            errors["tags"] = f"“{name[:20]}…” is too long: a tag has at most {TAG_MAX_LENGTH} characters."
            return []
        seen.add(name.casefold())
        cleaned.append(name)
    if len(cleaned) > TAGS_MAX_COUNT:
        errors["tags"] = f"At most {TAGS_MAX_COUNT} tags ({len(cleaned)} given)."
    return cleaned


def readable_paragraph(user, **lookup) -> Paragraph | None:
    """The paragraph (pk=, or document__slug= and anchor=) if it is in a paper `user` may read."""
    return (
        Paragraph.objects.select_related("document")
        .defer("search_vector")
        .filter(document__in=visible_documents(user).values("pk"), **lookup)
        .first()
    )


def _reading_page(address):
    """(slug, anchor) of a ¶ link: the reading page's path and #p-<anchor>; else None."""
    try:
        match = resolve(address.path)
    except Resolver404:
        return None
    anchor = address.fragment[2:] if address.fragment.startswith("p-") else ""
    if match.url_name != "document" or not anchor:
        return None
    return match.kwargs["slug"], anchor


def _link(user, link: dict, host, field: str, errors) -> Link | None:
    """An unsaved Link for one {relation, target, url} that was sent (see the module's notes)."""
    relation = _SPACES.sub(" ", link.get("relation") or "").strip().lower()
    if relation and not RELATION.match(relation):
        errors[f"{field}.relation"] = "A relation is a word or a few: letters, digits, spaces and hyphens."
    relation = relation or Link.Relation.SEE_ALSO.value
    if link.get("target") is not None:
        target = readable_paragraph(user, pk=link["target"])
        if target is None:
            errors[f"{field}.target"] = NO_PARAGRAPH
        return Link(target=target, relation=relation)
    url = (link.get("url") or "").strip()
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    on_this_site = (not scheme and url.startswith("/")) or (
        scheme in ("http", "https") and host and parts.netloc.lower() == host.lower()
    )
    if on_this_site:
        found = _reading_page(parts)
        target = readable_paragraph(user, document__slug=found[0], anchor=found[1]) if found else None
        if target is None:
            errors[f"{field}.url"] = NO_PARAGRAPH if found else NOT_A_PARAGRAPH_ADDRESS
        return Link(target=target, relation=relation)
    if scheme not in ("http", "https"):
        errors[f"{field}.url"] = "Only web addresses starting with http:// or https:// can be linked."
        return None
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        errors[f"{field}.url"] = "This is not a valid web address."
        return None
    return Link(url=url, relation=relation)


def _links(user, links, host, errors) -> list[Link]:
    made = [_link(user, link, host, f"links.{i}", errors) for i, link in enumerate(links)]
    return [link for link in made if link is not None]


def _share(user, visibility, group_id, errors):
    """(visibility, group) for "who can see this"."""
    if visibility != Visibility.GROUP:
        if group_id is not None:
            errors["group"] = "Only annotations shared with a group name a group."
        return visibility, None
    if group_id is None:
        errors["group"] = "Choose the group to share with."
        return visibility, None
    group = visible_groups(user).filter(pk=group_id).first()
    if group is None:
        errors["group"] = "No such group."
    elif not can_post_to(user, group):
        errors["group"] = "You are not a member of this group."
    return visibility, group


def _passage(paragraph, data, errors) -> Passage | None:
    quote, start, end = (data.get("quote") or "").strip(), data.get("start"), data.get("end")
    if not quote and start is None and end is None:
        return None
    if (start is None) != (end is None):
        errors["start" if start is None else "end"] = "Give both start and end, or neither."
        return None
    try:
        return ReadingText.of(paragraph).passage(
            quote, start, end, prefix=data.get("prefix") or "", suffix=data.get("suffix") or ""
        )
    except PassageError as error:
        errors["quote"] = str(error)
        return None


def _too_many_links(count, errors):
    if count > LINKS_MAX_COUNT:
        errors["links"] = f"An annotation has at most {LINKS_MAX_COUNT} links."


def _raise(errors):
    if errors:
        raise InvalidInput(errors)


# What an app above records about a new or edited note in the same transaction (the
# discussions app: an anonymous post's curation row); registered from its AppConfig.ready.
_after_create = []
_after_update = []


def register_after_create(hook) -> None:
    """hook(annotation, data) runs inside create_annotation's transaction, once it is saved."""
    if hook not in _after_create:
        _after_create.append(hook)


def register_after_update(hook) -> None:
    """hook(annotation, changed) runs inside update_annotation's transaction, once it is saved;
    `changed` holds what changed that the annotation's own row does not keep (anonymous)."""
    if hook not in _after_update:
        _after_update.append(hook)


def _anonymity(user, anonymous, visibility, group, errors) -> None:
    """Anonymous to classmates only where the group allows it (its settings, its members)."""
    if not anonymous:
        return
    if visibility != Visibility.GROUP:
        errors["anonymous"] = NO_ANONYMITY_HERE
    elif group is not None and not has_permission(user, "group.post_anonymously", group):
        errors["anonymous"] = NO_ANONYMITY


# --- Writing ---------------------------------------------------------------------------------


@transaction.atomic
def create_annotation(user, paragraph, data: dict, host: str | None = None) -> Annotation:
    """A new annotation by `user` on `paragraph` from `data`: body, tags (a list), quote,
    start, end, prefix, suffix, visibility, group (an id), anonymous (to classmates), links
    (a list of {relation, target, url}). `host` is this site's, to know its ¶ links by their
    full address."""
    errors = {}
    body = clean_body(data.get("body"))
    tags = clean_tags(data.get("tags") or [], errors)
    visibility, group = _share(user, data.get("visibility") or Visibility.PRIVATE, data.get("group"), errors)
    _anonymity(user, bool(data.get("anonymous")), visibility, group, errors)
    passage = _passage(paragraph, data, errors)
    links = _links(user, data.get("links") or [], host, errors)
    _too_many_links(len(links), errors)
    if not errors and not (body or tags or links or passage):
        errors["body"] = EMPTY
    _raise(errors)
    annotation = Annotation.objects.create(
        paragraph=paragraph,
        author=user,
        body=body,
        visibility=visibility,
        group=group,
        **(
            {"quote": passage.quote, "start": passage.start, "end": passage.end,
             "prefix": passage.prefix, "suffix": passage.suffix}
            if passage else {}
        ),
    )
    if tags:
        annotation.tags.set(tags)
    for link in links:
        link.annotation = annotation
    Link.objects.bulk_create(links)
    for hook in _after_create:
        hook(annotation, data)
    return annotation


@transaction.atomic
def update_annotation(
    user, annotation, changes: dict, version: int | None = None, host: str | None = None
) -> Annotation:
    """Apply the fields present in `changes` (body, tags, visibility, group, anonymous, links:
    new links to add, keep_links: ids of the existing links to keep, every one if absent).
    Leaving a group share without naming a group drops the group. An anonymous note stays
    anonymous unless `anonymous` says otherwise, so moving it is checked as posting it was.

    With `version`, the edit is saved only if it is still the current one (else
    EditConflict): the check and the write are one conditional UPDATE (... WHERE version = n),
    so two edits racing from the same version cannot both win. Without it the caller holds
    the row lock (the API, which compares ETags)."""
    errors = {}
    body = clean_body(changes["body"]) if "body" in changes else annotation.body
    tags = clean_tags(changes["tags"], errors) if "tags" in changes else [t.name for t in annotation.tags.all()]
    visibility = changes.get("visibility", annotation.visibility)
    group_id = changes["group"] if "group" in changes else annotation.group_id
    if "visibility" in changes and visibility != Visibility.GROUP and "group" not in changes:
        group_id = None
    group = annotation.group
    if (visibility, group_id) != (annotation.visibility, annotation.group_id):
        if annotation.parent_id is not None:
            errors["visibility"] = REPLY_AUDIENCE
        else:
            visibility, group = _share(user, visibility, group_id, errors)
    was_anonymous = not is_not_anonymous(user, annotation)
    anonymous = bool(changes["anonymous"]) if "anonymous" in changes else was_anonymous
    if anonymous and (not was_anonymous or (visibility, group) != (annotation.visibility, annotation.group)):
        _anonymity(user, anonymous, visibility, group, errors)
    existing = list(annotation.links.all())
    keep = set(changes["keep_links"]) if "keep_links" in changes else {link.pk for link in existing}
    kept = [link for link in existing if link.pk in keep]
    links = _links(user, changes.get("links") or [], host, errors)
    _too_many_links(len(kept) + len(links), errors)
    if not errors and not (body or tags or kept or links or annotation.quote):
        errors["body"] = EMPTY
    _raise(errors)
    current = Annotation.objects.filter(pk=annotation.pk, deleted_at__isnull=True)
    if version is not None:
        current = current.filter(version=version)
    changed = current.update(
        body=body, visibility=visibility, group=group, version=F("version") + 1, updated=timezone.now()
    )
    if not changed:
        raise EditConflict(Annotation.objects.select_related("author", "group").get(pk=annotation.pk))
    send_changed(annotation)  # before `annotation` learns its new audience: the old one is told too
    if "tags" in changes:
        annotation.tags.set(tags)
    annotation.links.exclude(pk__in=[link.pk for link in kept]).delete()
    for link in links:
        link.annotation = annotation
    Link.objects.bulk_create(links)
    if anonymous != was_anonymous:
        for hook in _after_update:
            hook(annotation, {"anonymous": anonymous})
    annotation.refresh_from_db()
    return annotation


def soft_delete(annotation) -> bool:
    """Hide it from everyone at once; the author may restore it for a while."""
    now = timezone.now()
    changed = Annotation.objects.filter(pk=annotation.pk, deleted_at__isnull=True).update(
        deleted_at=now, version=F("version") + 1, updated=now
    )
    annotation.deleted_at = now
    if changed:
        send_changed(annotation)
    return bool(changed)


def restore(annotation) -> bool:
    changed = Annotation.objects.filter(pk=annotation.pk, deleted_at__isnull=False).update(
        deleted_at=None, version=F("version") + 1, updated=timezone.now()
    )
    annotation.deleted_at = None
    if changed:
        send_changed(annotation)
    return bool(changed)
