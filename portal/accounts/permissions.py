"""One mechanism for "may this user do X (to this object)" and "which objects may this user see".

Capabilities are the rows of docs/roles.md. Each app registers object rules for its models in
its own permissions.py (a Q built from the user); `restrict()` applies them to any queryset and
`can()` answers for one object through the very same filter, so a list can never show what the
detail refuses. Every write service asks through `require()` before it reads its input or opens a
transaction, and a refusal is one `Refused`, recorded once (docs/decisions/0506).
"""

from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet

from portal.audit.services import refusal_record

from .roles import POLICE_ROLES, Role, has_restricted_access, user_role
from .selectors import partner_agreement

OFFICER, SUPERVISOR, ADMIN, OVERSIGHT = Role.OFFICER, Role.SUPERVISOR, Role.ADMIN, Role.OVERSIGHT
PARTNER = Role.PARTNER
EVERYONE = POLICE_ROLES  # every police role; a partner sees only their cases (docs/partners.md)

CAPABILITIES: dict[str, frozenset[Role]] = {
    "ranking.view": EVERYONE,
    "ranking.view_identities": frozenset({OFFICER, SUPERVISOR}),
    "offender.view": frozenset({OFFICER, SUPERVISOR}),
    "offender.edit": frozenset({OFFICER, SUPERVISOR}),
    "offender.mark_restricted": frozenset({SUPERVISOR}),
    "offence.view": frozenset({OFFICER, SUPERVISOR}),
    "offence.edit": frozenset({OFFICER, SUPERVISOR}),
    "case.view": frozenset({OFFICER, SUPERVISOR, PARTNER}),  # a partner: the cases whose team they are on
    "case.work": frozenset({OFFICER, SUPERVISOR}),
    "case.act": frozenset({OFFICER, SUPERVISOR, PARTNER}),  # add and complete plan actions (a partner: their own)
    "case.safety": frozenset({OFFICER, SUPERVISOR}),  # victims' safety, safety checks, Clare's Law disclosures
    "order.view": frozenset({OFFICER, SUPERVISOR}),
    "order.edit": frozenset({OFFICER, SUPERVISOR}),
    "case.manage": frozenset({SUPERVISOR}),
    "scoring.view": EVERYONE,
    "policy.edit": frozenset({ADMIN}),
    "policy.approve": frozenset({ADMIN}),
    "policy.preview": frozenset({ADMIN, OVERSIGHT}),
    "recompute.start": frozenset({SUPERVISOR, ADMIN}),
    "import.run": frozenset({ADMIN}),
    "users.manage": frozenset({ADMIN}),
    "partners.manage": frozenset({ADMIN}),  # partner organisations and their information-sharing agreements
    "audit.view": frozenset({ADMIN, OVERSIGHT}),
    "reports.view": frozenset({SUPERVISOR, ADMIN, OVERSIGHT}),
    "records.review": frozenset({SUPERVISOR, ADMIN}),
    "records.dispose": frozenset({ADMIN}),
    "records.subject_access": frozenset({ADMIN}),
    "meeting.view": EVERYONE,  # admin and oversight read meetings pseudonymised
    "meeting.chair": frozenset({SUPERVISOR}),
}


class Refused(PermissionDenied):
    """A refusal whose message is written for the person refused: the 403 page and the API's 403 body
    show it. A plain PermissionDenied may name internals, so both show only a generic refusal for it.

    `recorded_as` is the hash of the `access.refused` event `refuse()` wrote: the 403 page and the API
    handler write none of their own while that event stands (it is gone if a transaction around the
    raise rolled back, and then they record the refusal themselves), so each refusal is on record once.
    """

    shown_to_user = True
    recorded_as = ""


class SystemActor:
    """The portal acting on its own: a Celery task or the beat schedule, a management command, the
    benchmark. Write services take `by=SYSTEM` from those callers only, and only the services where the
    system genuinely writes let it through (`require(..., system=True)`: a recompute, an import, an
    account made by `createuser`); the records it makes name no person (the audit context names the job
    or the command, as always).

    It is no user: `can()` and `restrict()` give it nothing, so a read can never be made with it. No view,
    serializer, form or admin module imports it (tests/portal/test_service_permissions.py checks).
    """

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = SystemActor()


# Capabilities that also need the restricted_access grant on top of the role.
NEEDS_RESTRICTED_GRANT = frozenset({"offender.mark_restricted"})

ObjectRule = Callable[..., Q]  # rule(user) -> Q
QS = TypeVar("QS", bound=QuerySet[Any])
_rules: dict[tuple[str, type[Model]], ObjectRule] = {}


class UnknownCapability(KeyError):
    """Raised for a capability name not in the matrix: deny by default means a typo must be loud."""


def register_rule(capability: str, model: type[Model], rule: ObjectRule) -> None:
    """Register the Q that limits which `model` rows a user may reach through `capability`."""
    if capability not in CAPABILITIES:
        raise UnknownCapability(capability)
    _rules[(capability, model)] = rule


def role_allows(user, capability: str) -> bool:
    """The role-level answer: may this user's role use this capability at all?"""
    if capability not in CAPABILITIES:
        raise UnknownCapability(capability)
    role = user_role(user)
    if role is None or role not in CAPABILITIES[capability]:
        return False
    if role == PARTNER and partner_agreement(user) is None:  # outside the agreement's dates: nothing at all
        return False
    if capability in NEEDS_RESTRICTED_GRANT:
        return has_restricted_access(user)
    return True


def restrict(queryset: QS, user, capability: str) -> QS:
    """The rows of `queryset` this user may reach through `capability`; none when the role may not."""
    if not role_allows(user, capability):
        return queryset.none()
    rule = _rules.get((capability, queryset.model))
    return queryset.filter(rule(user)) if rule else queryset


def withheld(queryset: QuerySet, user, capability: str) -> QuerySet:
    """The rows of `queryset` that `restrict()` leaves out for this user (its rule, negated): what a
    report may not name even where it only quotes an id (a refused request's address, an audit target)."""
    if not role_allows(user, capability):
        return queryset
    rule = _rules.get((capability, queryset.model))
    shown = rule(user) if rule else Q()
    return queryset.exclude(shown) if shown else queryset.none()


def can(user, capability: str, obj: Model | None = None) -> bool:
    """May this user use `capability`, on `obj` when one is given (checked through `restrict`)."""
    if obj is None:
        return role_allows(user, capability)
    if (capability, type(obj)) not in _rules:
        return role_allows(user, capability)
    return restrict(type(obj)._default_manager.filter(pk=obj.pk), user, capability).exists()


def require(by, capability: str, obj: Model | None = None, *, refusal: str, system: bool = False) -> None:
    """The check every write service makes first: may `by` use `capability` (on `obj`)? If not, the
    refusal is recorded and raised (`Refused`, with `refusal` as its message: a 403 on every channel).
    SYSTEM passes only where the service says the portal itself does this (`system=True`)."""
    if by is SYSTEM and system:
        return
    if by is SYSTEM or not can(by, capability, obj):
        refuse(by, refusal, capability=capability, target=obj)


def refuse(
    by, message: str, *, capability: str, target: Model | None = None, refusal: type[Refused] = Refused
) -> NoReturn:
    """Record a refusal of `by` (`access.refused`) and raise it; `refusal` may be a subclass that says
    more (scoring's FourEyesViolation). For the rules a role check cannot answer (four eyes)."""
    refused = refusal(message)
    refused.recorded_as = refusal_record(by=by, reason=message, capability=capability, target=target).event_hash
    raise refused


def person_of(by) -> Any:
    """The person acting, or None when it is the system: what a record stores as "nobody in particular"."""
    return None if by is SYSTEM else by


def capabilities_of(user) -> frozenset[str]:
    """Every capability the user's role grants, for navigation and templates."""
    return frozenset(name for name in CAPABILITIES if role_allows(user, name))
