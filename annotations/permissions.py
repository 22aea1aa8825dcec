"""The access rules for notes, links and tags, registered into the one access policy.

access/policy.py holds the map's machinery and the rules on groups and papers; this module
adds the rules on annotations (a note, a reply, a highlight) and nests them under their paper
(reading or acting on a note requires reading its paper), with the querysets that say the same
rules in SQL and the fetch-for-user helpers: 404 to whoever may not know a note exists, 403 to
whoever may see it but not do this. The discussion rules (replies, votes, flags, curation) are
registered by discussions/rules.py.

A note's Curation (question, prompt, anonymous...) belongs to the discussions app, above this
one: it is read through the annotation's reverse relation (``annotation.curation``,
``curation__*`` lookups), never imported.
"""

from django.core.exceptions import PermissionDenied
from django.db import connections, router
from django.db.models import Exists, OuterRef, Q
from django.db.models.query import ModelIterable
from django.http import Http404

from access.policy import (
    MODERATING_ROLES,
    can_view,
    has_permission,
    is_authenticated,
    is_instructor,
    is_member,
    is_moderator,
    is_superuser,
    nest,
    readable_papers_q,
    register,
    viewer_key,
)
from annotations.models import Annotation, Link, TaggedAnnotation, Visibility
from groups.models import GroupSettings, Membership, Role
from groups.roles import role_in, roles_of, withholding_groups
from reader.models import Document, Paragraph

# --- Predicates: (user, annotation) -> bool -------------------------------------------------


def is_author(user, annotation):
    return user.is_authenticated and annotation.author_id == user.pk


def is_live(user, annotation):
    return annotation.deleted_at is None


def is_restorable(user, annotation):
    """Deleted, and still within the window in which its author may bring it back."""
    return annotation.is_restorable()


def is_not_hidden(user, annotation):
    return annotation.hidden_at is None


def is_hidden(user, annotation):
    return annotation.hidden_at is not None


def is_public(user, annotation):
    return annotation.visibility == Visibility.PUBLIC


def is_group_visible(user, annotation):
    return annotation.visibility == Visibility.GROUP


def is_not_private(user, annotation):
    return annotation.visibility != Visibility.PRIVATE


def curation_of(annotation):
    """The note's Curation row, or None (select_related("curation") fills it; a missing
    reverse one-to-one raises an AttributeError, so getattr answers None)."""
    return getattr(annotation, "curation", None)


def is_not_anonymous(user, annotation):
    curation = curation_of(annotation)
    return curation is None or not curation.is_anonymous


def is_not_withheld(user, annotation):
    """Not held back by the group's "hide classmates' notes until I have posted on this
    paragraph" setting: mine, a prompt, a group without the setting, or a paragraph where I
    have posted to the group. (Moderators and instructors see everything by their own clause.)"""
    if annotation.author_id == user.pk or role_in(user, annotation.group_id) in MODERATING_ROLES:
        return True
    if not GroupSettings.objects.filter(group_id=annotation.group_id, hide_until_posted=True).exists():
        return True
    curation = curation_of(annotation)
    if curation is not None and curation.is_prompt:
        return True
    return Annotation.objects.filter(
        author_id=user.pk, paragraph_id=annotation.paragraph_id, group_id=annotation.group_id, deleted_at__isnull=True
    ).exists()


# --- The rules --------------------------------------------------------------------------------

register(
    {
        "annotation.view": [
            [is_author],
            [is_live, is_not_hidden, is_public],
            [is_live, is_not_hidden, is_group_visible, is_member, is_not_withheld],
            [is_live, is_group_visible, is_moderator],
            [is_live, is_not_private, is_superuser],
        ],
        "annotation.edit": [[is_author, is_live]],  # body, tags, visibility, and the links it makes
        "annotation.delete": [[is_author, is_live]],
        "annotation.restore": [[is_author, is_restorable]],
        # Annotate a paragraph: anyone signed in who can read the document (get_paragraph_for);
        # sharing with a group also needs "group.post" on it.
        "paragraph.annotate": [[is_authenticated]],
        "annotation.moderate": [
            [is_live, is_group_visible, is_moderator],
            [is_live, is_not_private, is_superuser],
        ],
        # Attach an orphaned annotation (after a new version) to a paragraph or passage again.
        "annotation.reattach": [
            [is_author, is_live],
            [is_live, is_group_visible, is_instructor],
            [is_live, is_not_private, is_superuser],
        ],
        "annotation.hide": [
            [is_live, is_not_hidden, is_group_visible, is_moderator],
            [is_live, is_not_hidden, is_not_private, is_superuser],
        ],
        "annotation.unhide": [[is_live, is_hidden, is_group_visible, is_moderator], [is_live, is_hidden, is_superuser]],
        # Whose name is shown: anonymous posts show "Anonymous classmate" to all but these.
        "annotation.see_author": [[is_not_anonymous], [is_author], [is_instructor], [is_superuser]],
    }
)
# Every permission on a note also requires reading its paper (a reply, a vote, a flag, a link
# preview, an orphan on a paper someone may not read is as invisible to them as the paper).
nest("annotation", Annotation, "document.view", lambda annotation: annotation.paragraph.document)


# --- Querysets: the same policy as SQL ----------------------------------------------------
# Each mirrors its "*.view" entry above; the permission matrix tests check they agree.


def annotation_visibility_q(user, roles_in_sql=False) -> Q:
    """Q for the annotations `user` may see (mirrors PERMISSIONS['annotation.view']).

    With roles_in_sql, roles not yet loaded this request are read by subqueries inside the
    one SQL statement instead of a query of their own (the header's unread count, on every page)."""
    return _annotation_rules_q(user, roles_in_sql) & readable_papers_q(user, roles_in_sql=roles_in_sql)


def _annotation_rules_q(user, roles_in_sql) -> Q:
    """annotation_visibility_q without the nesting: the clauses of 'annotation.view'."""
    live_shown = Q(deleted_at__isnull=True, hidden_at__isnull=True)
    q = live_shown & Q(visibility=Visibility.PUBLIC)
    if not user.is_authenticated:
        return q
    if roles_in_sql and getattr(user, "_marginalia_roles", None) is None:
        memberships = Membership.objects.filter(user_id=user.pk)
        member_of = memberships.values("group_id")
        moderating = memberships.filter(role__in=MODERATING_ROLES).values("group_id")
        group_q = Q(group_id__in=member_of) & not_withheld_q(user)
    else:
        roles = roles_of(user)
        member_of = list(roles)
        moderating = [gid for gid, role in roles.items() if role in MODERATING_ROLES]
        # Known per group, so the rule is plain: a group that hides nothing needs no
        # subqueries per row (their cost estimates alone led the planner to loop over the
        # rows one by one: the tag index at 1M notes took 5 s).
        withholding = withholding_groups(user) & set(member_of)
        group_q = Q(group_id__in=[gid for gid in member_of if gid not in withholding])
        if withholding:
            group_q |= Q(group_id__in=sorted(withholding)) & not_withheld_q(user, settings_known=True)
    q |= Q(author_id=user.pk)
    if not isinstance(member_of, list) or member_of:  # a subquery is never tested for emptiness
        q |= live_shown & Q(visibility=Visibility.GROUP) & group_q
    if not isinstance(moderating, list) or moderating:
        q |= Q(deleted_at__isnull=True, visibility=Visibility.GROUP, group_id__in=moderating)
    if user.is_superuser:
        q |= Q(deleted_at__isnull=True) & ~Q(visibility=Visibility.PRIVATE)
    return q


def not_withheld_q(user, settings_known=False) -> Q:
    """Group annotations not held back from `user` by "hide until posted" (mirrors
    is_not_withheld): no such setting, mine, a prompt, or I have posted on the paragraph to
    that group. Correlated subqueries on the annotation row, so no extra query per request.
    settings_known: the caller has kept only groups with the setting."""
    q = Q(author_id=user.pk)
    if not settings_known:
        q |= ~Q(Exists(GroupSettings.objects.filter(group_id=OuterRef("group_id"), hide_until_posted=True)))
    return (
        q
        | Q(curation__is_prompt=True)
        | Q(
            Exists(
                Annotation.objects.filter(
                    author_id=user.pk,
                    paragraph_id=OuterRef("paragraph_id"),
                    group_id=OuterRef("group_id"),
                    deleted_at__isnull=True,
                )
            )
        )
    )


def withheld_annotations(user, queryset=None):
    """The notes "hide until posted" holds back from `user` that posting on their paragraph to
    the group would reveal: exactly the group clause of 'annotation.view' without
    is_not_withheld, less what they see already. So the margin may say how many are waiting
    without counting anything they would not see after posting (hidden, deleted, private,
    another group's). Empty, with no query, for whoever is in no such group as a member."""
    queryset = Annotation.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
    groups = sorted(gid for gid in withholding_groups(user) if role_in(user, gid) not in MODERATING_ROLES)
    if not groups:
        return queryset.none()
    waiting = Q(deleted_at__isnull=True, hidden_at__isnull=True, visibility=Visibility.GROUP, group_id__in=groups)
    return queryset.filter(waiting & ~not_withheld_q(user, settings_known=True) & readable_papers_q(user))


def change_audience_q(user) -> Q:
    """Notes whose changes (edit, delete, hide, restore) `user` hears of, as a paragraph whose
    margin to fetch again: annotation.view's audiences without the note's state or withholding
    (mirrors live.audience.change_keys), on papers `user` may read. Only the note's present
    audience: the old one of an edit that narrowed it hears of it by the stream alone."""
    q = Q(visibility=Visibility.PUBLIC)
    if user.is_authenticated:
        q |= Q(author_id=user.pk) | Q(visibility=Visibility.GROUP, group_id__in=list(roles_of(user)))
        if user.is_superuser:
            q |= ~Q(visibility=Visibility.PRIVATE)
    return q & readable_papers_q(user)


def author_known_q(user) -> Q:
    """Annotations whose author `user` may know (mirrors PERMISSIONS['annotation.see_author']).
    Filters by person (a person's page, "by this person" in the margin) must add it, or an
    anonymous post would give its author away."""
    if user.is_authenticated and user.is_superuser:
        return Q()
    q = ~Q(curation__is_anonymous=True)
    if user.is_authenticated:
        q |= Q(author_id=user.pk)
        instructing = [gid for gid, role in roles_of(user).items() if role == Role.INSTRUCTOR]
        if instructing:
            q |= Q(group_id__in=instructing)
    return q


ANONYMOUS_AUTHOR = "Anonymous classmate"


def author_as_seen(user, annotation) -> tuple[bool, str]:
    """(whether `user` may know the author, the name to show them): "Anonymous classmate" for
    an anonymous post, unless `user` wrote it, instructs its group or is a superuser."""
    known = has_permission(user, "annotation.see_author", annotation)
    return known, str(annotation.author) if known else ANONYMOUS_AUTHOR


def author_label(user, annotation) -> str:
    """The author's name as `user` may see it (author_as_seen)."""
    return author_as_seen(user, annotation)[1]


class SeenByIterable(ModelIterable):
    """Marks each annotation a visible_annotations() queryset loads with its viewer."""

    def __iter__(self):
        key = self.queryset._hints["seen_by"]
        for annotation in super().__iter__():
            annotation._seen_by = key
            yield annotation


def visible_annotations(user, queryset=None):
    """The annotations `user` may see (PERMISSIONS['annotation.view'] with its nesting)."""
    queryset = Annotation.objects.all() if queryset is None else queryset
    visible = queryset.filter(annotation_visibility_q(user))
    if visible._iterable_class is ModelIterable:  # (not for .values() and the like)
        visible._hints = {**visible._hints, "seen_by": viewer_key(user)}
        visible._iterable_class = SeenByIterable
    return visible


def shown_links(user):
    """A visible note's links that may be shown to `user`: to a web page, or to a paragraph of
    a paper they may read (the rest stay out of its card). For prefetching a card's links."""
    return (
        Link.objects.filter(readable_papers_q(user, field="target"))
        .select_related("target__document")
        .defer("target__search_vector")
    )


def visible_links(user, queryset=None):
    """Links whose annotation `user` may see, live, to a paragraph `user` may read (a backlink
    must not reveal a private or deleted note, nor that one exists; a preview must not show a
    paper one may not read)."""
    queryset = Link.objects.all() if queryset is None else queryset
    # The notes tested are only those of these links: left to itself PostgreSQL hashed the
    # links and scanned every note the viewer may see to match them (50-90 ms a margin batch).
    notes = visible_annotations(user).live().filter(pk__in=queryset.values("annotation_id"))
    # A preview shows the target's paper and text: that paper must be readable too.
    return queryset.filter(readable_papers_q(user, field="target"), annotation__in=notes)


def visible_tagged(user, queryset=None):
    """Tag uses on annotations `user` may see, live: what tag pages and autocomplete count."""
    queryset = TaggedAnnotation.objects.all() if queryset is None else queryset
    return queryset.filter(content_object__in=visible_annotations(user).live())


def on_documents_q(document_ids: list[int]) -> Q:
    """Annotations on these documents, said so that the usual case (every document readable)
    needs no join to paragraphs: the notes on the paragraphs that existed a moment ago, less
    those on the few documents left out. With the join, PostgreSQL walked back through the
    newest notes testing each (30-40 ms for a middling word at 1M) instead of ANDing the GIN
    index with the id range (5-20 ms). One query, so one snapshot: a document added since
    is past the paragraph bound or among those left out."""
    with connections[router.db_for_read(Annotation)].cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT max(id) FROM {Paragraph._meta.db_table}),"
            f" ARRAY(SELECT id FROM {Document._meta.db_table} WHERE NOT id = ANY(%s::bigint[]))",
            [list(document_ids)],
        )
        last_paragraph, left_out = cursor.fetchone()
    q = Q(paragraph_id__lte=last_paragraph or 0)
    if left_out:
        q &= ~Q(paragraph__document_id__in=left_out)
    return q


def reattachable_annotations(user, queryset=None):
    """Annotations `user` may attach again after a new version orphaned them (mirrors
    PERMISSIONS['annotation.reattach']): their own, and group ones in groups they instruct."""
    queryset = Annotation.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
    live = Q(deleted_at__isnull=True)
    q = Q(author_id=user.pk) & live
    instructing = [gid for gid, role in roles_of(user).items() if role == Role.INSTRUCTOR]
    if instructing:
        q |= live & Q(visibility=Visibility.GROUP, group_id__in=instructing)
    if user.is_superuser:
        q |= live & ~Q(visibility=Visibility.PRIVATE)
    return queryset.filter(q & readable_papers_q(user))


# --- Fetch-for-user helpers: 404 for strangers, 403 is the caller's for read-only members ---


def get_annotation_for(user, pk, queryset=None) -> Annotation:
    queryset = Annotation.objects.all() if queryset is None else queryset
    annotation = queryset.select_related("paragraph__document__publication", "author", "group").filter(pk=pk).first()
    if annotation is None or not can_view(user, annotation):
        raise Http404("No such annotation.")
    return annotation


def get_annotation_for_action(user, pk, permission: str) -> Annotation:
    """An annotation `user` may see (else 404) if they hold `permission` ("annotation.*") on it (else 403)."""
    annotation = get_annotation_for(user, pk, Annotation.objects.select_related("curation"))
    if not has_permission(user, permission, annotation):
        raise PermissionDenied
    return annotation
