"""Audit events through the real chain, as if written at a chosen time by a chosen user."""

import datetime as dt
from unittest import mock

from portal.audit.context import context_for_user, reset_context, set_context
from portal.audit.services import audit_record


def record_event(*, user=None, action: str, when: dt.datetime, channel: str = "web", **fields):
    """One audit event through the real chain, as if written at `when` by `user`."""
    token = set_context(context_for_user(user, channel=channel))
    try:
        with mock.patch("django.utils.timezone.now", return_value=when):
            return audit_record(action=action, **fields)
    finally:
        reset_context(token)
