"""Who may see, change or moderate what: the one place that decides.

Every view, the API, search, exports, feeds and counts ask this module, through the
queryset helpers (``visible_annotations``, ``visible_groups``) or the predicates
(``can_view``, ``can_edit``, ...). The policy reads as one map: a permission is granted
when ANY of its clauses holds, and a clause holds when ALL of its predicates do.

Roles come from one query per request and user (``roles_of``), cached on the user object.

Policy notes:
- Private annotations are private even from superusers: they answer 404 to everyone but
  their author. Superusers otherwise act as instructors of every group.
- Something a person may not know exists answers 404, not 403 (see ``get_*_for`` helpers).
"""

from django.core.exceptions import PermissionDenied
from django.db import connections, router
from django.db.models import Q
from django.db.models.query import ModelIterable
from django.http import Http404

from annotations.models import Annotation, Link, Visibility
from groups.models import GroupSettings, Invitation, Membership, Role, StudyGroup
from groups.roles import role_in, roles_of, withholding_groups
from reader.models import Document, Paragraph

MODERATING_ROLES = {Role.INSTRUCTOR, Role.MODERATOR}


# --- Predicates: (user, obj) -> bool ----------------------------------------------------
# For a group, obj is the StudyGroup; for an annotation, the predicates look at its group.


def _group_id(obj):
    return obj.pk if isinstance(obj, StudyGroup) else obj.group_id


def is_authenticated(user, obj):
    return user.is_authenticated


def is_superuser(user, obj):
    return user.is_authenticated and user.is_superuser


def is_member(user, obj):
    return role_in(user, _group_id(obj)) is not None


def is_moderator(user, obj):
    return role_in(user, _group_id(obj)) in MODERATING_ROLES


def is_instructor(user, obj):
    return role_in(user, _group_id(obj)) == Role.INSTRUCTOR


def is_author(user, annotation):
    return user.is_authenticated and annotation.author_id == user.pk


def is_live(user, annotation):
    return annotation.deleted_at is None


def is_restorable(user, annotation):
    """Deleted, and still within the window in which its author may bring it back."""
    return annotation.is_restorable()


def is_not_hidden(user, annotation):
    return annotation.hidden_at is None


def is_public(user, annotation):
    return annotation.visibility == Visibility.PUBLIC


def is_group_visible(user, annotation):
    return annotation.visibility == Visibility.GROUP


def is_not_private(user, annotation):
    return annotation.visibility != Visibility.PRIVATE


def is_staff(user, obj):
    return user.is_authenticated and user.is_staff


def is_instructor_somewhere(user, obj):
    return Role.INSTRUCTOR in roles_of(user).values()


# Documents: a versions.Publication says who published one and for which group (none: the
# library). Documents imported by command have no Publication and are in the library.


def _publication(document):
    publication = getattr(document, "publication", None)
    if publication is None:
        # Django does not remember a missing reverse one-to-one: remember it here, as
        # select_related would, or each note on a library paper asks again.
        Document.publication.related.set_cached_value(document, None)
    return publication


def is_library_document(user, document):
    publication = _publication(document)
    return publication is None or publication.group_id is None


def is_in_document_group(user, document):
    publication = _publication(document)
    return publication is not None and publication.group_id is not None and role_in(user, publication.group_id) is not None


def is_document_group_instructor(user, document):
    publication = _publication(document)
    return publication is not None and role_in(user, publication.group_id) == Role.INSTRUCTOR


def is_publisher(user, document):
    publication = _publication(document)
    return user.is_authenticated and publication is not None and publication.published_by_id == user.pk


def may_publish_to_its_audience(user, document):
    """A library paper, or a group-only one whose group `user` may still publish to."""
    publication = _publication(document)
    if publication is None or publication.group_id is None:
        return True
    return has_permission(user, "group.publish", publication.group)


# Discussions: threads, curation, moderation and group discussion settings. Their state lives
# in the discussions app (which builds on this one), so it is imported where it is used.


def is_root(user, annotation):
    return annotation.parent_id is None


def is_hidden(user, annotation):
    return annotation.hidden_at is not None


def is_not_author(user, annotation):
    return user.is_authenticated and annotation.author_id != user.pk


def may_see(user, annotation):
    return _seen_in_list(user, annotation) or has_permission(user, "annotation.view", annotation)


def is_thread_open(user, annotation):
    """The thread `annotation` belongs to is not locked."""
    from discussions.threads import thread_curation

    curation = thread_curation(annotation)
    return curation is None or curation.locked_at is None


def is_question(user, annotation):
    from discussions.threads import curation_of

    curation = curation_of(annotation)
    return curation is not None and curation.is_question


def is_not_anonymous(user, annotation):
    from discussions.threads import curation_of

    curation = curation_of(annotation)
    return curation is None or not curation.is_anonymous


def is_not_withheld(user, annotation):
    """Not held back by the group's "hide classmates' notes until I have posted on this
    paragraph" setting: mine, a prompt, a group without the setting, or a paragraph where I
    have posted to the group. (Moderators and instructors see everything by their own clause.)"""
    from discussions.threads import curation_of

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


def allows_anonymous(user, group):
    return GroupSettings.objects.filter(group_id=_group_id(group), allow_anonymous=True).exists()


# --- The map ------------------------------------------------------------------------------

PERMISSIONS = {
    # Groups
    "group.view": [[is_member], [is_superuser]],
    "group.create": [[is_authenticated]],
    "group.manage_members": [[is_instructor], [is_superuser]],  # change roles, remove members
    "group.invite": [[is_instructor], [is_superuser]],  # create, list and revoke invite links
    "group.edit": [[is_instructor], [is_superuser]],
    "group.delete": [[is_instructor], [is_superuser]],
    "group.leave": [[is_member]],  # the last instructor is refused by groups/memberships.py
    "group.post": [[is_member]],
    "group.moderate": [[is_moderator], [is_superuser]],
    "group.export": [[is_member], [is_superuser]],  # download the group's annotations (exports page)
    "group.publish": [[is_instructor], [is_superuser]],  # publish a paper (or a version) for the group only
    # Annotations
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
    # Documents (obj is a reader.Document; None for "upload")
    "document.view": [[is_library_document], [is_in_document_group], [is_superuser]],
    "document.upload": [[is_staff], [is_superuser], [is_instructor_somewhere]],
    # Its publisher too, while they may still publish to its group (they may have left it).
    "document.new_version": [
        [is_staff], [is_superuser], [is_document_group_instructor], [is_publisher, may_publish_to_its_audience],
    ],
    # Discussions (obj is an annotation; a reply's thread is its root's)
    "annotation.reply": [[is_authenticated, is_live, is_not_hidden, may_see, is_thread_open]],
    "annotation.vote": [[is_authenticated, is_live, is_not_hidden, is_not_private, may_see]],
    "annotation.flag": [[is_not_author, is_live, is_not_hidden, may_see]],  # once each: discussions.moderation
    "annotation.hide": [
        [is_live, is_not_hidden, is_group_visible, is_moderator],
        [is_live, is_not_hidden, is_not_private, is_superuser],
    ],
    "annotation.unhide": [[is_live, is_hidden, is_group_visible, is_moderator], [is_live, is_hidden, is_superuser]],
    "annotation.mark_question": [[is_author, is_live, is_root]],
    "annotation.resolve": [
        [is_author, is_live, is_root, is_question],
        [is_live, is_root, is_question, is_group_visible, is_instructor],
        [is_live, is_root, is_question, is_not_private, is_superuser],
    ],
    "annotation.pin": [[is_live, is_root, is_group_visible, is_instructor], [is_live, is_root, is_not_private, is_superuser]],
    "annotation.endorse": [[is_live, is_group_visible, is_instructor], [is_live, is_not_private, is_superuser]],
    "annotation.lock": [
        [is_live, is_root, is_group_visible, is_moderator],
        [is_live, is_root, is_not_private, is_superuser],
    ],
    # Whose name is shown: anonymous posts show "Anonymous classmate" to all but these.
    "annotation.see_author": [[is_not_anonymous], [is_author], [is_instructor], [is_superuser]],
    # Groups (obj is the StudyGroup)
    "group.post_prompt": [[is_instructor], [is_superuser]],
    "group.edit_guide": [[is_instructor], [is_superuser]],
    "group.read_guide": [[is_member], [is_superuser]],
    "group.read_moderation_log": [[is_instructor], [is_superuser]],
    "group.discussion_settings": [[is_instructor], [is_superuser]],
    "group.post_anonymously": [[is_member, allows_anonymous]],
    "group.mention": [[is_member], [is_superuser]],  # look members up to @mention them
    # The instructor dashboard (dashboard app); moderators see anonymous posts as anonymous.
    "group.dashboard": [[is_moderator], [is_superuser]],
}


# Permissions nest (as in hypothesis/h, where reading an annotation requires reading its
# group): any permission on an object of the kind on the left also requires the permission on
# the right, on the object the function returns. So a reply, a vote, a flag, a link preview or
# an orphan on a paper someone may not read is as invisible to them as the paper itself.
NESTED = {
    "annotation": ("document.view", lambda annotation: annotation.paragraph.document),
}


def has_permission(user, permission: str, obj=None) -> bool:
    if not any(all(predicate(user, obj) for predicate in clause) for clause in PERMISSIONS[permission]):
        return False
    parent = NESTED.get(permission.partition(".")[0])
    if parent is None or obj is None or _seen_in_list(user, obj):
        return True
    parent_permission, parent_of = parent
    return has_permission(user, parent_permission, parent_of(obj))


def viewer_key(user):
    """What marks an annotation as loaded for `user` through visible_annotations."""
    return user.pk if user.is_authenticated else "anonymous"


def _seen_in_list(user, annotation) -> bool:
    """visible_annotations(user) applies the same rules (nesting included) in SQL and marks what
    it loads (SeenByIterable), saving the queries of asking again for each row."""
    return getattr(annotation, "_seen_by", None) == viewer_key(user)


def can_view(user, obj) -> bool:
    return has_permission(user, f"{_kind(obj)}.view", obj)


def can_edit(user, obj) -> bool:
    return has_permission(user, f"{_kind(obj)}.edit", obj)


def can_delete(user, obj) -> bool:
    return has_permission(user, f"{_kind(obj)}.delete", obj)


def can_moderate(user, obj) -> bool:
    return has_permission(user, f"{_kind(obj)}.moderate", obj)


def can_manage_members(user, group) -> bool:
    return has_permission(user, "group.manage_members", group)


def can_post_to(user, group) -> bool:
    return has_permission(user, "group.post", group)


def _kind(obj) -> str:
    if isinstance(obj, StudyGroup):
        return "group"
    if isinstance(obj, Annotation):
        return "annotation"
    if isinstance(obj, Document):
        return "document"
    raise TypeError(f"No permissions are defined for {type(obj).__name__}")


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


def readable_papers_q(user, field="paragraph", roles_in_sql=False) -> Q:
    """Rows whose paragraph (`field`) is on a paper `user` may read: the SQL of NESTED's
    "an annotation requires document.view on its paper" (and of PERMISSIONS['document.view']).

    Said as "not on a paper left out": a subquery of the paragraphs of group-only papers for
    groups `user` is not in, which PostgreSQL hashes once. The usual case, every paper
    readable, then costs an empty hash probe per row and no join (a join to paragraphs made
    search walk the newest notes one by one instead of using the GIN index)."""
    if user.is_authenticated and user.is_superuser:
        return Q()
    left_out = Q(document__publication__group__isnull=False)
    if user.is_authenticated:
        if roles_in_sql and getattr(user, "_marginalia_roles", None) is None:
            left_out &= ~Q(document__publication__group_id__in=Membership.objects.filter(user_id=user.pk).values("group_id"))
        elif roles_of(user):
            left_out &= ~Q(document__publication__group_id__in=list(roles_of(user)))
    return ~Q(**{f"{field}_id__in": Paragraph.objects.filter(left_out).values("pk")})


def not_withheld_q(user, settings_known=False) -> Q:
    """Group annotations not held back from `user` by "hide until posted" (mirrors
    is_not_withheld): no such setting, mine, a prompt, or I have posted on the paragraph to
    that group. Correlated subqueries on the annotation row, so no extra query per request.
    settings_known: the caller has kept only groups with the setting."""
    from django.db.models import Exists, OuterRef

    from discussions.models import Curation

    q = Q(author_id=user.pk)
    if not settings_known:
        q |= ~Q(Exists(GroupSettings.objects.filter(group_id=OuterRef("group_id"), hide_until_posted=True)))
    return (
        q
        | Q(Exists(Curation.objects.filter(annotation_id=OuterRef("pk"), is_prompt=True)))
        | Q(
            Exists(
                Annotation.objects.filter(
                    author_id=user.pk, paragraph_id=OuterRef("paragraph_id"), group_id=OuterRef("group_id"),
                    deleted_at__isnull=True,
                )
            )
        )
    )


def author_known_q(user) -> Q:
    """Annotations whose author `user` may know (mirrors PERMISSIONS['annotation.see_author']).
    Filters by person (a person's page, "by this person" in the margin) must add it, or an
    anonymous post would give its author away."""
    from django.db.models import Exists, OuterRef

    from discussions.models import Curation

    if user.is_authenticated and user.is_superuser:
        return Q()
    q = ~Q(Exists(Curation.objects.filter(annotation_id=OuterRef("pk"), is_anonymous=True)))
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
    return Link.objects.filter(readable_papers_q(user, field="target")).select_related("target__document")


def visible_links(user, queryset=None):
    """Links whose annotation `user` may see, live, to a paragraph `user` may read (a backlink
    must not reveal a private or deleted note, nor that one exists; a preview must not show a
    paper one may not read)."""
    queryset = Link.objects.all() if queryset is None else queryset
    # A preview shows the target's paper and text: that paper must be readable too.
    return queryset.filter(readable_papers_q(user, field="target"), annotation__in=visible_annotations(user).live())


def visible_tagged(user, queryset=None):
    """Tag uses on annotations `user` may see, live: what tag pages and autocomplete count."""
    from annotations.models import TaggedAnnotation

    queryset = TaggedAnnotation.objects.all() if queryset is None else queryset
    return queryset.filter(content_object__in=visible_annotations(user).live())


def postable_groups(user):
    """Groups `user` may share an annotation with (mirrors PERMISSIONS['group.post'])."""
    if not user.is_authenticated:
        return StudyGroup.objects.none()
    return StudyGroup.objects.filter(pk__in=list(roles_of(user)))


def visible_groups(user, queryset=None):
    queryset = StudyGroup.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(pk__in=list(roles_of(user)))


def visible_documents(user, queryset=None):
    """Documents `user` may read (mirrors PERMISSIONS['document.view']): the library's, and
    those published for a group they belong to. Defaults to the published (current) ones."""
    queryset = Document.objects.published() if queryset is None else queryset
    if user.is_authenticated and user.is_superuser:
        return queryset
    q = Q(publication__isnull=True) | Q(publication__group__isnull=True)
    if user.is_authenticated and roles_of(user):
        q |= Q(publication__group_id__in=list(roles_of(user)))
    return queryset.filter(q)


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


def get_document_for(user, slug, permission: str | None = None, queryset=None) -> Document:
    """The document if `user` may read it, else 404; with `permission` ("document.*"), also 403 unless held."""
    queryset = Document.objects.published() if queryset is None else queryset
    document = queryset.select_related("publication").filter(slug=slug).first()
    if document is None or not can_view(user, document):
        raise Http404("No such document.")
    if permission is not None and not has_permission(user, permission, document):
        raise PermissionDenied
    return document


def get_upload_for(user, pk):
    """An uploaded file awaiting publication: only its uploader knows it exists."""
    from versions.models import Upload  # versions builds on annotations; imported here to keep imports one-way

    upload = Upload.objects.select_related("replaces", "group").filter(pk=pk).first()
    if upload is None or not user.is_authenticated or upload.uploaded_by_id != user.pk:
        raise Http404("No such upload.")
    return upload


def visible_orphans(user):
    """Open orphans (annotations a new version could not place) that `user` may attach again."""
    from versions.models import Orphan

    return Orphan.objects.open().filter(annotation__in=reattachable_annotations(user))


def get_orphan_for(user, pk):
    orphan = (
        visible_orphans(user)
        .select_related(
            "annotation__author", "annotation__group", "annotation__paragraph__document__publication",
            "old_paragraph__document", "version__lineage",
        )
        .filter(pk=pk)
        .first()
    )
    if orphan is None:
        raise Http404("No such orphan.")
    return orphan


# --- Fetch-for-user helpers: 404 for strangers, 403 is the caller's for read-only members ---


def get_group_for(user, pk, permission: str | None = None) -> StudyGroup:
    """The group if `user` may see it, else 404; with `permission` (a "group.*" key), also
    403 unless they hold it (a member may know the group exists, but not manage it)."""
    group = StudyGroup.objects.filter(pk=pk).first()
    if group is None or not can_view(user, group):
        raise Http404("No such group.")
    if permission is not None and not has_permission(user, permission, group):
        raise PermissionDenied
    return group


def get_membership_for(user, group_pk, membership_pk, permission: str) -> Membership:
    """A membership of a group `user` may see (else 404), if they hold `permission` on the group (else 403)."""
    group = get_group_for(user, group_pk)
    membership = Membership.objects.select_related("user", "group").filter(pk=membership_pk, group=group).first()
    if membership is None:
        raise Http404("No such member.")
    if not has_permission(user, permission, group):
        raise PermissionDenied
    return membership


def get_invitation_for(user, group_pk, invitation_pk) -> Invitation:
    """An invitation of a group, for someone who may invite to it: 404 to strangers, 403 to members."""
    group = get_group_for(user, group_pk)
    invitation = Invitation.objects.filter(pk=invitation_pk, group=group).first()
    if invitation is None:
        raise Http404("No such invitation.")
    if not has_permission(user, "group.invite", group):
        raise PermissionDenied
    return invitation


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


def get_paragraph_for(user, slug, anchor):
    """A paragraph of a document `user` may read, by its anchor; else 404."""
    document = get_document_for(user, slug)
    paragraph = document.paragraphs.defer("search_vector").filter(anchor=anchor).first()
    if paragraph is None:
        raise Http404("No such paragraph.")
    paragraph.document = document
    return paragraph
