"""A partner agency with an information-sharing agreement, as an admin would record them."""

import datetime as dt

from django.utils import timezone

from portal.accounts.models import Organisation, SharingAgreement


def organisation_with_agreement(
    name: str = "Northside IDVA Service",
    *,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    purpose: str = "MATAC safeguarding",
    legal_basis: str = "DPA 2018 s.35",
) -> tuple[Organisation, SharingAgreement]:
    """An organisation and its agreement, in force from a month ago to a year ahead unless dated."""
    today = timezone.localdate()
    organisation = Organisation.objects.create(name=name)
    agreement = SharingAgreement.objects.create(
        organisation=organisation, purpose=purpose, legal_basis=legal_basis,
        starts_on=starts_on or today - dt.timedelta(days=30), ends_on=ends_on or today + dt.timedelta(days=335),
    )  # fmt: skip
    return organisation, agreement
