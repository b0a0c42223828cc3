"""The cases app takes over its models from the offenders app (ADR 0505), without touching the database.

State only: the models are created in this app's migration state over the tables they already have
(db_table pinned to offenders_*, index and constraint names unchanged), right after
offenders/migrations/0007 removed them from that app's state. No table is created, renamed or copied.
On a new database the tables were made by offenders/migrations/0001-0006, which still run first.

The content types follow (offenders.case -> cases.case, ...), so nothing that points at them, such as
permissions, is orphaned; on a new database there are none yet and nothing changes.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = ("case", "casedigest", "casenote", "casestagechange", "planaction")


def _relabel(apps, *, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    taken = set(ContentType.objects.filter(app_label=new, model__in=MOVED).values_list("model", flat=True))
    ContentType.objects.filter(app_label=old, model__in=set(MOVED) - taken).update(app_label=new)


def content_types_to_cases(apps, schema_editor):
    _relabel(apps, old="offenders", new="cases")


def content_types_to_offenders(apps, schema_editor):
    _relabel(apps, old="cases", new="offenders")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("offenders", "0007_cases_moved_to_cases_app"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Case",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "stage",
                            models.CharField(
                                choices=[
                                    ("tasked", "Tasked"),
                                    ("active", "Active"),
                                    ("charged", "Charged"),
                                    ("closed", "Closed"),
                                ],
                                default="tasked",
                                max_length=8,
                            ),
                        ),
                        (
                            "reason",
                            models.TextField(
                                help_text="Why this offender was tasked: a person's decision, the score only advises."
                            ),
                        ),
                        ("review_due", models.DateField(blank=True, null=True)),
                        (
                            "review_flagged_on",
                            models.DateField(blank=True, help_text="When the morning job found it due.", null=True),
                        ),
                        (
                            "exit_reason",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("in_custody", "In custody"),
                                    ("convicted", "Convicted"),
                                    ("risk_reduced", "Risk reduced"),
                                    ("left_top_n", "No longer in the top N for three snapshots"),
                                    ("died", "Died"),
                                    ("moved_away", "Moved out of the force area"),
                                    ("other", "Other"),
                                ],
                                max_length=16,
                            ),
                        ),
                        ("score_at_tasking", models.FloatField(blank=True, null=True)),
                        ("rank_at_tasking", models.PositiveIntegerField(blank=True, null=True)),
                        ("policy_at_tasking", models.CharField(blank=True, max_length=64)),
                        (
                            "score_at_exit",
                            models.FloatField(
                                blank=True, help_text="The live score copied when the case closed.", null=True
                            ),
                        ),
                        ("rank_at_exit", models.PositiveIntegerField(blank=True, null=True)),
                        ("policy_at_exit", models.CharField(blank=True, max_length=64)),
                        ("opened_by_username", models.CharField(blank=True, max_length=150)),
                        ("opened_at", models.DateTimeField(auto_now_add=True)),
                        ("closed_at", models.DateTimeField(blank=True, null=True)),
                        ("last_activity_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "lead",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="cases_led",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "offender",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="cases",
                                to="offenders.offender",
                            ),
                        ),
                        (
                            "opened_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "team",
                            models.ManyToManyField(blank=True, related_name="case_teams", to=settings.AUTH_USER_MODEL),
                        ),
                    ],
                    options={
                        "db_table": "offenders_case",
                        "ordering": ["-opened_at", "-id"],
                    },
                ),
                migrations.CreateModel(
                    name="CaseDigest",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("sent_on", models.DateField()),
                        ("sent_at", models.DateTimeField(auto_now_add=True)),
                        ("overdue_actions", models.PositiveIntegerField(default=0)),
                        ("reviews_due", models.PositiveIntegerField(default=0)),
                        (
                            "recipient",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="case_digests",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "offenders_casedigest",
                        "ordering": ["-sent_on", "recipient_id"],
                    },
                ),
                migrations.CreateModel(
                    name="CaseNote",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("text", models.TextField()),
                        ("author_username", models.CharField(blank=True, max_length=150)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "author",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "case",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, related_name="notes", to="cases.case"
                            ),
                        ),
                    ],
                    options={
                        "db_table": "offenders_casenote",
                        "ordering": ["-created_at", "-id"],
                    },
                ),
                migrations.CreateModel(
                    name="CaseStageChange",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "from_stage",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("tasked", "Tasked"),
                                    ("active", "Active"),
                                    ("charged", "Charged"),
                                    ("closed", "Closed"),
                                ],
                                max_length=8,
                            ),
                        ),
                        (
                            "to_stage",
                            models.CharField(
                                choices=[
                                    ("tasked", "Tasked"),
                                    ("active", "Active"),
                                    ("charged", "Charged"),
                                    ("closed", "Closed"),
                                ],
                                max_length=8,
                            ),
                        ),
                        ("reason", models.TextField()),
                        (
                            "exit_reason",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("in_custody", "In custody"),
                                    ("convicted", "Convicted"),
                                    ("risk_reduced", "Risk reduced"),
                                    ("left_top_n", "No longer in the top N for three snapshots"),
                                    ("died", "Died"),
                                    ("moved_away", "Moved out of the force area"),
                                    ("other", "Other"),
                                ],
                                max_length=16,
                            ),
                        ),
                        ("changed_by_username", models.CharField(blank=True, max_length=150)),
                        ("changed_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "case",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="stage_changes",
                                to="cases.case",
                            ),
                        ),
                        (
                            "changed_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "offenders_casestagechange",
                        "ordering": ["changed_at", "id"],
                    },
                ),
                migrations.CreateModel(
                    name="PlanAction",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "strand",
                            models.CharField(
                                choices=[
                                    ("pursue", "Pursue"),
                                    ("prevent", "Prevent"),
                                    ("protect", "Protect"),
                                    ("prepare", "Prepare"),
                                ],
                                max_length=8,
                            ),
                        ),
                        ("description", models.TextField()),
                        ("due_on", models.DateField()),
                        (
                            "status",
                            models.CharField(
                                choices=[("open", "Open"), ("done", "Done"), ("cancelled", "Cancelled")],
                                default="open",
                                max_length=10,
                            ),
                        ),
                        (
                            "outcome",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("arrest", "Arrest"),
                                    ("charge", "Charge"),
                                    ("remand", "Remand"),
                                    ("conviction", "Conviction"),
                                    ("dapo", "Domestic abuse protection order"),
                                    ("stalking_order", "Stalking protection order"),
                                    ("restraining_order", "Restraining order"),
                                    ("referral", "Referral"),
                                    ("safeguarding_visit", "Safeguarding visit"),
                                    ("dvds_disclosure", "Disclosure (domestic violence disclosure scheme)"),
                                    ("other", "Other"),
                                ],
                                max_length=20,
                            ),
                        ),
                        ("completed_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "overdue_marked_on",
                            models.DateField(blank=True, help_text="When the morning job found it overdue.", null=True),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "case",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, related_name="actions", to="cases.case"
                            ),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "owner",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="case_actions",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "offenders_planaction",
                        "ordering": ["due_on", "id"],
                    },
                ),
                migrations.AddIndex(
                    model_name="case",
                    index=models.Index(fields=["stage", "review_due"], name="offenders_c_stage_159136_idx"),
                ),
                migrations.AddIndex(
                    model_name="case",
                    index=models.Index(fields=["lead", "stage"], name="offenders_c_lead_id_a84653_idx"),
                ),
                migrations.AddIndex(
                    model_name="case",
                    index=models.Index(fields=["last_activity_at"], name="offenders_c_last_ac_492210_idx"),
                ),
                migrations.AddConstraint(
                    model_name="case",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("stage", "closed"), _negated=True),
                        fields=("offender",),
                        name="case_one_open_per_offender",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="case",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("stage__in", ["tasked", "active", "charged", "closed"])),
                        name="case_stage_valid",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="case",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("stage", "closed"),
                                (
                                    "exit_reason__in",
                                    [
                                        "in_custody",
                                        "convicted",
                                        "risk_reduced",
                                        "left_top_n",
                                        "died",
                                        "moved_away",
                                        "other",
                                    ],
                                ),
                            ),
                            models.Q(models.Q(("stage", "closed"), _negated=True), ("exit_reason", "")),
                            _connector="OR",
                        ),
                        name="case_exit_reason_when_closed",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="casedigest",
                    constraint=models.UniqueConstraint(fields=("recipient", "sent_on"), name="case_digest_once_a_day"),
                ),
                migrations.AddIndex(
                    model_name="planaction",
                    index=models.Index(fields=["owner", "status", "due_on"], name="offenders_p_owner_i_9adc0c_idx"),
                ),
                migrations.AddIndex(
                    model_name="planaction",
                    index=models.Index(fields=["status", "due_on"], name="offenders_p_status_fff61a_idx"),
                ),
                migrations.AddConstraint(
                    model_name="planaction",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("strand__in", ["pursue", "prevent", "protect", "prepare"])),
                        name="plan_action_strand_valid",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="planaction",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("status__in", ["open", "done", "cancelled"])),
                        name="plan_action_status_valid",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="planaction",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("status", "done"), _negated=True),
                            (
                                "outcome__in",
                                [
                                    "arrest",
                                    "charge",
                                    "remand",
                                    "conviction",
                                    "dapo",
                                    "stalking_order",
                                    "restraining_order",
                                    "referral",
                                    "safeguarding_visit",
                                    "dvds_disclosure",
                                    "other",
                                ],
                            ),
                            _connector="OR",
                        ),
                        name="plan_action_done_has_outcome",
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_to_cases, content_types_to_offenders),
    ]
