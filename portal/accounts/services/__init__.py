"""Every write about people who use the portal, one module per subject: accounts and roles (`users`),
sign-in, sign-out and sessions (`sign_in`), authenticators and API tokens (`authenticators`), partner
organisations and their sharing agreements (`partners`).

Each writes its audit event in the same transaction as the change (docs/access-and-audit.md). Every
write an administrator makes checks its caller (`by`) itself (ADR 0506); the sign-in records are the
record of an attempt, which nobody needs permission to make.
"""

from .authenticators import token_issue, token_revoke, totp_enrolment_begin, totp_enrolment_confirm, totp_reset
from .partners import (
    AGREEMENT_TEXT_MAX,
    ORGANISATION_NAME_MAX,
    PARTNERS_REFUSAL,
    organisation_create,
    organisation_rule_check,
    sharing_agreement_create,
    sharing_agreement_update,
)
from .sign_in import (
    ADDRESS_LIMIT,
    PAIR_LIMIT,
    login_failed,
    login_locked_out,
    login_succeeded,
    logout_recorded,
    session_end,
    token_refused,
)
from .users import (
    AUDITED_USER_FIELDS,
    MANAGE_REFUSAL,
    user_access_check,
    user_access_set,
    user_create,
    user_deactivate,
    user_password_set,
    user_role_set,
    user_update,
)

__all__ = [
    "ADDRESS_LIMIT",
    "AGREEMENT_TEXT_MAX",
    "AUDITED_USER_FIELDS",
    "MANAGE_REFUSAL",
    "ORGANISATION_NAME_MAX",
    "PAIR_LIMIT",
    "PARTNERS_REFUSAL",
    "login_failed",
    "login_locked_out",
    "login_succeeded",
    "logout_recorded",
    "organisation_create",
    "organisation_rule_check",
    "session_end",
    "sharing_agreement_create",
    "sharing_agreement_update",
    "token_issue",
    "token_refused",
    "token_revoke",
    "totp_enrolment_begin",
    "totp_enrolment_confirm",
    "totp_reset",
    "user_access_check",
    "user_access_set",
    "user_create",
    "user_deactivate",
    "user_password_set",
    "user_role_set",
    "user_update",
]
