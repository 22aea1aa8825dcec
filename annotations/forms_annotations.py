"""The annotation form: note, tags, passage, one new link, who sees it.

Every field keeps what the person typed when something is wrong, and each problem is
reported on the field it concerns. The form only checks and translates; writing is
annotations.editing's job.
"""

import re
from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.http import Http404
from django.urls import Resolver404, resolve

from access.policy import get_paragraph_for, postable_groups
from annotations.anchoring import PassageError, ReadingText
from annotations.models import (
    LINKS_MAX_COUNT,
    NOTE_MAX_LENGTH,
    RELATION_MAX_LENGTH,
    TAG_MAX_LENGTH,
    TAGS_MAX_COUNT,
    URL_MAX_LENGTH,
    Link,
    Visibility,
)

RELATION_SUGGESTIONS = [choice for choice, _ in Link.Relation.choices]
# A relation is a word or a few: letters, digits, spaces, hyphens and apostrophes.
RELATION = re.compile(r"^\w[\w '’-]*$")
_SPACES = re.compile(r"\s+")


def share_choices(groups, document):
    """"Who can see this" as one choice: only me, one of my groups, or everyone who may read
    the paper (on a paper published for one group, that is its members: say so)."""
    publication = getattr(document, "publication", None)
    if publication is not None and publication.group_id is not None:
        everyone = f"Everyone who may read this paper (members of {publication.group.name})"
    else:
        everyone = "Everyone (public)"
    return [
        (Visibility.PRIVATE.value, "Only me"),
        *[(f"group-{g.pk}", f"Group: {g.name}") for g in groups],
        (Visibility.PUBLIC.value, everyone),
    ]


def share_value(annotation) -> str:
    if annotation.visibility == Visibility.GROUP:
        return f"group-{annotation.group_id}"
    return annotation.visibility


class AnnotationForm(forms.Form):
    quote = forms.CharField(
        label="Passage", required=False, max_length=10_000,
        help_text="Select words in the paragraph, or paste them here. Leave empty for the whole paragraph.",
    )
    start = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    end = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    body = forms.CharField(
        label="Note", required=False, max_length=NOTE_MAX_LENGTH, strip=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Markdown: *emphasis*, **strong**, [a link](https://…), > quote, - list.",
    )
    tags = forms.CharField(
        label="Tags", required=False, max_length=TAGS_MAX_COUNT * (TAG_MAX_LENGTH + 3),
        help_text=f"Separated by commas; up to {TAGS_MAX_COUNT}, each at most {TAG_MAX_LENGTH} characters.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    link = forms.CharField(
        label="Link to", required=False, max_length=URL_MAX_LENGTH,
        help_text="A paragraph's ¶ link (from this paper or another) or a web address (http or https).",
        widget=forms.TextInput(attrs={"inputmode": "url", "autocomplete": "off"}),
    )
    relation = forms.CharField(
        label="Relation", required=False, max_length=RELATION_MAX_LENGTH, initial="see also",
        help_text="supports, contradicts, elaborates, see also, or a word of your own.",
    )
    visibility = forms.ChoiceField(label="Who can see this")
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    remove_links = forms.MultipleChoiceField(
        label="Remove links", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, user, paragraph, instance=None, host=None, **kwargs):
        self.user = user
        self.paragraph = paragraph
        self.instance = instance
        self.host = host
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "body": instance.body,
                "tags": ", ".join(sorted(t.name for t in instance.tags.all())),
                "visibility": share_value(instance),
                "version": instance.version,
            }
        super().__init__(*args, **kwargs)
        self.groups = list(postable_groups(user)) if user.is_authenticated else []
        self.fields["visibility"].choices = share_choices(self.groups, paragraph.document)
        if instance is None:
            del self.fields["version"], self.fields["remove_links"]
        else:
            # The passage stays as chosen; an edit changes what is said about it.
            del self.fields["quote"], self.fields["start"], self.fields["end"]
            self.existing_links = list(instance.links.all())
            self.fields["remove_links"].choices = [(str(link.pk), str(link)) for link in self.existing_links]
            if not self.existing_links:
                del self.fields["remove_links"]
        # Ids unique on a page that holds one form per paragraph.
        self.auto_id = f"id_{paragraph.anchor}_%s" if instance is None else f"id_a{instance.pk}_%s"

    # --- fields ---

    def clean_body(self):
        body = self.cleaned_data["body"]
        return body if body.strip() else ""

    def clean_tags(self):
        raw = self.cleaned_data["tags"]
        names, seen = [], set()
        # Commas separate tags (a tag may hold spaces); the first spelling typed is kept.
        for name in raw.split(","):
            name = _SPACES.sub(" ", name).strip()
            if not name or name.casefold() in seen:
                continue
            if len(name) > TAG_MAX_LENGTH:
                raise ValidationError(f"“{name[:20]}…” is too long: a tag has at most {TAG_MAX_LENGTH} characters.")
            seen.add(name.casefold())
            names.append(name)
        if len(names) > TAGS_MAX_COUNT:
            raise ValidationError(f"At most {TAGS_MAX_COUNT} tags ({len(names)} given).")
        return names

    def clean_relation(self):
        relation = _SPACES.sub(" ", self.cleaned_data["relation"]).strip().lower()
        if relation and not RELATION.match(relation):
            raise ValidationError("A relation is a word or a few: letters, digits, spaces and hyphens.")
        return relation or Link.Relation.SEE_ALSO.value

    def clean_link(self):
        """A paragraph (from its ¶ link) -> ("paragraph", Paragraph); a web address -> ("url", str)."""
        value = self.cleaned_data["link"].strip()
        if not value:
            return None
        parts = urlsplit(value)
        scheme = parts.scheme.lower()
        own_site = not scheme and value.startswith("/") or (
            scheme in ("http", "https") and self.host and parts.netloc.lower() == self.host.lower()
        )
        if own_site:
            return ("paragraph", self._paragraph_at(parts))
        if scheme not in ("http", "https"):
            raise ValidationError("Only web addresses starting with http:// or https:// can be linked.")
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError:
            raise ValidationError("This is not a valid web address.") from None
        return ("url", value)

    def _paragraph_at(self, parts):
        try:
            match = resolve(parts.path)
        except Resolver404:
            match = None
        anchor = parts.fragment[2:] if parts.fragment.startswith("p-") else ""
        if match is None or match.url_name != "document" or not anchor:
            raise ValidationError("Paste a paragraph's ¶ link, such as /d/paper/#p-s-1-2.")
        try:
            return get_paragraph_for(self.user, match.kwargs["slug"], anchor)
        except Http404:
            raise ValidationError("There is no paragraph at that address that you can read.") from None

    def clean_visibility(self):
        value = self.cleaned_data["visibility"]
        if value.startswith("group-"):
            group = next(g for g in self.groups if f"group-{g.pk}" == value)  # the choices allow only these
            return (Visibility.GROUP.value, group)
        return (value, None)

    # --- the whole ---

    def clean(self):
        data = super().clean()
        data["passage"] = None
        if self.instance is None and "quote" in data:
            quote, start, end = data.get("quote", ""), data.get("start"), data.get("end")
            if quote.strip() or start is not None or end is not None:
                try:
                    data["passage"] = ReadingText.of(self.paragraph).passage(quote, start, end)
                except PassageError as error:
                    self.add_error("quote", str(error))
                    return data
        keeping_links = 0
        if self.instance is not None:
            removed = set(data.get("remove_links") or [])
            keeping_links = sum(1 for link in self.existing_links if str(link.pk) not in removed)
            if keeping_links + (1 if data.get("link") else 0) > LINKS_MAX_COUNT:
                self.add_error("link", f"An annotation has at most {LINKS_MAX_COUNT} links.")
        has_passage = data["passage"] is not None or bool(self.instance and self.instance.quote)
        if self.errors:
            return data
        if not (data.get("body") or data.get("tags") or data.get("link") or has_passage or keeping_links):
            self.add_error("body", "Write a note, add a tag or a link, or choose a passage to highlight.")
        return data
