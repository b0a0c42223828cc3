"""The Django admin is for the admin role only (users and tokens); nobody deletes, they deactivate.

Changes made here go through the same services and audit as the commands do; the services check
the administrator themselves (`by`), as they do for every caller.
"""

from contextvars import ContextVar
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError
from django.shortcuts import redirect

from .models import ApiToken, Organisation, SharingAgreement, User
from .roles import ROLES_NEEDING_MFA, Role, holds_grant, role_names, user_role
from .services import (
    organisation_create,
    organisation_rule_check,
    sharing_agreement_create,
    sharing_agreement_update,
    token_revoke,
    totp_reset,
    user_access_check,
    user_deactivate,
    user_password_set,
    user_update,
)
from .totp import totp_device_of

# The administrator on the "change password" page: Django's view builds the form without the request.
_password_changed_by: ContextVar = ContextVar("password_changed_by", default=None)


def _is_admin(request) -> bool:
    return user_role(request.user) == Role.ADMIN and request.user.is_verified()


def _login_redirect(request, extra_context=None):
    """Signing in happens on the portal's own page (password and TOTP), never the admin's."""
    return redirect(f"/accounts/login/?{urlencode({'next': request.GET.get('next', '/admin/')})}")


# The default site is adjusted in place rather than replaced by a subclass, so every app registers as usual.
admin.site.has_permission = _is_admin  # type: ignore[method-assign]
admin.site.login = _login_redirect  # type: ignore[method-assign]
admin.site.site_header = "Harm Portal administration"


class AdminRoleOnly:
    def has_module_permission(self, request):
        return _is_admin(request)

    def has_view_permission(self, request, obj=None):
        return _is_admin(request)

    def has_add_permission(self, request):
        return _is_admin(request)

    def has_change_permission(self, request, obj=None):
        return _is_admin(request)

    def has_delete_permission(self, request, obj=None):
        return False


class AuditedPasswordChangeForm(AdminPasswordChangeForm):
    """The admin's "change password" page saves through the accounts service, so it is audited
    (Django's view calls form.save() directly, bypassing save_model)."""

    def save(self, commit=True):
        usable = self.cleaned_data.get("set_usable_password", True)
        password = self.cleaned_data["password1"] if usable else None
        user_password_set(user=self.user, password=password, by=_password_changed_by.get())
        return self.user


ROLE_CHOICES = [("", "---------")] + [(role.value, role.value) for role in Role]


class AccessFieldsMixin(forms.Form):
    """The one role and the restricted_access grant, in place of Django's groups, permissions and
    superuser boxes (which could give two roles, the grant to an admin, or everything at once).
    The rules are the services' (user_access_check, organisation_rule_check); the form only shows their
    refusals, and user_update checks them again as it saves."""

    role = forms.ChoiceField(choices=ROLE_CHOICES)
    restricted_access = forms.BooleanField(required=False, help_text="Officers and supervisors only.")
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.order_by("name"),
        required=False,
        help_text="Partners only, and every partner: the agency they work for (add it under Organisations).",
    )
    acting_user = None  # set per request by UserAdmin.get_form

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            names = role_names(self.instance)
            self.fields["role"].initial = names[0] if len(names) == 1 else ""
            self.fields["restricted_access"].initial = holds_grant(self.instance)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role"):
            try:  # self.instance still holds the stored values here (the form copies onto it later)
                user_access_check(
                    by=self.acting_user,
                    user=self.instance,
                    role=cleaned["role"],
                    restricted_access=bool(cleaned.get("restricted_access")),
                    is_active=cleaned.get("is_active", self.instance.is_active),
                )
            except ValidationError as error:
                raise forms.ValidationError(error.messages) from None
            try:
                organisation_rule_check(role=Role(cleaned["role"]), organisation=cleaned.get("organisation"))
            except ValidationError as error:
                self.add_error(None, error)  # on the organisation field
        return cleaned


class UserAccessChangeForm(AccessFieldsMixin, UserChangeForm):
    pass


class UserAccessCreationForm(AccessFieldsMixin, AdminUserCreationForm):
    pass


def _each(request, users, service) -> int:
    """Call `service(user=..., by=administrator)` for each selected user; returns how many succeeded,
    and shows each refusal as an error message."""
    done = 0
    for user in users:
        try:
            service(user=user, by=request.user)
            done += 1
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return done


@admin.register(User)
class UserAdmin(AdminRoleOnly, DjangoUserAdmin):
    change_password_form = AuditedPasswordChangeForm
    form = UserAccessChangeForm
    add_form = UserAccessCreationForm
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name", "email")}),
        ("Access", {"fields": ("is_active", "role", "restricted_access", "organisation")}),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "usable_password", "password1", "password2")}),
        ("Access", {"fields": ("role", "restricted_access", "organisation")}),
    )
    readonly_fields = ("last_login", "date_joined")
    filter_horizontal = ()
    list_display = ("username", "first_name", "last_name", "organisation", "is_active", "last_login")
    list_filter = ("groups", "is_active")
    actions = ["deactivate", "reset_authenticator"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.acting_user = request.user
        return form

    def user_change_password(self, request, id, form_url=""):
        token = _password_changed_by.set(request.user)
        try:
            return super().user_change_password(request, id, form_url)
        finally:
            _password_changed_by.reset(token)

    @admin.action(description="Deactivate: end their sessions and revoke their tokens")
    def deactivate(self, request, queryset):
        done = _each(request, queryset.filter(is_active=True), user_deactivate)
        if done:
            messages.success(request, f"Deactivated {done}; their sessions and tokens no longer work.")

    @admin.action(description="Reset authenticator: they set up a new one at their next sign-in")
    def reset_authenticator(self, request, queryset):
        done = _each(request, queryset, totp_reset)
        if done:
            messages.success(request, f"Reset {done}; each sets up an authenticator at their next sign-in.")

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        user_update(user=obj, role=data["role"], restricted_access=data["restricted_access"], by=request.user)
        if user_role(obj) in ROLES_NEEDING_MFA and totp_device_of(obj) is None:
            messages.info(
                request,
                f"{obj.username} has no authenticator yet: at their first sign-in, after their password, "
                "the portal shows them a QR code and key to set one up.",
            )


@admin.register(ApiToken)
class ApiTokenAdmin(AdminRoleOnly, admin.ModelAdmin):
    """Tokens are read-only here (a revoked one must never come back); the one change is "Revoke"."""

    list_display = ("prefix", "user", "created_at", "expires_at", "revoked_at")
    readonly_fields = ("prefix", "user", "created_at", "expires_at", "revoked_at")
    fields = readonly_fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # tokens come from `issuetoken`, shown once

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Revoke: the token stops working at once")
    def revoke(self, request, queryset):
        revoked = sum(token_revoke(token=token, by=request.user) for token in queryset.select_related("user"))
        messages.success(request, f"Revoked {revoked} token(s).")


@admin.register(Organisation)
class OrganisationAdmin(AdminRoleOnly, admin.ModelAdmin):
    """Partner organisations (docs/partners.md): added here or by `createuser --organisation`; never renamed."""

    list_display = ("name", "created_at")
    fields = ("name",)

    def has_change_permission(self, request, obj=None):
        return obj is None and _is_admin(request)

    def save_model(self, request, obj, form, change):
        obj.pk = organisation_create(name=form.cleaned_data["name"], by=request.user).pk


@admin.register(SharingAgreement)
class SharingAgreementAdmin(AdminRoleOnly, admin.ModelAdmin):
    """Information-sharing agreements: recorded and changed (move `ends_on` to end one) through the
    accounts services, so each change is audited; the form refuses an agreement ending before it starts."""

    list_display = ("organisation", "starts_on", "ends_on", "legal_basis")
    fields = ("organisation", "purpose", "legal_basis", "starts_on", "ends_on")
    EDITABLE = ("purpose", "legal_basis", "starts_on", "ends_on")

    def get_readonly_fields(self, request, obj=None):
        return ("organisation",) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            agreement = SharingAgreement.objects.get(pk=obj.pk)
            sharing_agreement_update(agreement=agreement, by=request.user, **{f: data[f] for f in self.EDITABLE})
        else:
            obj.pk = sharing_agreement_create(
                organisation=data["organisation"], by=request.user, **{f: data[f] for f in self.EDITABLE}
            ).pk
