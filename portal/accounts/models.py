"""Users of the portal and their API tokens."""

import datetime as dt
import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class Organisation(models.Model):
    """A partner agency (probation, an IDVA service, housing, children's social care): its people hold the
    `partner` role and see what its information-sharing agreement allows, while one is in force."""

    name = models.CharField(max_length=120, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    AUDIT_FIELDS = ("name",)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SharingAgreementQuerySet(models.QuerySet):
    def in_force(self, *, on: dt.date | None = None) -> "SharingAgreementQuerySet":
        """Agreements whose dates include `on` (default today): the one meaning of "in force"."""
        day = on or timezone.localdate()
        return self.filter(starts_on__lte=day, ends_on__gte=day)


class SharingAgreement(models.Model):
    """An organisation's information-sharing agreement: why and on what legal basis the force shares case
    information with it, from one date to another (both included). Ended by moving `ends_on`."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="agreements")
    purpose = models.TextField()
    legal_basis = models.TextField()
    starts_on = models.DateField()
    ends_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SharingAgreementQuerySet.as_manager()

    AUDIT_FIELDS = ("organisation", "purpose", "legal_basis", "starts_on", "ends_on")

    class Meta:
        ordering = ["organisation__name", "-starts_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="agreement_ends_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.organisation.name}: {self.starts_on} to {self.ends_on}"


class User(AbstractUser):
    """A person who uses the portal; their role is their one group (portal.accounts.roles)."""

    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        help_text="Partners only: the agency they work for.",
    )
    sessions_valid_after = models.DateTimeField(
        null=True, blank=True, help_text="Sessions started before this moment are ended (deactivation)."
    )

    class Meta:
        permissions = [("restricted_access", "May see restricted offender records")]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class ApiToken(models.Model):
    """An expiring API token; only its SHA-256 is stored, so a database copy leaks no usable token."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8, help_text="First characters, to recognise a token in lists.")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.prefix}… for {self.user.username}"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def new_key() -> str:
        return secrets.token_hex(20)
