"""Live scores (one row per offender) and published, frozen rankings."""

from django.db import models
from django.db.models import Q


class OffenderScore(models.Model):
    """The live score of one offender under the active policy; rank is read by query, never stored."""

    offender = models.OneToOneField("offenders.Offender", on_delete=models.CASCADE, related_name="score")
    policy = models.ForeignKey("scoring.ScoringPolicy", on_delete=models.PROTECT, related_name="+")
    score = models.FloatField(default=0)
    harm_days = models.FloatField(default=0)
    offence_count = models.PositiveIntegerField(default=0)
    victim_count = models.PositiveIntegerField(default=0)
    last_offence_on = models.DateField(null=True, blank=True)
    days_since_last = models.IntegerField(null=True, blank=True)
    eligible = models.BooleanField(default=False, help_text="Enough counted offences to be ranked.")
    as_of = models.DateField()
    computed_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["-score", "offender"], condition=Q(eligible=True), name="scoring_score_rank_idx"),
            models.Index(fields=["-computed_at"], name="scoring_score_computed_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.offender_id}: {self.score:g}"


class RankingSnapshot(models.Model):
    """A published ranking, frozen: what the tasking meeting saw, under which policy and data cut-off."""

    policy = models.ForeignKey("scoring.ScoringPolicy", on_delete=models.PROTECT, related_name="snapshots")
    run = models.OneToOneField(
        "scoring.ScoringRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="snapshot"
    )
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    as_of = models.DateField(help_text="The date the scores were computed for.")
    data_cutoff = models.DateTimeField(help_text="Offences recorded after this moment are not in the ranking.")
    published_at = models.DateTimeField()
    entry_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return f"Snapshot {self.pk} ({self.published_at:%Y-%m-%d %H:%M}, policy v{self.policy.version})"


class RankingEntry(models.Model):
    """One ranked offender in a snapshot, with the components and movement frozen at publication."""

    # Publishing writes one row per eligible offender, so each index and database check is paid that many
    # times (ADR 1410). Two indexes besides the key: (snapshot, offender) (the unique constraint) and
    # (snapshot, rank). None leads with the offender: his rows are found through the snapshot table, one
    # probe of the unique index per published snapshot. No database foreign keys (a deferred check per row
    # at commit cost more than the insert): every row is copied from a live score (whose offender is a
    # checked key) into the snapshot created in the same transaction, and deleting an offender or a
    # snapshot through the ORM still deletes its rows (on_delete is Django's, with or without constraint).
    snapshot = models.ForeignKey(
        RankingSnapshot, on_delete=models.CASCADE, related_name="entries", db_index=False, db_constraint=False
    )
    offender = models.ForeignKey(
        "offenders.Offender", on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    rank = models.PositiveIntegerField()
    score = models.FloatField()
    harm_days = models.FloatField()
    offence_count = models.PositiveIntegerField()
    victim_count = models.PositiveIntegerField()
    days_since_last = models.IntegerField(null=True)
    previous_rank = models.PositiveIntegerField(null=True, help_text="Null when new to the ranking.")

    class Meta:
        ordering = ["snapshot", "rank", "offender"]
        constraints = [models.UniqueConstraint(fields=["snapshot", "offender"], name="scoring_entry_offender_once")]
        indexes = [models.Index(fields=["snapshot", "rank"])]

    def __str__(self) -> str:
        return f"#{self.rank} {self.offender_id}"

    @property
    def movement(self) -> int | None:
        """Places gained since the previous snapshot (positive is up the list); None for a new entrant."""
        return None if self.previous_rank is None else self.previous_rank - self.rank
