"""The orders register: protective orders against an offender (DAPO, stalking and sexual harm prevention
orders, restraining and non-molestation orders, bail conditions), whom they protect, and their breaches,
each recorded as an offence that counts in the score like any other (docs/offenders.md)."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from ..choices import OrderKind
from .people import PERSONAL_AUDIT_FIELDS, Offence, Offender, Victim


class ProtectiveOrderQuerySet(models.QuerySet):
    def in_force(self, *, on: dt.date) -> "ProtectiveOrderQuerySet":
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on), starts_on__lte=on)

    def ending_within(self, *, today: dt.date, days: int) -> "ProtectiveOrderQuerySet":
        """Orders in force that end between today and `days` days ahead (the morning digest lists them)."""
        return self.filter(ends_on__gte=today, ends_on__lte=today + dt.timedelta(days=days), starts_on__lte=today)


class ProtectiveOrder(models.Model):
    offender = models.ForeignKey(Offender, on_delete=models.PROTECT, related_name="orders")
    kind = models.CharField(max_length=16, choices=OrderKind.choices)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True, help_text="Blank: until further order.")
    conditions = models.TextField(blank=True)
    protected_victims = models.ManyToManyField(Victim, blank=True, related_name="protecting_orders")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProtectiveOrderQuerySet.as_manager()

    AUDIT_FIELDS = ("offender", "kind", "starts_on", "ends_on", "conditions", "protected_victims")
    AUDIT_PERSONAL_FIELDS = PERSONAL_AUDIT_FIELDS | {"conditions", "protected_victims"}

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=OrderKind.values), name="order_kind_valid"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")), name="order_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.starts_on}"

    def audit_repr(self) -> str:
        return f"order {self.pk}"


class OrderBreach(models.Model):
    """A breach of an order, and the offence it was recorded as."""

    order = models.ForeignKey(ProtectiveOrder, on_delete=models.PROTECT, related_name="breaches")
    offence = models.OneToOneField(Offence, on_delete=models.PROTECT, related_name="order_breach")
    occurred_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    AUDIT_FIELDS = ("order", "offence", "occurred_on")
    AUDIT_PERSONAL_FIELDS = PERSONAL_AUDIT_FIELDS

    class Meta:
        ordering = ["-occurred_on", "-id"]

    def __str__(self) -> str:
        return f"Breach of order {self.order_id} on {self.occurred_on}"

    def audit_repr(self) -> str:
        return f"order breach {self.pk}"
