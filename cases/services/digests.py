"""The morning job: mark overdue actions and due reviews, then email each person one digest.

One digest per person per day is guaranteed by a unique row (CaseDigest) written in the same
transaction as the email is handed to the mail backend: a retried or doubled job sends nothing twice,
and a mail failure rolls the row back so the retry sends it.
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from portal.audit.services import audit_record

from ..models import Case, CaseDigest, PlanAction
from ..selectors import Digest, digests_collect


def cases_mark_due(*, today: dt.date) -> dict[str, int]:
    """Stamp open actions that became overdue and open cases whose review fell due (idempotent)."""
    actions = PlanAction.objects.overdue(today=today).filter(overdue_marked_on__isnull=True)
    reviews = Case.objects.review_due_by(day=today).filter(review_flagged_on__isnull=True)
    return {
        "actions_marked": actions.update(overdue_marked_on=today),
        "reviews_marked": reviews.update(review_flagged_on=today),
    }


def digest_send(*, recipient, digest: Digest, today: dt.date) -> bool:
    """Email one person their digest, unless they already had one today or have no address."""
    if not recipient.email or not recipient.is_active:
        return False
    context = {"recipient": recipient, "digest": digest, "today": today, "portal_name": settings.PORTAL_NAME}
    try:
        with transaction.atomic():
            CaseDigest.objects.create(
                recipient=recipient,
                sent_on=today,
                overdue_actions=len(digest.overdue_actions),
                reviews_due=len(digest.reviews_due),
            )
            send_mail(
                subject=f"{settings.PORTAL_NAME}: {len(digest.overdue_actions)} overdue actions, "
                f"{len(digest.reviews_due)} reviews due",
                message=render_to_string("cases/digest_email.txt", context),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[recipient.email],
            )
    except IntegrityError:  # already sent today (a retried or doubled run)
        return False
    return True


def cases_morning_run(*, today: dt.date) -> dict[str, int]:
    """The whole morning job: mark, then one digest per person with something to do."""
    marked = cases_mark_due(today=today)
    digests = digests_collect(today=today)
    people = get_user_model().objects.in_bulk(list(digests))
    sent = sum(digest_send(recipient=people[pk], digest=d, today=today) for pk, d in digests.items() if pk in people)
    summary = {**marked, "people_due": len(digests), "digests_sent": sent}
    audit_record(action="case.digest.run", target_type="job", target_id=today.isoformat(), changes=summary)
    return summary
