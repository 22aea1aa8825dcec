"""A person's roles in their groups, loaded once per request and kept on the user object.

The access policy asks these on every check; whatever changes a membership forgets them
(forget_roles) so the same request sees the change.
"""


def roles_of(user) -> dict[int, str]:
    """{group id: role} for the user, loaded once and cached on the user object (with which of
    those groups hide classmates' notes until one has posted: withholding_groups)."""
    if not user.is_authenticated:
        return {}
    cached = getattr(user, "_marginalia_roles", None)
    if cached is None:
        rows = list(user.memberships.values_list("group_id", "role", "group__discussion_settings__hide_until_posted"))
        cached = {group_id: role for group_id, role, _hides in rows}
        user._marginalia_roles = cached
        user._marginalia_withholding = {group_id for group_id, _role, hides in rows if hides}
    return cached


def withholding_groups(user) -> set[int]:
    """The user's groups that hide classmates' notes on a paragraph until one has posted on it."""
    roles_of(user)
    return getattr(user, "_marginalia_withholding", set())


def forget_roles(user) -> None:
    """Drop the cached roles (and group settings) after a change in the same request."""
    for name in ("_marginalia_roles", "_marginalia_withholding"):
        if hasattr(user, name):
            delattr(user, name)


def role_in(user, group_id) -> str | None:
    return roles_of(user).get(group_id)
