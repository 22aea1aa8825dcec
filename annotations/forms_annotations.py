"""The annotation form: note, tags, passage, one new link, who sees it.

Every field keeps what the person typed when something is wrong, and each problem is
reported on the field it concerns. The form only checks the fields' shapes and turns them
into the service's terms (`for_service`); annotations.editing checks the rest and writes,
for this form and the API alike, and its errors come back onto the fields (`show`).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from access.policy import has_permission, postable_groups
from annotations.models import (
    NOTE_MAX_LENGTH,
    RELATION_MAX_LENGTH,
    TAG_MAX_LENGTH,
    TAGS_MAX_COUNT,
    URL_MAX_LENGTH,
    Annotation,
    Visibility,
)
from annotations.permissions import is_not_anonymous

# The service's fields (annotations.editing.InvalidInput) on this form's: the passage is
# chosen in one field, the one new link is links.0, the group is a choice of "who can see this".
_FIELD_OF = {
    "start": "quote", "end": "quote", "group": "visibility",
    "links": "link", "links.0.url": "link", "links.0.target": "link", "links.0.relation": "relation",
}


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


def last_share(user, document) -> str | None:
    """The "who can see this" of the person's latest note on a paper of the same group (a
    paper published for one group: that group's papers; else the library's), the default of a
    new note, so a note is never made private (or public) without the person choosing it."""
    publication = getattr(document, "publication", None)
    group_id = publication.group_id if publication is not None else None
    same_scope = (
        Q(paragraph__document__publication__group_id=group_id) if group_id is not None
        else Q(paragraph__document__publication__isnull=True) | Q(paragraph__document__publication__group__isnull=True)
    )
    last = (
        Annotation.objects.filter(same_scope, author_id=user.pk, parent__isnull=True)
        .order_by("-created", "-pk").only("visibility", "group_id").first()
    )
    return share_value(last) if last is not None else None


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
    # Any "group-<id>" passes the form: whether one may post there is the service's to say.
    visibility = forms.CharField(label="Who can see this", widget=forms.Select)
    anonymous = forms.BooleanField(
        required=False, label="Anonymous to classmates",
        help_text="Your group's instructors still see your name. Only groups that allow it.",
    )
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    remove_links = forms.MultipleChoiceField(
        label="Remove links", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, user, paragraph, instance=None, **kwargs):
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "body": instance.body,
                "tags": ", ".join(sorted(t.name for t in instance.tags.all())),
                "visibility": share_value(instance),
                "anonymous": not is_not_anonymous(user, instance),
                "version": instance.version,
            }
        super().__init__(*args, **kwargs)
        groups = list(postable_groups(user)) if user.is_authenticated else []
        if instance is not None and instance.group is not None and instance.group not in groups:
            groups.append(instance.group)  # where it is shared now, if its author has left
        choices = share_choices(groups, paragraph.document)
        if instance is not None and instance.parent_id is not None:
            # A reply's audience is its note's: shown, not offered (annotations.editing refuses a change).
            choices = [choice for choice in choices if choice[0] == share_value(instance)]
        self.fields["visibility"].widget.choices = choices
        # Offered where one of the person's groups allows it (the service checks the one chosen),
        # and on an anonymous note (its author sees it is, and may sign it); kept when sent, so a
        # refusal shows on the box that was ticked.
        if not any(has_permission(user, "group.post_anonymously", g) for g in groups) and not (
            (self.is_bound and self.data.get(self.add_prefix("anonymous")))
            or (instance is not None and self.initial.get("anonymous"))
        ):
            del self.fields["anonymous"]
        if instance is None:
            del self.fields["version"], self.fields["remove_links"]
            if user.is_authenticated and not self.is_bound:
                last = last_share(user, paragraph.document)
                if last in {value for value, _label in choices}:
                    self.fields["visibility"].initial = last
        else:
            # The passage stays as chosen; an edit changes what is said about it.
            del self.fields["quote"], self.fields["start"], self.fields["end"]
            self.existing_links = list(instance.links.all())
            self.fields["remove_links"].choices = [(str(link.pk), str(link)) for link in self.existing_links]
            if not self.existing_links:
                del self.fields["remove_links"]
        # Ids unique on a page that holds one form per paragraph.
        self.auto_id = f"id_{paragraph.anchor}_%s" if instance is None else f"id_a{instance.pk}_%s"

    def clean_visibility(self):
        """(visibility, group id) from the one choice."""
        value = self.cleaned_data["visibility"]
        if value in (Visibility.PRIVATE, Visibility.PUBLIC):
            return (value, None)
        kind, _, group_id = value.partition("-")
        if kind != "group" or not group_id.isdigit() or len(group_id) > 18:
            raise ValidationError("Choose who can see this.")
        return (Visibility.GROUP.value, int(group_id))

    def for_service(self) -> dict:
        """The cleaned fields in annotations.editing's terms (create or update)."""
        data = self.cleaned_data
        visibility, group_id = data["visibility"]
        link = data.get("link", "").strip()
        values = {
            "body": data.get("body", ""),
            # Commas separate tags (a tag may hold spaces).
            "tags": data.get("tags", "").split(","),
            "visibility": visibility,
            "group": group_id,
            "links": [{"relation": data.get("relation", ""), "url": link}] if link else [],
        }
        if self.instance is None:
            values.update(quote=data.get("quote", ""), start=data.get("start"), end=data.get("end"))
            values["anonymous"] = data.get("anonymous", False)
        else:
            if "anonymous" in self.fields:  # else it stays as it is
                values["anonymous"] = data.get("anonymous", False)
            removed = set(data.get("remove_links") or [])
            values["keep_links"] = [link.pk for link in self.existing_links if str(link.pk) not in removed]
        return values

    def show(self, invalid) -> None:
        """The service's errors (annotations.editing.InvalidInput), each on its field."""
        invalid.add_to(self, _FIELD_OF)
