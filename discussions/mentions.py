"""@mentions: who a note names, limited to members of the note's group."""

import re

from django.contrib.auth import get_user_model

from groups.models import Membership

# @name, not inside an e-mail address or a word; Django usernames allow letters, digits and . + - _
MENTION = re.compile(r"(?<![\w@.+-])@([\w.+-]+)")


def mentioned_usernames(body: str) -> list[str]:
    names = []
    for match in MENTION.finditer(body or ""):
        name = match.group(1).rstrip(".")
        if name and name.lower() not in (n.lower() for n in names):
            names.append(name)
    return names[:20]  # a note naming more is not a conversation; cap the work


def mentioned_members(annotation):
    """Members of the annotation's group named in its body (one query; none outside a group)."""
    names = mentioned_usernames(annotation.body)
    if not names or annotation.group_id is None:
        return []
    users = get_user_model().objects.filter(memberships__group_id=annotation.group_id)
    wanted = {n.lower() for n in names}
    return [u for u in users.filter(username__iregex=r"^(" + "|".join(re.escape(n) for n in names) + r")$")
            if u.username.lower() in wanted]


def member_suggestions(group, prefix: str, limit: int = 8):
    """Members of `group` whose username or display name starts with `prefix` (autocomplete)."""
    prefix = prefix.strip().lstrip("@")[:50]
    qs = Membership.objects.filter(group=group).select_related("user").order_by("user__username")
    if prefix:
        from django.db.models import Q

        qs = qs.filter(Q(user__username__istartswith=prefix) | Q(user__display_name__istartswith=prefix))
    return [(m.user.username, m.user.display_name) for m in qs[:limit]]
