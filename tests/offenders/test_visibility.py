"""The restricted rule, written once (offenders/querysets.py, docs/decisions/0507): `visible_to` and every
object rule about an offender's data hide a restricted offender from anyone without the grant."""

import pytest

from cases.models import Case
from offenders.models import Offence, Offender
from offenders.querysets import restricted_q
from portal.accounts.permissions import restrict
from tests.factories import OffenceFactory, OffenderFactory


@pytest.fixture
def people(db):
    shown, hidden = OffenderFactory(), OffenderFactory(restricted=True)
    OffenceFactory(offender=shown)
    OffenceFactory(offender=hidden)
    return shown, hidden


@pytest.mark.parametrize(
    ("role", "grant", "sees_hidden"),
    [("officer", False, False), ("officer", True, True), ("supervisor", False, False), ("supervisor", True, True),
     ("admin", False, False), ("oversight", False, False)],
)  # fmt: skip
def test_visible_to_hides_restricted_offenders_without_the_grant(people, make_user, role, grant, sees_hidden):
    shown, hidden = people
    user = make_user(role, restricted_access=grant)
    visible = set(Offender.objects.visible_to(user))
    assert shown in visible and (hidden in visible) is sees_hidden


def test_visible_to_chains_with_other_filters(people, make_user):
    shown, hidden = people
    officer = make_user("officer")
    assert list(Offender.objects.filter(pk__in=[shown.pk, hidden.pk]).visible_to(officer)) == [shown]
    assert not Offender.objects.filter(pk=hidden.pk).visible_to(officer).exists()
    assert not Offender.objects.visible_to(None).filter(pk=hidden.pk).exists()  # nobody signed in


def test_every_object_rule_is_the_one_rule(people, make_user):
    """What restrict() lets an officer reach through each capability about an offender's data is exactly what
    restricted_q says, on offenders, offences, cases and the ranked list's identities."""
    shown, hidden = people
    for grant in (False, True):
        officer = make_user("officer", restricted_access=grant)
        for capability in ("offender.view", "offender.edit", "ranking.view_identities"):
            reached = set(restrict(Offender.objects.all(), officer, capability))
            assert (
                reached
                == set(Offender.objects.filter(restricted_q(officer)))
                == set(Offender.objects.visible_to(officer))
            )
        for capability in ("offence.view", "offence.edit"):
            reached = set(restrict(Offence.objects.all(), officer, capability))
            assert reached == set(Offence.objects.filter(restricted_q(officer, "offender")))
            assert {offence.offender_id for offence in reached} == ({shown.pk, hidden.pk} if grant else {shown.pk})


def test_cases_follow_the_same_rule(people, make_user):
    shown, hidden = people
    lead = make_user("officer", restricted_access=True)
    cases = {person.pk: Case.objects.create(offender=person, lead=lead, reason="Tasked") for person in people}
    for grant, expected in ((False, {cases[shown.pk]}), (True, set(cases.values()))):
        supervisor = make_user("supervisor", restricted_access=grant)
        for capability in ("case.view", "case.manage"):
            assert set(restrict(Case.objects.all(), supervisor, capability)) == expected
        assert set(Case.objects.filter(restricted_q(supervisor, "offender"))) == expected
