"""The Django admin is for the admin role only (users and tokens); nobody deletes, they deactivate.

Changes made here go through the same services and audit as the commands do.
"""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.db import transaction
from django.shortcuts import redirect

from portal.audit.services import audit_record, model_changes

from .models import ApiToken, User
from .roles import Role, user_role
from .services import user_deactivate, user_password_set

AUDITED_USER_FIELDS = ("username", "first_name", "last_name", "email", "is_active", "is_staff")


def _is_admin(request) -> bool:
    return user_role(request.user) == Role.ADMIN and request.user.is_verified()


def _login_redirect(request, extra_context=None):
    """Signing in happens on the portal's own page (password and TOTP), never the admin's."""
    return redirect(f"/accounts/login/?next={request.GET.get('next', '/admin/')}")


admin.site.has_permission = _is_admin
admin.site.login = _login_redirect
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
        user_password_set(user=self.user, password=self.cleaned_data["password1"] if usable else None)
        return self.user


@admin.register(User)
class UserAdmin(AdminRoleOnly, DjangoUserAdmin):
    change_password_form = AuditedPasswordChangeForm
    list_display = ("username", "first_name", "last_name", "is_active", "last_login")
    list_filter = ("groups", "is_active")
    actions = ["deactivate"]

    @admin.action(description="Deactivate: end their sessions and revoke their tokens")
    def deactivate(self, request, queryset):
        for user in queryset.filter(is_active=True):
            user_deactivate(user=user)
        messages.success(request, "Deactivated; their sessions and tokens no longer work.")

    def save_model(self, request, obj, form, change):
        before = {}
        if change:
            before = User.objects.filter(pk=obj.pk).values(*AUDITED_USER_FIELDS).first() or {}
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            after = {name: getattr(obj, name) for name in AUDITED_USER_FIELDS}
            audit_record(
                action="user.update" if change else "user.create", target=obj, changes=model_changes(before, after)
            )
            if change and before.get("is_active") and not obj.is_active:
                user_deactivate(user=obj)

    def save_related(self, request, form, formsets, change):
        before = sorted(form.instance.groups.values_list("name", flat=True)) if change else []
        super().save_related(request, form, formsets, change)
        after = sorted(form.instance.groups.values_list("name", flat=True))
        if before != after:
            audit_record(
                action="user.role_change", target=form.instance, changes={"groups": {"before": before, "after": after}}
            )


@admin.register(ApiToken)
class ApiTokenAdmin(AdminRoleOnly, admin.ModelAdmin):
    list_display = ("prefix", "user", "created_at", "expires_at", "revoked_at")
    readonly_fields = ("prefix", "key_hash", "created_at", "user", "expires_at")
    fields = ("prefix", "user", "created_at", "expires_at", "revoked_at")

    def has_add_permission(self, request):
        return False  # tokens come from `issuetoken`, shown once
