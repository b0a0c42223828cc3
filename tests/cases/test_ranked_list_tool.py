"""The ranked list as the tasking team's tool: search by name or reference, sort by a column, the open
case or last decision, the Task action, whole days with thousands separators, movement in words, and the
CSV export (audited; pseudonymised for admin and oversight)."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.services.meetings import meeting_decide, meeting_open
from portal.audit.models import AuditEvent
from scoring.models import OffenderScore, ScoringPolicy
from tests.factories import OffenderFactory

from .meeting_world import publish


@pytest.fixture
def listed(settings, open_case, lead, supervisor):
    settings.PORTAL_TOP_N = 10
    policy = ScoringPolicy.objects.get(status="active")
    people = {}
    for surname, score, harm in (("Ashdown", 12345.6, 12345.6), ("Bellamy", 900.0, 4500.0), ("Corrigan", 500.0, 500.0)):
        person = OffenderFactory(surname=surname, forenames="Mark")
        OffenderScore.objects.create(offender=person, policy=policy, score=score, harm_days=harm, offence_count=2,
                                     victim_count=1, eligible=True, as_of=timezone.localdate(), days_since_last=1234,
                                     computed_at=timezone.now())  # fmt: skip
        people[surname] = person
    publish([people["Bellamy"], people["Ashdown"], people["Corrigan"]], days_ago=3)
    case = open_case(people["Ashdown"], lead=lead)
    meeting = meeting_open(held_on=timezone.localdate(), chair=supervisor, by=supervisor)
    item = meeting.items.get(offender=people["Corrigan"])
    meeting_decide(item=item, decision="defer", reason="later", until=timezone.localdate() + dt.timedelta(days=30),
                   by=supervisor)  # fmt: skip
    return people, case


def _rows(page: str) -> list[str]:
    return [chunk.split('data-offender="')[1].split('"')[0] for chunk in page.split('data-testid="ranking-row"')[1:]]


def test_search_sort_and_the_working_columns(web_for, supervisor, listed):
    people, case = listed
    web = web_for(supervisor)
    page = web.get("/rankings/").content.decode()
    assert _rows(page) == [str(people[n].pk) for n in ("Ashdown", "Bellamy", "Corrigan")]
    assert "12,346" in page and "1,234" in page  # whole days, thousands separators
    assert "up 1</strong> since" in page and "down 1</strong> since" in page  # in words, with the snapshot's date
    assert f'href="/cases/{case.pk}/"' in page and "Deferred" in page
    assert f'href="/cases/new/?offender={people["Bellamy"].pk}"' in page  # the Task action
    assert f'href="/cases/new/?offender={people["Ashdown"].pk}"' not in page  # already tasked
    by_harm = web.get("/rankings/?sort=-harm_days").content.decode()
    assert _rows(by_harm)[:2] == [str(people["Ashdown"].pk), str(people["Bellamy"].pk)]
    by_name = web.get("/rankings/?sort=-name").content.decode()
    assert _rows(by_name) == [str(people[n].pk) for n in ("Corrigan", "Bellamy", "Ashdown")]
    assert 'aria-sort="descending"' in by_name
    assert _rows(web.get("/rankings/?q=bell").content.decode()) == [str(people["Bellamy"].pk)]
    assert _rows(web.get(f"/rankings/?q={people['Corrigan'].reference}").content.decode()) == [
        str(people["Corrigan"].pk)
    ]
    # Each keeps his rank on the whole list when searched.
    assert ">3</td>" in web.get("/rankings/?q=corr").content.decode()


def test_a_pseudonymised_reader_cannot_search_by_name(web_for, make_user, listed):
    people, _ = listed
    admin = make_user("admin", username="rank_admin")
    web = web_for(admin)
    assert _rows(web.get("/rankings/?q=bell").content.decode()) == []
    assert _rows(web.get(f"/rankings/?q={people['Bellamy'].reference}").content.decode()) == [str(people["Bellamy"].pk)]


def test_csv_export_is_audited_and_pseudonymised_for_admin(web_for, make_user, supervisor, listed):
    web = web_for(supervisor)
    named = b"".join(web.get("/rankings/?format=csv&q=ash").streaming_content).decode()
    assert "Mark Ashdown" in named and "Bellamy" not in named
    admin = make_user("admin", username="rank_admin2")
    csv = b"".join(web_for(admin).get("/rankings/?format=csv").streaming_content).decode()
    assert "Ashdown" not in csv and listed[0]["Ashdown"].reference in csv
    events = AuditEvent.objects.filter(action="ranking.export")
    assert events.count() == 2 and {e.actor_username for e in events} == {"sgt_sup", "rank_admin2"}


@pytest.mark.parametrize("read_first", [1000, 1], ids=["few-matches-read-first", "many-matches-in-score-order"])
def test_a_name_search_finds_the_same_men_whichever_way_it_is_read(
    web_for, supervisor, listed, monkeypatch, read_first
):
    """A name few men bear is looked up before the ranking, a common one walks it in score order
    (scoring.filters.NAME_MATCHES_READ_FIRST); the page is the same either way, ranks included."""
    from scoring import filters

    people, _ = listed
    monkeypatch.setattr(filters, "NAME_MATCHES_READ_FIRST", read_first)
    web = web_for(supervisor)
    everyone = [str(people[n].pk) for n in ("Ashdown", "Bellamy", "Corrigan")]
    assert _rows(web.get("/rankings/?q=mark").content.decode()) == everyone  # three match: past a limit of 1
    assert _rows(web.get("/rankings/?q=mark+b").content.decode()) == [str(people["Bellamy"].pk)]
    assert ">3</td>" in web.get("/rankings/?q=mark+corr").content.decode()
    assert _rows(web.get("/rankings/?q=nobody").content.decode()) == []
