"""The five roles of docs/roles.md, held as Django groups; a user has exactly one."""

from enum import StrEnum

from django.contrib.auth.models import Group, Permission
from django.db.models import Exists, OuterRef, QuerySet, Subquery


class Role(StrEnum):
    OFFICER = "officer"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    OVERSIGHT = "oversight"
    PARTNER = "partner"  # a person from another agency: sees only their cases, redacted (docs/partners.md)


ALL_ROLES = frozenset(Role)
POLICE_ROLES = ALL_ROLES - {Role.PARTNER}
ROLES_NEEDING_MFA = frozenset({Role.ADMIN, Role.OVERSIGHT})
RESTRICTED_ACCESS_PERMISSION = "accounts.restricted_access"
RESTRICTED_ACCESS_ROLES = frozenset({Role.OFFICER, Role.SUPERVISOR})


def user_role(user) -> Role | None:
    """The user's one role, or None for an anonymous user or one with no role (who may do nothing).

    Cached on the user object because every permission check asks.
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if hasattr(user, "_portal_role"):
        return user._portal_role
    names = {group.name for group in user.groups.all()} & {role.value for role in Role}
    role = Role(names.pop()) if len(names) == 1 else None
    user._portal_role = role
    return role


def _restricted_grants() -> QuerySet:
    """The restricted_access permission, as granted to users (filter it by user)."""
    app_label, codename = RESTRICTED_ACCESS_PERMISSION.split(".")
    return Permission.objects.filter(codename=codename, content_type__app_label=app_label)


def with_access_facts(users: QuerySet) -> QuerySet:
    """Users read with what every permission check asks first (their role and the restricted grant),
    in the same query: `remember_access_facts` then spares each request the two reads `user_role` and
    `has_restricted_access` would make. Exactly one role means the first and last role names agree."""
    roles = Group.objects.filter(user=OuterRef("pk"), name__in=[role.value for role in Role]).values("name")
    grant = _restricted_grants().filter(user=OuterRef("pk"))
    return users.annotate(
        first_role=Subquery(roles.order_by("name")[:1]),
        last_role=Subquery(roles.order_by("-name")[:1]),
        restricted_grant=Exists(grant),
    )


def remember_access_facts(user) -> None:
    """Cache on a user read through `with_access_facts` what `user_role` and `has_restricted_access`
    would otherwise read."""
    one = user.first_role is not None and user.first_role == user.last_role
    user._portal_role = Role(user.first_role) if one else None
    user._portal_restricted = user.restricted_grant


def role_names(user) -> list[str]:
    """The role groups as stored, active user or not (a well-formed account has exactly one)."""
    return sorted(set(user.groups.values_list("name", flat=True)) & {role.value for role in Role})


def holds_grant(user) -> bool:
    """The explicit restricted_access grant on the user (has_perm would also say yes to a superuser)."""
    return _restricted_grants().filter(user=user).exists()


def has_restricted_access(user) -> bool:
    """Officers and supervisors with the extra grant may see restricted offenders; nobody else.

    Only the explicit grant counts: `has_perm` answers yes for a superuser (as `createsuperuser`
    makes), which must not open restricted records to an officer who was never granted them.
    """
    if user_role(user) not in RESTRICTED_ACCESS_ROLES:
        return False
    cached = getattr(user, "_portal_restricted", None)
    if cached is None:
        cached = user._portal_restricted = holds_grant(user)
    return cached
