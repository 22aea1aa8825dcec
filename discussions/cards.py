"""The discussions app's part of every annotation card (annotations.presenters).

Registered from DiscussionsConfig.ready, because the presenters sit below this app and may not
import it. ``columns`` adds, to the cards' one query, the vote count, whether the viewer voted
and flagged, the replies the viewer may see and the curation row; ``describe`` reads them back
into a Discussion (no query) with the discussion actions the viewer may take.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, CharField, Count, Exists, F, Func, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from access.policy import has_permission
from annotations.models import Annotation
from annotations.permissions import visible_annotations
from annotations.presenters import Badge, DiscussionPart
from discussions.models import Flag, ModerationAction, Vote
from discussions.threads import InThreadOf, curation_of

ACTIONS = ("reply", "vote", "flag", "hide", "unhide", "mark_question", "resolve", "pin", "endorse", "lock", "add_to_guide")


@dataclass(frozen=True)
class Discussion:
    vote_count: int
    voted: bool
    reply_count: int
    is_question: bool
    resolved: bool
    pinned: bool
    endorsed: bool
    locked: bool
    lock_reason: str
    is_prompt: bool
    badges: tuple[Badge, ...]
    hide_reason: str = ""  # why a moderator hid it, as they wrote it (only hidden notes are read)
    flagged: bool = False  # the viewer flagged it (loaded in a thread only)


def columns(user, queryset, in_thread=False):
    """The curation row, vote_count and voted (signed in), in the same query; then in a thread
    flagged (signed in: the Flag action is offered once), elsewhere reply_count (the replies
    `user` may see, nested ones included: hide-until-posted, hidden, private ... apply; a
    thread shows them instead)."""
    votes = Vote.objects.filter(annotation=OuterRef("pk")).order_by().values("annotation").annotate(n=Count("pk")).values("n")
    # Whoever sees a hidden note (its author, the moderators) is told why; the subquery runs
    # only for hidden rows.
    hid = ModerationAction.objects.filter(annotation=OuterRef("pk"), action=ModerationAction.Kind.HIDE)
    qs = queryset.select_related("curation").annotate(
        vote_count=Coalesce(Subquery(votes, output_field=IntegerField()), Value(0)),
        hide_reason=Case(
            When(Q(hidden_at__isnull=False), then=Subquery(hid.order_by("-created", "-pk").values("reason")[:1])),
            default=Value(""), output_field=CharField(),
        ),
    )
    if user.is_authenticated:
        qs = qs.annotate(voted=Exists(Vote.objects.filter(annotation=OuterRef("pk"), user_id=user.pk)))
    if in_thread:
        if user.is_authenticated:
            qs = qs.annotate(flagged=Exists(Flag.objects.filter(annotation=OuterRef("pk"), user_id=user.pk)))
        return qs
    replies = (
        visible_annotations(user, Annotation.objects.live().filter(InThreadOf(F("pk"), OuterRef("pk"))))
        .order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    )
    return qs.annotate(reply_count=Coalesce(Subquery(replies, output_field=IntegerField()), Value(0)))


def describe(user, annotation) -> tuple[Discussion, frozenset[str]]:
    c = curation_of(annotation)
    question = bool(c and c.is_question)
    resolved = bool(c and c.resolved_at)
    state = Discussion(
        vote_count=getattr(annotation, "vote_count", 0),
        voted=getattr(annotation, "voted", False),
        reply_count=getattr(annotation, "reply_count", 0),
        is_question=question,
        resolved=resolved,
        pinned=bool(c and c.pinned_at),
        endorsed=bool(c and c.endorsed_at),
        locked=bool(c and c.locked_at),
        lock_reason=c.lock_reason if c else "",
        is_prompt=bool(c and c.is_prompt),
        badges=_badges(c, question, resolved, annotation.hidden_at is not None)
        + _anonymous_badge(user, annotation, c),
        hide_reason=getattr(annotation, "hide_reason", "") or "",
        flagged=bool(getattr(annotation, "flagged", False)),
    )
    actions = {action for action in ACTIONS if has_permission(user, f"annotation.{action}", annotation)}
    if getattr(annotation, "flagged", True):
        actions.discard("flag")  # once per person; not offered where flags were not loaded
    return state, frozenset(actions)


def _anonymous_badge(user, annotation, c) -> tuple[Badge, ...]:
    """Whoever may know the name of an anonymous post is told classmates do not: its author,
    that it went out without their name; the group's instructors, so as not to give it away."""
    if not (c and c.is_anonymous and has_permission(user, "annotation.see_author", annotation)):
        return ()
    return (Badge("anonymous", "Posted anonymously" if annotation.author_id == user.pk else "Anonymous to classmates"),)


def _badges(c, question, resolved, hidden) -> tuple[Badge, ...]:
    badges = []
    if c and c.is_prompt:
        badges.append(Badge("prompt", "Prompt"))
    if c and c.pinned_at:
        badges.append(Badge("pinned", "Pinned"))
    if c and c.endorsed_at:
        badges.append(Badge("endorsed", "Endorsed"))
    if question:
        badges.append(Badge("resolved", "Resolved") if resolved else Badge("question", "Question"))
    if c and c.locked_at:
        badges.append(Badge("locked", "Locked"))
    if hidden:
        badges.append(Badge("hidden", "Hidden by a moderator"))
    return tuple(badges)


PART = DiscussionPart(columns=columns, describe=describe)
