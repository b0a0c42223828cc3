"""Accounts and roles: creating a person, giving exactly one role (and the restricted-access grant),
saving an account from the Django admin, setting a password, deactivating.

Each writes its audit event in the same transaction as the change (docs/access-and-audit.md); no
password ever reaches an event. Managing accounts is for administrators: each service checks its caller
(`by`) itself, and the commands act as SYSTEM (ADR 0506).
"""

from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from portal.audit.services import audit_record, model_changes

from ..models import ApiToken, User
from ..permissions import person_of, require
from ..roles import RESTRICTED_ACCESS_ROLES, ROLES_NEEDING_MFA, Role, holds_grant, role_names
from ..totp import totp_device_enrol, totp_secret_of
from .partners import ORGANISATION_NAME_MAX, _organisation_get_or_create, organisation_rule_check
from .sign_in import _sessions_delete

MANAGE_REFUSAL = "Only an administrator may manage users, their roles and their tokens."
AUDITED_USER_FIELDS = ("username", "first_name", "last_name", "email", "is_active", "is_staff", "organisation_id")


def _role_of(name: str) -> Role:
    try:
        return Role(name)
    except ValueError:
        choices = ", ".join(role.value for role in Role)
        raise ValidationError(f"Unknown role {name!r}; choose one of: {choices}.") from None


def _username_check(username: str) -> None:
    """The rules the Django admin applies to a username, so a command cannot create one the admin
    would refuse (or crash on an empty or over-long name)."""
    field = User._meta.get_field("username")
    if not username:
        raise ValidationError("A username is needed.")
    if field.max_length is not None and len(username) > field.max_length:
        raise ValidationError(f"A username has at most {field.max_length} characters.")
    if username != User.normalize_username(username):
        raise ValidationError("A username must be written in its normal Unicode form.")
    User.username_validator(username)


def user_create(
    *,
    username: str,
    role: str,
    password: str,
    restricted_access: bool = False,
    totp_secret: str | None = None,
    organisation: str = "",
    by,
) -> tuple[User, str | None]:
    """Create a user with one role; returns (user, TOTP secret in base32 or None). An administrator, or
    SYSTEM: `createuser` and the demo accounts.

    Admin and oversight must use TOTP, so they are enrolled at once; the restricted-access grant is
    only for officers and supervisors (docs/roles.md).
    """
    require(by, "users.manage", refusal=MANAGE_REFUSAL, system=True)
    new_user = User(username=username)
    role_value = user_access_check(by=person_of(by), user=new_user, role=role, restricted_access=restricted_access)
    _username_check(username)
    if User.objects.filter(username=username).exists():
        raise ValidationError(f"A user called {username!r} already exists.")
    validate_password(password, new_user)
    organisation = (organisation or "").strip()
    organisation_rule_check(role=role_value, organisation=organisation)
    if len(organisation) > ORGANISATION_NAME_MAX:
        raise ValidationError(f"An organisation's name has at most {ORGANISATION_NAME_MAX} characters.")
    with transaction.atomic():
        user = User.objects.create_user(
            username=username, password=password, organisation=_organisation_get_or_create(organisation)
        )
        _role_set(user=user, role=role_value, restricted_access=restricted_access, audit=False)
        secret = None
        if role_value in ROLES_NEEDING_MFA:
            secret = totp_secret_of(totp_device_enrol(user=user, secret_base32=totp_secret))
        audit_record(
            action="user.create",
            target=user,
            object_repr=username,
            changes={
                "role": role_value.value,
                "restricted_access": restricted_access,
                "mfa": secret is not None,
                **({"organisation": organisation} if organisation else {}),
            },
        )
    return user, secret


def user_role_set(*, user, role: Role, restricted_access: bool = False, audit: bool = True, by) -> None:
    """Give `user` exactly one role (and the grant, or not), unchecked against the access rules of
    user_access_set: for SYSTEM (the demo accounts) and tests. Admins may use the Django admin."""
    require(by, "users.manage", refusal=MANAGE_REFUSAL, system=True)
    _role_set(user=user, role=role, restricted_access=restricted_access, audit=audit)


def _role_set(*, user, role: Role, restricted_access: bool, audit: bool = True) -> None:
    before = {"role": role_names(user), "restricted_access": holds_grant(user)}
    with transaction.atomic():
        user.groups.set([Group.objects.get(name=role.value)])
        grant = Permission.objects.get(codename="restricted_access", content_type__app_label="accounts")
        if restricted_access:
            user.user_permissions.add(grant)
        else:
            user.user_permissions.remove(grant)
        user.is_staff = role == Role.ADMIN
        user.save(update_fields=["is_staff"])
        for cache in ("_perm_cache", "_user_perm_cache", "_group_perm_cache", "_portal_role", "_portal_restricted"):
            user.__dict__.pop(cache, None)
        changes = model_changes(before, {"role": [role.value], "restricted_access": restricted_access})
        if audit and changes:
            audit_record(action="user.role_change", target=user, object_repr=user.username, changes=changes)


def _refuse_last_active_admin(user) -> None:
    """User management must never be left without anyone: the last active administrator stays one."""
    others = User.objects.filter(is_active=True, groups__name=Role.ADMIN.value).exclude(pk=user.pk)
    if user.is_active and Role.ADMIN.value in role_names(user) and not others.exists():
        raise ValidationError(f"{user.username} is the last active administrator; appoint another one first.")


def _lock_admins() -> None:
    """Lock the active administrators' rows until the transaction ends, so two administrators demoting
    or deactivating each other at once are checked one after the other and one of them stays."""
    admins = User.objects.select_for_update(of=("self",)).filter(is_active=True, groups__name=Role.ADMIN.value)
    list(admins.values_list("pk", flat=True))


def user_access_check(*, by, user, role: str, restricted_access: bool, is_active: bool = True) -> Role:
    """Refuse (ValidationError) a role, grant or active state `by` may not give `user`; returns the role.

    Nobody changes their own role, grant or active state (an administrator cannot promote, demote or
    lock out themselves: another one must), the grant is for officers and supervisors only, and the
    last active administrator stays one, so user management can never be left without anyone.
    """
    role_value = _role_of(role)
    if restricted_access and role_value not in RESTRICTED_ACCESS_ROLES:
        raise ValidationError("Only officers and supervisors may hold restricted_access.")
    if user.pk is None:
        return role_value
    unchanged = role_names(user) == [role_value.value] and holds_grant(user) == restricted_access
    if by is not None and by.pk == user.pk and (not unchanged or (user.is_active and not is_active)):
        raise ValidationError("You cannot change your own role, grant or active state; ask another administrator.")
    if role_value != Role.ADMIN or not is_active:
        _refuse_last_active_admin(user)
    return role_value


def user_access_set(*, by, user, role: str, restricted_access: bool = False) -> None:
    """Change a user's role and grant as `by` (the Django admin): checked, then audited before/after."""
    require(by, "users.manage", refusal=MANAGE_REFUSAL)
    with transaction.atomic():
        _lock_admins()
        role_value = user_access_check(by=by, user=user, role=role, restricted_access=restricted_access)
        _role_set(user=user, role=role_value, restricted_access=restricted_access)


def user_update(*, user, role: str, restricted_access: bool = False, by) -> None:
    """Save an account as the Django admin's form left it (`user` carries the form's values; one from the
    add form has no id yet): the organisation rule checked (organisation_rule_check), its fields audited
    before and after, a deactivation ending its sessions and tokens, then its role and grant
    (user_access_set), all in one transaction."""
    require(by, "users.manage", refusal=MANAGE_REFUSAL)
    organisation_rule_check(role=_role_of(role), organisation=user.organisation)
    created = user.pk is None
    before = {} if created else User.objects.filter(pk=user.pk).values(*AUDITED_USER_FIELDS).first() or {}
    with transaction.atomic():
        user.save()
        after = {name: getattr(user, name) for name in AUDITED_USER_FIELDS}
        audit_record(
            action="user.create" if created else "user.update",
            target=user,
            object_repr=user.username,
            changes=model_changes(before, after),
        )
        if before.get("is_active") and not user.is_active:
            user_deactivate(user=user, by=by)
        user_access_set(by=by, user=user, role=role, restricted_access=restricted_access)


def user_deactivate(*, user, by) -> int:
    """Deactivate `user`: every session they hold ends at its next request and every token is revoked.
    Returns the number of tokens revoked. Refused for the last active administrator and for oneself."""
    require(by, "users.manage", refusal=MANAGE_REFUSAL)
    if by.pk == user.pk:
        raise ValidationError("You cannot deactivate yourself; ask another administrator.")
    now = timezone.now()
    with transaction.atomic():
        _lock_admins()
        _refuse_last_active_admin(user)
        user.is_active = False
        user.sessions_valid_after = now
        user.save(update_fields=["is_active", "sessions_valid_after"])
        revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
        _sessions_delete(user)
        audit_record(
            action="user.deactivate",
            target=user,
            changes={"is_active": {"before": True, "after": False}, "tokens_revoked": revoked},
        )
    return revoked


def user_password_set(*, user, password: str | None, by) -> None:
    """Set (or, with None, remove) a user's password and record that it changed, never its value
    (the Django admin's password page: administrators)."""
    require(by, "users.manage", refusal=MANAGE_REFUSAL)
    with transaction.atomic():
        if password is None:
            user.set_unusable_password()
        else:
            user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(
            action="user.password_change",
            target=user,
            object_repr=user.username,
            changes={"password": "changed" if password is not None else "removed"},
        )
