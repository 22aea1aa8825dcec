"""Loading threads for display in a constant number of queries.

One query fetches every annotation a person may see on a paragraph (roots and replies share
their paragraph), with vote counts, "I voted", "I flagged", author and curation; the trees,
the author names as this person may see them, and the actions this person may take are then
worked out in Python from what was loaded (plus the roles query, cached per request).
"""

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef

from access.policy import has_permission, viewer_key
from annotations.models import Annotation
from annotations.permissions import ANONYMOUS_AUTHOR, author_label, visible_annotations
from discussions.models import Flag, Vote
from discussions.threads import Node, build_tree, curation_of
from groups.models import Membership, Role

ACTIONS = (
    "reply", "vote", "flag", "hide", "unhide", "mark_question", "resolve", "pin", "endorse", "lock",
)

SORTS = {"newest": "Newest", "votes": "Most votes", "oldest": "Oldest"}


def with_discussion(user, queryset):
    """Annotate a queryset of annotations with what a thread shows (no extra queries)."""
    qs = queryset.select_related("author", "curation", "paragraph__document", "group").annotate(
        vote_count=Count("votes", distinct=True),
    )
    if user.is_authenticated:
        qs = qs.annotate(
            voted=Exists(Vote.objects.filter(annotation=OuterRef("pk"), user_id=user.pk)),
            flagged=Exists(Flag.objects.filter(annotation=OuterRef("pk"), user_id=user.pk)),
        )
    return qs


def decorate(user, annotation, thread_curation=None):
    """Attach what templates need: the author's name as `user` may see it, and `can` (the
    discussion actions `user` may take). The annotation came from visible_annotations(user)."""
    annotation._seen_by = viewer_key(user)  # permissions.may_see: already known to be visible
    if annotation.parent_id is not None:
        annotation._thread_curation = thread_curation
    annotation.shown_author = author_label(user, annotation)
    annotation.can = {action: has_permission(user, f"annotation.{action}", annotation) for action in ACTIONS}
    if getattr(annotation, "flagged", False):
        annotation.can["flag"] = False  # once per person
    return annotation


@dataclass
class Thread:
    root: Annotation
    replies: list[Node] = field(default_factory=list)

    @property
    def reply_count(self):
        return len(self.replies)


# A busy paragraph has hundreds of threads (~250 notes each at 1M notes over 50 papers): its
# page showed them all, 240 KB and growing with every note.
THREADS_PER_PAGE = 30


def paragraph_threads(user, paragraph, sort="newest", first_root_id=None, page_number=None) -> Page:
    """A page of the threads on a paragraph that `user` may see: pinned first, then by `sort`,
    and the thread of `first_root_id` (a guide step's) before all. One query for the notes;
    only the page's threads are then worked out for display (names, actions, instructors)."""
    everything = list(
        with_discussion(user, visible_annotations(user, Annotation.objects.filter(paragraph=paragraph)))
    )
    threads = _sorted(_trees(everything), sort)
    if first_root_id is not None:
        threads.sort(key=lambda t: t.root.pk != first_root_id)
    page = Paginator(threads, THREADS_PER_PAGE).get_page(page_number)
    _decorate(user, page.object_list)
    return page


def thread_for(user, root) -> Thread:
    """One thread (the root as given, already checked visible) with the replies `user` may see."""
    replies = list(
        with_discussion(
            user,
            visible_annotations(user, Annotation.objects.filter(paragraph_id=root.paragraph_id, parent__isnull=False)),
        )
    )
    root = with_discussion(user, Annotation.objects.filter(pk=root.pk)).get()
    return _decorate(user, _trees([root, *replies], only_root=root.pk))[0]


def mark_instructor_posts(user, annotations) -> None:
    """Set `by_instructor` on annotations written by an instructor of their group (one query).
    An anonymous post by an instructor is not marked to those who may not see its author."""
    groups = {a.group_id for a in annotations if a.group_id}
    pairs = set(
        Membership.objects.filter(group_id__in=groups, role=Role.INSTRUCTOR).values_list("group_id", "user_id")
    ) if groups else set()
    for a in annotations:
        known = getattr(a, "shown_author", None) != ANONYMOUS_AUTHOR
        a.by_instructor = known and (a.group_id, a.author_id) in pairs


def _trees(annotations, only_root=None) -> list[Thread]:
    roots = [a for a in annotations if a.parent_id is None and (only_root is None or a.pk == only_root)]
    replies = [a for a in annotations if a.parent_id is not None]
    threads = []
    for root in roots:
        nodes = build_tree(root, replies)
        for node in nodes:
            node.annotation._thread_root_id = root.pk
        threads.append(Thread(root, nodes))
    return threads


def _sorted(threads, sort) -> list[Thread]:
    if sort == "votes":
        threads.sort(key=lambda t: (-t.root.vote_count, -t.root.created.timestamp()))
    elif sort == "oldest":
        threads.sort(key=lambda t: t.root.created)
    else:
        threads.sort(key=lambda t: t.root.created, reverse=True)
    # Pinned threads stay on top (stable sort keeps the order chosen above among them).
    threads.sort(key=lambda t: not (_curation(t.root) and _curation(t.root).pinned_at))
    return threads


def _decorate(user, threads) -> list[Thread]:
    """What the thread templates ask of each post (decorate), and who is an instructor."""
    for thread in threads:
        decorate(user, thread.root)
        root_curation = _curation(thread.root)
        for node in thread.replies:
            decorate(user, node.annotation, root_curation)
    mark_instructor_posts(user, [a for t in threads for a in (t.root, *(n.annotation for n in t.replies))])
    return threads


def _curation(annotation):
    return curation_of(annotation)
