"""Policy lifecycle: drafts, four eyes, activation retiring the old one, and immutability in the database."""

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from portal.audit.models import AuditEvent
from scoring.models import HarmEntry, ScoringPolicy, ScoringRun
from scoring.models.policies import EXIT_RULE_NAMES

POLICIES = "/api/v1/scoring/policies/"


@pytest.fixture
def admins(make_user):
    return make_user("admin", username="author"), make_user("admin", username="approver")


def create_draft(api, **body):
    body = {"name": "Draft", "based_on": ScoringPolicy.objects.get(status="active").pk, **body}
    response = api.post(POLICIES, body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_illustrative_policy_is_active_after_migrate(policy, api_for, make_user):
    response = api_for(make_user("officer")).get(POLICIES, {"status": "active"})
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["id"] == policy.pk and row["is_illustrative"] is True and row["status"] == "active"
    detail = api_for(make_user("oversight")).get(f"{POLICIES}{policy.pk}/").json()
    assert detail["parameters"]["window_days"] == 365 and detail["parameters"]["min_offences"] == 2
    assert detail["parameters"]["status_factors"]["cancelled"] == 0
    assert detail["parameters"]["recency_half_life_days"] is None
    assert {"code", "title", "days", "provenance"} == set(detail["entries"][0])
    assert len(detail["entries"]) == HarmEntry.objects.filter(policy=policy).count() > 20


def test_draft_copies_its_base_and_can_be_edited(admins, api_for, policy):
    author, _ = admins
    api = api_for(author)
    draft = create_draft(api, parameters={"recency_half_life_days": 180})
    assert draft["status"] == "draft" and draft["is_illustrative"] is True
    assert len(draft["entries"]) == policy.entries.count()
    assert draft["parameters"]["recency_half_life_days"] == 180
    entries = [{**e, "days": e["days"] * 2} for e in draft["entries"]]
    response = api.patch(f"{POLICIES}{draft['id']}/", {"entries": entries, "name": "Doubled"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["entries"][0]["days"] == draft["entries"][0]["days"] * 2
    assert response.json()["is_illustrative"] is False
    assert AuditEvent.objects.filter(action="policy.update", target_id=str(draft["id"])).exists()


def test_a_draft_keeps_the_illustrative_label_while_any_shipped_value_remains(admins, api_for, policy):
    api = api_for(admins[0])
    draft = create_draft(api)
    entries = [dict(e) for e in draft["entries"]]
    entries[0]["days"] += 1  # one row changed; the others are still the shipped illustrative values
    response = api.patch(f"{POLICIES}{draft['id']}/", {"entries": entries, "notes": "one row"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["is_illustrative"] is True


@pytest.mark.parametrize(
    "body",
    [
        {"parameters": {"window_days": 0}},
        {"parameters": {"min_offences": "two"}},
        {"parameters": {"status_factors": {"made_up": 1}}},
        {"parameters": {"colour": "red"}},
        {"entries": [{"code": "19C", "days": -5}]},
        {"entries": [{"code": "19C", "days": 5}, {"code": "19C", "days": 6}]},
        {"entries": "not a list"},
        {"name": ""},
        {"entries": [{"code": "ZZZ", "title": "x", "days": 5, "provenance": ""}]},
        {"entries": [{"code": "999/99", "title": "no such type", "days": 5}]},
        {"entries": [{"code": "19C", "title": "Rape", "days": 5}, {"code": "ZZZ", "title": "x", "days": 5}]},
        {"entries": [{"code": "19C", "days": "five"}]},
        {"entries": [{"code": "19C", "days": 2.555}]},  # three decimal places
        {"entries": [{"code": "008/67", "days": 5}, {"code": "00867", "days": 6}]},  # the same code twice
        {"entries": [{"title": "no code", "days": 5}]},
    ],
)
def test_bad_drafts_are_refused_with_400_and_nothing_written(admins, api_for, body):
    api = api_for(admins[0])
    before = ScoringPolicy.objects.count()
    response = api.post(POLICIES, {"name": "x", **body}, format="json")
    assert response.status_code == 400, response.content
    assert ScoringPolicy.objects.count() == before


def test_only_admins_write_policies(make_user, api_for, policy):
    for role in ("officer", "supervisor", "oversight"):
        api = api_for(make_user(role))
        assert api.post(POLICIES, {"name": "x"}, format="json").status_code == 403
        assert api.post(f"{POLICIES}{policy.pk}/approve/").status_code == 403


def test_four_eyes_author_may_not_approve_or_activate(admins, api_for):
    author, approver = admins
    draft = create_draft(api_for(author))
    url = f"{POLICIES}{draft['id']}/"
    assert api_for(author).post(url + "approve/").status_code == 403
    assert api_for(approver).post(url + "approve/").status_code == 200
    assert ScoringPolicy.objects.get(pk=draft["id"]).approved_by_username == "approver"
    assert api_for(author).post(url + "activate/").status_code == 403
    assert ScoringPolicy.objects.get(pk=draft["id"]).status == "approved"
    assert AuditEvent.objects.filter(action="access.refused").count() >= 2


def test_an_admin_who_edited_the_draft_may_not_approve_or_activate_it(admins, api_for, make_user):
    """Four eyes: the second admin approves what someone else wrote. One who changed the weights has
    written part of it, and approving their own edits would leave them unchecked."""
    author, editor = admins
    draft = create_draft(api_for(author))
    url = f"{POLICIES}{draft['id']}/"
    assert api_for(author).patch(url, {"notes": "mine"}, format="json").status_code == 200  # the author is no editor
    assert api_for(editor).patch(url, {"notes": "tweaked"}, format="json").status_code == 200
    assert api_for(author).get(url).json()["edited_by"] == [editor.username]
    refused = api_for(editor).post(url + "approve/")
    assert refused.status_code == 403 and "edited this draft" in refused.json()["detail"]
    assert ScoringPolicy.objects.get(pk=draft["id"]).status == "draft"
    third = make_user("admin", username="third")
    assert api_for(third).post(url + "approve/").status_code == 200
    assert api_for(editor).post(url + "activate/").status_code == 403
    assert api_for(third).post(url + "activate/").status_code == 200


def test_activation_retires_the_old_policy_and_starts_a_recompute(admins, api_for, policy):
    author, approver = admins
    draft = create_draft(api_for(author))
    url = f"{POLICIES}{draft['id']}/"
    api_for(approver).post(url + "approve/")
    response = api_for(approver).post(url + "activate/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "active"
    assert response.json()["run"]["status"] == "queued"
    policy.refresh_from_db()
    assert policy.status == "retired" and policy.retired_at is not None
    assert ScoringRun.objects.get(pk=response.json()["run"]["id"]).policy_id == draft["id"]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"policy.create", "policy.approve", "policy.activate", "policy.retire", "recompute.start"} <= actions


def test_patch_after_approval_is_a_409(admins, api_for, policy):
    author, approver = admins
    draft = create_draft(api_for(author))
    api_for(approver).post(f"{POLICIES}{draft['id']}/approve/")
    for target in (draft["id"], policy.pk):
        response = api_for(author).patch(f"{POLICIES}{target}/", {"name": "changed"}, format="json")
        assert response.status_code == 409
        assert "detail" in response.json()
    assert ScoringPolicy.objects.get(pk=policy.pk).name == "Illustrative harm index"


def test_activate_twice_or_approve_twice_is_refused(admins, api_for):
    author, approver = admins
    draft = create_draft(api_for(author))
    url = f"{POLICIES}{draft['id']}/"
    assert api_for(approver).post(url + "activate/").status_code == 409  # not approved yet
    api_for(approver).post(url + "approve/")
    assert api_for(approver).post(url + "approve/").status_code == 409


def _raw(sql, params):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.parametrize(
    ("sql", "what"),
    [
        ("UPDATE scoring_scoringpolicy SET window_days = 30 WHERE id = %s", "parameter"),
        ("UPDATE scoring_scoringpolicy SET name = 'edited' WHERE id = %s", "name"),
        ("UPDATE scoring_scoringpolicy SET status = 'draft' WHERE id = %s", "status back to draft"),
        ("UPDATE scoring_harmentry SET days = 1 WHERE policy_id = %s", "entry days"),
    ],
)
def test_the_database_refuses_to_change_an_active_policy(policy, sql, what):
    with pytest.raises((IntegrityError, DatabaseError)):
        _raw(sql, [policy.pk])
    policy.refresh_from_db()
    assert policy.window_days == 365 and policy.name == "Illustrative harm index" and policy.status == "active"


@pytest.mark.postgresql_only
@pytest.mark.parametrize(
    ("column", "value"),
    [("exit_outside_top_n_snapshots", 5), ("exit_score_fall_percent", 40), ("exit_in_custody", False)],
)
def test_the_database_refuses_to_change_an_active_policys_exit_rule(policy, column, value):
    """The exit rule is frozen with the other parameters: meetings propose exits under it."""
    before = {name: getattr(policy, name) for name in EXIT_RULE_NAMES}
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        ScoringPolicy.objects.filter(pk=policy.pk).update(**{column: value})
    with pytest.raises((IntegrityError, DatabaseError)):
        _raw(f"UPDATE scoring_scoringpolicy SET {column} = %s WHERE id = %s", [value, policy.pk])  # noqa: S608
    policy.refresh_from_db()
    assert {name: getattr(policy, name) for name in EXIT_RULE_NAMES} == before


@pytest.mark.parametrize(
    ("column", "value"),
    [("exit_outside_top_n_snapshots", 5), ("exit_score_fall_percent", 40), ("exit_in_custody", False)],
)
def test_the_database_refuses_to_change_a_retired_policys_exit_rule(admins, column, value):
    from scoring.services import policy_create_draft

    draft = policy_create_draft(name="d", by=admins[0], entries=[{"code": "19C", "days": 10}])
    _raw("UPDATE scoring_scoringpolicy SET status = 'retired' WHERE id = %s", [draft.pk])
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        ScoringPolicy.objects.filter(pk=draft.pk).update(**{column: value})
    draft.refresh_from_db()
    assert getattr(draft, column) != value


def test_the_database_allows_a_drafts_exit_rule_to_change(admins):
    from scoring.services import policy_create_draft

    draft = policy_create_draft(name="d", by=admins[0], entries=[{"code": "19C", "days": 10}])
    ScoringPolicy.objects.filter(pk=draft.pk).update(
        exit_outside_top_n_snapshots=5, exit_score_fall_percent=40, exit_in_custody=False
    )
    draft.refresh_from_db()
    assert (draft.exit_outside_top_n_snapshots, draft.exit_score_fall_percent, draft.exit_in_custody) == (5, 40, False)


@pytest.mark.postgresql_only
def test_postgresql_also_refuses_deleting_an_active_policy_or_its_entries(policy):
    for sql in (
        "DELETE FROM scoring_harmentry WHERE policy_id = %s",
        "DELETE FROM scoring_scoringpolicy WHERE id = %s",
    ):
        with pytest.raises((IntegrityError, DatabaseError)):
            _raw(sql, [policy.pk])
    assert policy.entries.count() > 0


def test_a_used_policy_cannot_be_deleted(policy, make_offender):
    from django.db.models import ProtectedError

    from scoring.services import scores_write

    make_offender()
    scores_write(policy=policy, as_of=policy.created_at.date(), first_id=1, last_id=10**9)
    with pytest.raises((ProtectedError, IntegrityError, DatabaseError)), transaction.atomic():
        policy.delete()


def test_the_database_refuses_new_entries_on_an_active_policy(policy):
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        HarmEntry.objects.create(policy=policy, code="999/99", title="New", days=1)


def test_the_database_allows_editing_a_draft(admins):
    from scoring.services import policy_create_draft

    draft = policy_create_draft(name="d", by=admins[0], entries=[{"code": "19C", "days": 10}])
    _raw("UPDATE scoring_scoringpolicy SET window_days = 30 WHERE id = %s", [draft.pk])
    _raw("UPDATE scoring_harmentry SET days = 11 WHERE policy_id = %s", [draft.pk])
    assert draft.entries.get().days == 11


def test_one_active_policy_at_most(policy):
    with pytest.raises(IntegrityError), transaction.atomic():
        ScoringPolicy.objects.create(name="second", version=99, status="active")


@pytest.mark.parametrize(
    "entries",
    [
        [{"code": "ZZZ", "title": "x", "days": 5, "provenance": ""}],
        [{"code": "19C", "title": "Rape", "days": 5}, {"code": "999/99", "title": "unknown", "days": 5}],
        [{"code": "19C", "title": "Rape", "days": -1}],
        [{"code": "19C", "title": "Rape", "days": 5}, {"code": "19C", "title": "Rape", "days": 6}],
    ],
)
def test_patch_with_a_bad_entry_is_a_400_and_changes_nothing(admins, api_for, policy, entries):
    """An entry must name an existing offence type (finding 1: 'ZZZ' used to replace the table)."""
    api = api_for(admins[0])
    draft = create_draft(api)
    before = sorted(HarmEntry.objects.filter(policy_id=draft["id"]).values_list("code", "days"))
    events = AuditEvent.objects.count()
    response = api.patch(f"{POLICIES}{draft['id']}/", {"entries": entries, "name": "Changed"}, format="json")
    assert response.status_code == 400, response.content
    assert "entries" in response.json()
    assert sorted(HarmEntry.objects.filter(policy_id=draft["id"]).values_list("code", "days")) == before
    assert ScoringPolicy.objects.get(pk=draft["id"]).name == "Draft"
    assert not AuditEvent.objects.filter(action="policy.update", id__gt=events).exists()


def test_entry_codes_are_normalised_and_blank_titles_take_the_offence_type_title(admins, api_for):
    from offenders.models import OffenceType

    api = api_for(admins[0])
    draft = create_draft(api, entries=[{"code": " 00867 ", "title": "", "days": 7}, {"code": "19C", "days": 3}])
    entries = {e["code"]: e for e in draft["entries"]}
    assert set(entries) == {"008/67", "19C"}
    assert entries["008/67"]["title"] == OffenceType.objects.get(code="008/67").title
    assert entries["19C"]["title"] == OffenceType.objects.get(code="19C").title
    assert HarmEntry.objects.get(policy_id=draft["id"], code="008/67").offence_type.code == "008/67"


def test_harm_index_drafts_may_bring_new_classifications_and_keep_them_when_edited(admins, api_for, policy):
    """The workbook import (docs/imports.md) may add a code that is not an offence type yet; a draft
    based on it, or an edit of it, may keep that code, but still may not add another unknown one."""
    from scoring.services import policy_create_draft

    imported = policy_create_draft(
        name="workbook", by=admins[0], based_on=policy, new_codes=True,
        entries=[{"code": "19C", "title": "Rape", "days": 10}, {"code": "077/07", "title": "New", "days": 5}],
    )  # fmt: skip
    assert set(imported.entries.values_list("code", flat=True)) == {"19C", "077/07"}
    copy = policy_create_draft(name="copy", by=admins[0], based_on=imported)
    assert set(copy.entries.values_list("code", flat=True)) == {"19C", "077/07"}
    api = api_for(admins[0])
    kept = [{"code": "077/07", "title": "New", "days": 6}]
    assert api.patch(f"{POLICIES}{imported.pk}/", {"entries": kept}, format="json").status_code == 200
    added = [*kept, {"code": "078/08", "title": "Another", "days": 1}]
    assert api.patch(f"{POLICIES}{imported.pk}/", {"entries": added}, format="json").status_code == 400
    assert list(imported.entries.values_list("code", "days")) == [("077/07", 6)]
