"""The scoring app's refusals, so pages and the API can answer each with the right status."""

from django.core.exceptions import ValidationError

from portal.accounts.permissions import Refused


class PolicyFrozen(ValidationError):
    """The policy is no longer a draft (or not in the state the step needs): a 409 on the API."""


class FourEyesViolation(Refused):
    """The author of a policy may never approve or activate it: a 403. The refusal says why (the
    admin's role allows the step in general, so "your role does not allow this" would mislead)."""
