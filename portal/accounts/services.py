"""Every write about people who use the portal: accounts, roles, tokens, sign-in and sign-out.

Each writes its audit event in the same transaction as the change (docs/access-and-audit.md); no
password, token or TOTP secret ever reaches an event. Managing accounts and tokens is for administrators:
each of those services checks its caller (`by`) itself, and the commands act as SYSTEM (ADR 0506). The
sign-in records at the end are the record of an attempt, which nobody needs permission to make.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from portal.audit.services import audit_record, model_changes
from portal.audit.targets import audit_snapshot

from .models import ApiToken, Organisation, SharingAgreement, User
from .partners import organisation_rule_check
from .permissions import person_of, refuse, require
from .roles import RESTRICTED_ACCESS_ROLES, ROLES_NEEDING_MFA, Role, holds_grant, role_names
from .totp import totp_device_enrol, totp_device_of, totp_secret_of

MANAGE_REFUSAL = "Only an administrator may manage users, their roles and their tokens."
PARTNERS_REFUSAL = "Only an administrator may manage partner organisations and their sharing agreements."
ORGANISATION_NAME_MAX = 120
AGREEMENT_TEXT_MAX = 2000
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
    add form has no id yet): the organisation rule checked (accounts.partners), its fields audited before
    and after, a deactivation ending its sessions and tokens, then its role and grant (user_access_set),
    all in one transaction."""
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


def _sessions_delete(user) -> None:
    """Delete the user's stored sessions (database sessions keep the user id in the payload)."""
    from django.contrib.sessions.models import Session

    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()


def token_issue(*, user, days: int | None = None, by) -> tuple[ApiToken, str]:
    """Issue an API token for an existing, active person; returns (token, key). Only the SHA-256 of the
    key is stored, so the key is shown once. An administrator, or SYSTEM (`issuetoken`)."""
    require(by, "users.manage", refusal=MANAGE_REFUSAL, system=True)
    days = settings.PORTAL_TOKEN_DAYS if days is None else days
    if days < 1 or days > 366:
        raise ValidationError("A token lasts between 1 and 366 days.")
    if not user.is_active:
        raise ValidationError(f"{user.username} is deactivated.")
    key = ApiToken.new_key()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, key_hash=ApiToken.hash_key(key), prefix=key[:8], expires_at=timezone.now() + timedelta(days=days)
        )
        audit_record(
            action="token.issue",
            target=token,
            object_repr=f"{token.prefix}… for {user.username}",
            changes={"user": user.username, "expires_at": token.expires_at.isoformat()},
        )
    return token, key


def token_revoke(*, token, by) -> bool:
    """Revoke an API token (the Django admin's action); a revoked token never works again. Returns
    whether it was still live."""
    require(by, "users.manage", refusal=MANAGE_REFUSAL)
    with transaction.atomic():
        updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        if updated:
            audit_record(action="token.revoke", target=token, object_repr=f"{token.prefix}… for {token.user.username}")
    return bool(updated)


def login_succeeded(*, user) -> None:
    audit_record(action="auth.login", target=user, object_repr=user.username)


def login_failed(*, username: str, reason: str = "bad credentials") -> None:
    """A failed sign-in; the actor is nobody yet, so the attempted username is the target."""
    user = User.objects.filter(username=username).first() if username else None
    audit_record(
        action="auth.login_failed",
        target_type="accounts.user",
        target_id=user.pk if user else "",
        object_repr=username[:150],
        changes={"reason": reason},
    )


def token_refused(*, reason: str) -> None:
    """An API request whose token is unknown, expired, revoked or a deactivated user's: the API's failed
    sign-in. Only the reason is kept, never the token (not even its prefix: it may be a pasted secret)."""
    audit_record(
        action="auth.login_failed",
        target_type="accounts.apitoken",
        changes={"reason": reason, "method": "token"},
    )


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


PAIR_LIMIT = "username and address"
ADDRESS_LIMIT = "address"


def login_locked_out(*, username: str, limit: str = PAIR_LIMIT, method: str = "password") -> None:
    """A sign-in refused unchecked: the username and address pair is locked (django-axes), or the
    address has failed too often across usernames (`selectors.sign_in_address_wait`). Records which
    limit and the attempted username as typed (empty for a token), never whether it exists."""
    audit_record(
        action="auth.lockout_refused",
        target_type="accounts.user" if method == "password" else "accounts.apitoken",
        object_repr=username[:150],
        changes={"limit": limit, "method": method},
    )


def logout_recorded(*, user) -> None:
    if user is not None and user.is_authenticated:
        audit_record(action="auth.logout", target=user, object_repr=user.username)


def session_end(*, request, reason: str) -> None:
    """End a session the policy no longer allows (idle, 12-hour limit, revoked), and record why."""
    user = request.user
    audit_record(action="auth.session_ended", target=user, object_repr=user.username, changes={"reason": reason})
    logout(request)


def totp_enrolment_begin(*, user, by):
    """The authenticator a person is enrolling at their first sign-in (password checked, no code yet):
    an unconfirmed TOTP device, the same one on every reload until it is confirmed. `by` is that person;
    nobody else may enrol for them (an administrator resets, the person enrols)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if by.pk != user.pk or totp_device_of(user) is not None:
        refuse(person_of(by), "An authenticator is enrolled by its owner, once.", capability="mfa.enrol", target=user)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        with transaction.atomic():
            device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
            audit_record(action="user.totp_enrol_start", target=user, object_repr=user.username)
    return device


def totp_enrolment_confirm(*, device, token: str, by) -> bool:
    """Confirm an enrolling authenticator with a code from it; returns whether the code was right. The
    secret itself is never recorded, only that the person enrolled."""
    if by.pk != device.user_id or device.confirmed:
        refuse(person_of(by), "An authenticator is enrolled by its owner, once.", capability="mfa.enrol")
    if not device.verify_token(token.strip()):
        return False
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        type(device).objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
        audit_record(action="user.totp_enrol", target=device.user, object_repr=device.user.username)
    return True


def totp_reset(*, user, by) -> None:
    """Remove a person's authenticator (lost phone): they enrol a new one at their next sign-in, and
    every session they hold ends now. An administrator, never for themselves."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    require(by, "users.manage", refusal=MANAGE_REFUSAL)
    if by.pk == user.pk:
        raise ValidationError("You cannot reset your own authenticator; ask another administrator.")
    with transaction.atomic():
        removed, _ = TOTPDevice.objects.filter(user=user).delete()
        user.sessions_valid_after = timezone.now()
        user.save(update_fields=["sessions_valid_after"])
        _sessions_delete(user)
        audit_record(action="user.totp_reset", target=user, object_repr=user.username, changes={"devices": removed})


# Partner organisations and their information-sharing agreements (docs/partners.md)


def _organisation_get_or_create(name: str) -> Organisation | None:
    """The organisation called `name` (created, and audited, if new), or None for no name."""
    if not name:
        return None
    organisation, created = Organisation.objects.get_or_create(name=name)
    if created:
        audit_record(action="organisation.create", target=organisation, changes={"name": name})
    return organisation


def organisation_create(*, name: str, by) -> Organisation:
    """Record a partner organisation (administrators; `createuser --organisation` as SYSTEM)."""
    require(by, "partners.manage", refusal=PARTNERS_REFUSAL, system=True)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": ["Name the organisation."]})
    if len(name) > ORGANISATION_NAME_MAX:
        raise ValidationError({"name": [f"At most {ORGANISATION_NAME_MAX} characters."]})
    if Organisation.objects.filter(name=name).exists():
        raise ValidationError({"name": [f"An organisation called {name!r} already exists."]})
    with transaction.atomic():
        organisation = _organisation_get_or_create(name)
    assert organisation is not None, "a name was given"
    return organisation


def _agreement_errors(*, purpose: str, legal_basis: str, starts_on, ends_on) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for field, value in (("purpose", purpose), ("legal_basis", legal_basis)):
        if not (value or "").strip():
            errors[field] = ["Required: an agreement says why and on what legal basis the force shares."]
        elif len(value) > AGREEMENT_TEXT_MAX:
            errors[field] = [f"At most {AGREEMENT_TEXT_MAX} characters."]
    if starts_on is None:
        errors["starts_on"] = ["Give the date the agreement starts."]
    if ends_on is None:
        errors["ends_on"] = ["Give the date the agreement ends: sharing is time-limited."]
    elif starts_on is not None and ends_on < starts_on:
        errors["ends_on"] = ["The agreement cannot end before it starts."]
    return errors


def sharing_agreement_create(
    *, organisation: Organisation | None, purpose: str, legal_basis: str, starts_on, ends_on, by
) -> SharingAgreement:
    """Record an organisation's information-sharing agreement (administrators); audited."""
    require(by, "partners.manage", refusal=PARTNERS_REFUSAL)
    errors = _agreement_errors(purpose=purpose, legal_basis=legal_basis, starts_on=starts_on, ends_on=ends_on)
    if organisation is None:
        errors["organisation"] = ["Choose the organisation."]
    if errors:
        raise ValidationError(errors)
    assert organisation is not None, "refused above"
    with transaction.atomic():
        agreement = SharingAgreement.objects.create(
            organisation=organisation,
            purpose=purpose.strip(),
            legal_basis=legal_basis.strip(),
            starts_on=starts_on,
            ends_on=ends_on,
        )
        audit_record(
            action="sharing_agreement.create", target=agreement, changes=model_changes({}, audit_snapshot(agreement))
        )
    return agreement


def sharing_agreement_update(*, agreement: SharingAgreement, by, **fields) -> SharingAgreement:
    """Change an agreement (PATCH `ends_on` to end it early); the whole is checked again; audited."""
    require(by, "partners.manage", refusal=PARTNERS_REFUSAL)
    editable = ("purpose", "legal_basis", "starts_on", "ends_on")
    unknown = sorted(set(fields) - set(editable))
    if unknown:
        raise ValidationError({name: ["This field cannot be changed here."] for name in unknown})
    merged = {
        name: fields.get(name, getattr(agreement, name)) for name in ("purpose", "legal_basis", "starts_on", "ends_on")
    }
    errors = _agreement_errors(**merged)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        before = audit_snapshot(agreement)
        for name, value in merged.items():
            setattr(agreement, name, value.strip() if isinstance(value, str) else value)
        agreement.save()
        changes = model_changes(before, audit_snapshot(agreement))
        if changes:
            audit_record(action="sharing_agreement.update", target=agreement, changes=changes)
    return agreement
