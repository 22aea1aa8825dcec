"""Threads for display, in a constant number of queries.

One query fetches every annotation a person may see on a paragraph (roots and replies share
their paragraph) with what a card shows (annotations.presenters.card_queryset: votes, "I
voted", "I flagged", replies, curation, tags and links); the trees are then laid out in Python
and only the page's threads become cards (annotations.presenters.present), plus one query for
who instructs the groups involved.
"""

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator

from annotations.models import Annotation
from annotations.permissions import author_label, visible_annotations
from annotations.presenters import AnnotationCard, card_queryset, present
from discussions.threads import Node, build_tree, curation_of
from groups.models import Membership, Role

SORTS = {"newest": "Newest", "votes": "Most votes", "oldest": "Oldest"}


@dataclass(frozen=True)
class Thread:
    root: AnnotationCard
    replies: list[AnnotationCard] = field(default_factory=list)  # in reading order, each with its depth
    annotation: Annotation | None = None  # the root as loaded: its paragraph, paper and group

    @property
    def reply_count(self) -> int:
        """The replies shown, nested ones included (not the viewer's own deleted ones)."""
        return sum(1 for reply in self.replies if not reply.deleted)


@dataclass
class _Tree:
    root: Annotation
    nodes: list[Node]


# A busy paragraph has hundreds of threads (~250 notes each at 1M notes over 50 papers): its
# page showed them all, 240 KB and growing with every note.
THREADS_PER_PAGE = 30


def paragraph_threads(user, paragraph, sort="newest", first_root_id=None, page_number=None) -> Page:
    """A page of the threads on a paragraph that `user` may see: pinned first, then by `sort`,
    and the thread of `first_root_id` (a guide step's) before all. One query for the notes;
    only the page's threads are then made cards."""
    everything = list(
        card_queryset(user, visible_annotations(user, Annotation.objects.filter(paragraph=paragraph)), in_thread=True)
    )
    trees = _sorted(_trees(everything), sort)
    if first_root_id is not None:
        trees.sort(key=lambda t: t.root.pk != first_root_id)
    page = Paginator(trees, THREADS_PER_PAGE).get_page(page_number)
    page.object_list = _present(user, page.object_list)
    return page


def thread_for(user, root) -> Thread:
    """One thread (the root as given, already checked visible) with the replies `user` may see."""
    replies = list(
        card_queryset(
            user,
            visible_annotations(user, Annotation.objects.filter(paragraph_id=root.paragraph_id, parent__isnull=False)),
            in_thread=True,
        )
    )
    root = card_queryset(user, Annotation.objects.filter(pk=root.pk), in_thread=True).get()
    return _present(user, _trees([root, *replies], only_root=root.pk))[0]


def _trees(annotations, only_root=None) -> list[_Tree]:
    roots = [a for a in annotations if a.parent_id is None and (only_root is None or a.pk == only_root)]
    replies = [a for a in annotations if a.parent_id is not None]
    return [_Tree(root, build_tree(root, replies)) for root in roots]


def _sorted(trees, sort) -> list[_Tree]:
    if sort == "votes":
        trees.sort(key=lambda t: (-t.root.vote_count, -t.root.created.timestamp()))
    elif sort == "oldest":
        trees.sort(key=lambda t: t.root.created)
    else:
        trees.sort(key=lambda t: t.root.created, reverse=True)
    # Pinned threads stay on top (stable sort keeps the order chosen above among them).
    trees.sort(key=lambda t: not (curation_of(t.root) and curation_of(t.root).pinned_at))
    return trees


def _present(user, trees) -> list[Thread]:
    """The cards of these threads. A reply's permissions (may one reply?) ask whether its
    thread is locked: its root's curation, loaded with the root, is handed to it here."""
    instructors = _instructors([a for t in trees for a in (t.root, *(n.annotation for n in t.nodes))])
    threads = []
    for tree in trees:
        root_curation = curation_of(tree.root)
        replies = []
        for node in tree.nodes:
            node.annotation._thread_curation = root_curation
            node.annotation._thread_root_id = tree.root.pk
            replies.append(present(
                user, node.annotation, by_instructor=(node.annotation.group_id, node.annotation.author_id) in instructors,
                in_reply_to=author_label(user, node.in_reply_to) if node.in_reply_to else "", depth=node.depth,
            ))
        root = present(user, tree.root, by_instructor=(tree.root.group_id, tree.root.author_id) in instructors)
        threads.append(Thread(root, replies, tree.root))
    return threads


def _instructors(annotations) -> set[tuple[int, int]]:
    """(group id, user id) of the instructors of these annotations' groups (one query)."""
    groups = {a.group_id for a in annotations if a.group_id}
    if not groups:
        return set()
    return set(Membership.objects.filter(group_id__in=groups, role=Role.INSTRUCTOR).values_list("group_id", "user_id"))
