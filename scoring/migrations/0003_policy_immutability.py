# ruff: noqa: S608  (constant SQL built from column names in this file, no user input)
"""Database triggers: an approved, active or retired policy and its harm entries can never change.

The services refuse such edits too; the triggers make the rule hold for any other writer (a shell, a
raw SQL script, a future bug). See docs/decisions/0201-policy-immutability-in-the-database.md.
On SQLite, DELETE is left to the PROTECT foreign keys (scores, runs and snapshots of a used policy):
Django's test flush empties tables with DELETE there (PostgreSQL uses TRUNCATE, which row triggers
do not see, so PostgreSQL refuses deletes too).
"""

from django.db import migrations

CONTENT_COLUMNS = (
    "name", "version", "is_illustrative", "notes", "window_days", "min_offences", "status_factors",
    "recency_half_life_days", "victim_uplift", "author_username", "approved_by_username", "approved_at",
)  # fmt: skip
MESSAGE = "scoring policy is frozen: only a draft may change"

PG_FORWARD = f"""
CREATE OR REPLACE FUNCTION scoring_policy_frozen() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.status <> 'draft' THEN RAISE EXCEPTION '{MESSAGE}'; END IF;
    RETURN OLD;
  END IF;
  IF OLD.status <> 'draft' AND ({" OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in CONTENT_COLUMNS)}) THEN
    RAISE EXCEPTION '{MESSAGE}';
  END IF;
  IF (OLD.status = 'retired' AND NEW.status <> 'retired')
     OR (OLD.status = 'active' AND NEW.status NOT IN ('active', 'retired'))
     OR (OLD.status = 'approved' AND NEW.status NOT IN ('approved', 'active')) THEN
    RAISE EXCEPTION '{MESSAGE}';
  END IF;
  IF OLD.status IN ('active', 'retired') AND NEW.activated_at IS DISTINCT FROM OLD.activated_at THEN
    RAISE EXCEPTION '{MESSAGE}';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER scoring_policy_frozen BEFORE UPDATE OR DELETE ON scoring_scoringpolicy
  FOR EACH ROW EXECUTE FUNCTION scoring_policy_frozen();

CREATE OR REPLACE FUNCTION scoring_entry_frozen() RETURNS trigger AS $$
DECLARE policy_status text;
BEGIN
  SELECT status INTO policy_status FROM scoring_scoringpolicy
   WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.policy_id ELSE NEW.policy_id END;
  IF policy_status IS NOT NULL AND policy_status <> 'draft' THEN RAISE EXCEPTION '{MESSAGE}'; END IF;
  IF TG_OP = 'UPDATE' AND OLD.policy_id <> NEW.policy_id THEN
    SELECT status INTO policy_status FROM scoring_scoringpolicy WHERE id = OLD.policy_id;
    IF policy_status <> 'draft' THEN RAISE EXCEPTION '{MESSAGE}'; END IF;
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER scoring_entry_frozen BEFORE INSERT OR UPDATE OR DELETE ON scoring_harmentry
  FOR EACH ROW EXECUTE FUNCTION scoring_entry_frozen();
"""
PG_REVERSE = """
DROP TRIGGER IF EXISTS scoring_entry_frozen ON scoring_harmentry;
DROP FUNCTION IF EXISTS scoring_entry_frozen();
DROP TRIGGER IF EXISTS scoring_policy_frozen ON scoring_scoringpolicy;
DROP FUNCTION IF EXISTS scoring_policy_frozen();
"""

_changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in CONTENT_COLUMNS)
_raise = f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
SQLITE_FORWARD = [
    f"""CREATE TRIGGER scoring_policy_frozen_update BEFORE UPDATE ON scoring_scoringpolicy
    WHEN OLD.status <> 'draft' AND (({_changed})
      OR (OLD.status = 'retired' AND NEW.status <> 'retired')
      OR (OLD.status = 'active' AND NEW.status NOT IN ('active', 'retired'))
      OR (OLD.status = 'approved' AND NEW.status NOT IN ('approved', 'active'))
      OR (OLD.status IN ('active', 'retired') AND NEW.activated_at IS NOT OLD.activated_at))
    {_raise};""",
    f"""CREATE TRIGGER scoring_entry_frozen_insert BEFORE INSERT ON scoring_harmentry
    WHEN (SELECT status FROM scoring_scoringpolicy WHERE id = NEW.policy_id) <> 'draft' {_raise};""",
    f"""CREATE TRIGGER scoring_entry_frozen_update BEFORE UPDATE ON scoring_harmentry
    WHEN (SELECT status FROM scoring_scoringpolicy WHERE id = OLD.policy_id) <> 'draft'
      OR (SELECT status FROM scoring_scoringpolicy WHERE id = NEW.policy_id) <> 'draft' {_raise};""",
]
SQLITE_REVERSE = [
    f"DROP TRIGGER IF EXISTS {name};"
    for name in (
        "scoring_policy_frozen_update", "scoring_policy_frozen_delete", "scoring_entry_frozen_insert",
        "scoring_entry_frozen_update", "scoring_entry_frozen_delete",
    )
]  # fmt: skip


def _run(statements_by_vendor):
    def apply(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor, [])
        for statement in [statements] if isinstance(statements, str) else statements:
            schema_editor.execute(statement, params=None)

    return apply


class Migration(migrations.Migration):
    dependencies = [("scoring", "0002_illustrative_policy")]
    operations = [
        migrations.RunPython(
            _run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": PG_REVERSE, "sqlite": SQLITE_REVERSE}),
        )
    ]
