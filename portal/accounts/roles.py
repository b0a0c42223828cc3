"""The four roles of CONTRACT.md section 2, held as Django groups; a user has exactly one."""

from enum import StrEnum


class Role(StrEnum):
    OFFICER = "officer"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    OVERSIGHT = "oversight"


ALL_ROLES = frozenset(Role)
ROLES_NEEDING_MFA = frozenset({Role.ADMIN, Role.OVERSIGHT})
RESTRICTED_ACCESS_PERMISSION = "accounts.restricted_access"
RESTRICTED_ACCESS_ROLES = frozenset({Role.OFFICER, Role.SUPERVISOR})


def user_role(user) -> Role | None:
    """The user's one role, or None for an anonymous user or one with no role (who may do nothing).

    Cached on the user object because every permission check asks.
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    cached = getattr(user, "_portal_role", "unset")
    if cached != "unset":
        return cached
    names = {group.name for group in user.groups.all()} & {role.value for role in Role}
    role = Role(names.pop()) if len(names) == 1 else None
    user._portal_role = role
    return role


def has_restricted_access(user) -> bool:
    """Officers and supervisors with the extra grant may see restricted offenders; nobody else."""
    return user_role(user) in RESTRICTED_ACCESS_ROLES and user.has_perm(RESTRICTED_ACCESS_PERMISSION)
