"""Who may see, change or moderate what: the one access policy every app asks.

The policy reads as one map, PERMISSIONS: a permission is granted when ANY of its clauses
holds, and a clause holds when ALL of its predicates do. This module holds the map's
machinery, the rules on groups and papers, and the fetch-for-user helpers for them; the apps
above it register the rules on their own objects (annotations/permissions.py: notes, links,
tags; discussions/rules.py: replies, votes, flags, curation) with ``register``, so the policy
imports nothing above it and still is one map, asked through one ``has_permission``.

Permissions nest (as in hypothesis/h, where reading an annotation requires reading its
group): a kind registered with ``nest`` requires a permission on its parent for every
permission on it. Reading or acting on a note requires reading its paper.

Policy notes:
- Private annotations are private even from superusers: they answer 404 to everyone but
  their author. Superusers otherwise act as instructors of every group.
- Something a person may not know exists answers 404, not 403 (the ``get_*_for`` helpers:
  404 to strangers, 403 to whoever may see a thing but not act on it).
- Roles come from one query per request and user (groups.roles), cached on the user object.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from groups.models import GroupSettings, Invitation, Membership, Role, StudyGroup
from groups.roles import role_in, roles_of
from reader.models import Document, Paragraph

MODERATING_ROLES = {Role.INSTRUCTOR, Role.MODERATOR}


# --- Predicates: (user, obj) -> bool ----------------------------------------------------
# For a group, obj is the StudyGroup; for what belongs to a group (a note), its group_id counts.


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


def is_staff(user, obj):
    return user.is_authenticated and user.is_staff


def is_instructor_somewhere(user, obj):
    return Role.INSTRUCTOR in roles_of(user).values()


def allows_anonymous(user, group):
    return GroupSettings.objects.filter(group_id=_group_id(group), allow_anonymous=True).exists()


# Papers: a versions.Publication says who published one and for which group (none: the
# library). Papers imported by command have no Publication and are in the library.


def _publication(document):
    publication = getattr(document, "publication", None)
    if publication is None:
        # Django does not remember a missing reverse one-to-one: remember it here, as
        # select_related would, or each note on a library paper asks again.
        Document.publication.related.set_cached_value(document, None)
    return publication


def document_group(document):
    """The study group a group-only paper is published for (None: a library paper)."""
    publication = _publication(document)
    return publication.group if publication is not None and publication.group_id is not None else None


def is_library_document(user, document):
    publication = _publication(document)
    return publication is None or publication.group_id is None


def is_in_document_group(user, document):
    publication = _publication(document)
    return (
        publication is not None and publication.group_id is not None and role_in(user, publication.group_id) is not None
    )


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


# --- The map ------------------------------------------------------------------------------

PERMISSIONS = {
    # Groups (obj is the StudyGroup)
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
    "group.post_prompt": [[is_instructor], [is_superuser]],
    "group.edit_guide": [[is_instructor], [is_superuser]],
    "group.read_guide": [[is_member], [is_superuser]],
    "group.read_moderation_log": [[is_instructor], [is_superuser]],
    "group.discussion_settings": [[is_instructor], [is_superuser]],
    "group.copy_term": [[is_instructor], [is_superuser]],  # copy the group into a new term (courses app)
    "group.post_anonymously": [[is_member, allows_anonymous]],
    "group.mention": [[is_member], [is_superuser]],  # look members up to @mention them
    # The instructor dashboard (dashboard app); moderators see anonymous posts as anonymous.
    "group.dashboard": [[is_moderator], [is_superuser]],
    # Assignments and participation scores (courses app): instructors set and grade them.
    "group.grade": [[is_instructor], [is_superuser]],
    # Papers (obj is a reader.Document; None for "upload")
    "document.view": [[is_library_document], [is_in_document_group], [is_superuser]],
    "document.upload": [[is_staff], [is_superuser], [is_instructor_somewhere]],
    # Its publisher too, while they may still publish to its group (they may have left it).
    "document.new_version": [
        [is_staff],
        [is_superuser],
        [is_document_group_instructor],
        [is_publisher, may_publish_to_its_audience],
    ],
}

# {kind: (permission on the parent, obj -> parent)}: see ``nest``.
NESTED = {}

# {model: kind}: what can_view(obj) and the like call an object.
KINDS = {StudyGroup: "group", Document: "document"}


def register(rules: dict) -> None:
    """Add an app's rules to the map (each permission once: a second registration is a bug)."""
    clash = set(rules) & set(PERMISSIONS)
    if clash:
        raise ValueError(f"Permissions registered twice: {sorted(clash)}")
    PERMISSIONS.update(rules)


def nest(kind: str, model, parent_permission: str, parent_of) -> None:
    """Every permission on a `kind` (objects of `model`) also requires `parent_permission` on
    parent_of(obj): reading or acting on a note requires reading its paper."""
    KINDS[model] = kind
    NESTED[kind] = (parent_permission, parent_of)


def has_permission(user, permission: str, obj=None) -> bool:
    if not any(all(predicate(user, obj) for predicate in clause) for clause in PERMISSIONS[permission]):
        return False
    parent = NESTED.get(permission.partition(".")[0])
    if parent is None or obj is None or seen_in_list(user, obj):
        return True
    parent_permission, parent_of = parent
    return has_permission(user, parent_permission, parent_of(obj))


def viewer_key(user):
    """What marks an annotation as loaded for `user` through visible_annotations."""
    return user.pk if user.is_authenticated else "anonymous"


def seen_in_list(user, annotation) -> bool:
    """visible_annotations(user) applies the same rules (nesting included) in SQL and marks what
    it loads (SeenByIterable), saving the queries of asking again for each row."""
    return getattr(annotation, "_seen_by", None) == viewer_key(user)


def can_view(user, obj) -> bool:
    return has_permission(user, f"{_kind(obj)}.view", obj)


def can_edit(user, obj) -> bool:
    return has_permission(user, f"{_kind(obj)}.edit", obj)


def can_delete(user, obj) -> bool:
    return has_permission(user, f"{_kind(obj)}.delete", obj)


def can_post_to(user, group) -> bool:
    return has_permission(user, "group.post", group)


def _kind(obj) -> str:
    kind = KINDS.get(type(obj))
    if kind is None:
        raise TypeError(f"No permissions are defined for {type(obj).__name__}")
    return kind


# --- Querysets: the same policy as SQL ----------------------------------------------------
# Each mirrors its "*.view" entry above; the permission matrix tests check they agree.


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
            left_out &= ~Q(
                document__publication__group_id__in=Membership.objects.filter(user_id=user.pk).values("group_id")
            )
        elif roles_of(user):
            left_out &= ~Q(document__publication__group_id__in=list(roles_of(user)))
    return ~Q(**{f"{field}_id__in": Paragraph.objects.filter(left_out).values("pk")})


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


# --- Fetch-for-user helpers: 404 for strangers, 403 for who may see but not act ------------


def get_document_for(user, slug, permission: str | None = None, queryset=None) -> Document:
    """The document if `user` may read it, else 404; with `permission` ("document.*"), also 403 unless held."""
    queryset = Document.objects.published() if queryset is None else queryset
    document = queryset.select_related("publication").filter(slug=slug).first()
    if document is None or not can_view(user, document):
        raise Http404("No such document.")
    if permission is not None and not has_permission(user, permission, document):
        raise PermissionDenied
    return document


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


def get_paragraph_for(user, slug, anchor):
    """A paragraph of a document `user` may read, by its anchor; else 404."""
    document = get_document_for(user, slug)
    paragraph = document.paragraphs.defer("search_vector").filter(anchor=anchor).first()
    if paragraph is None:
        raise Http404("No such paragraph.")
    paragraph.document = document
    return paragraph
