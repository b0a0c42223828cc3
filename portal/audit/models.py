"""The append-only, hash-chained audit log (docs/access-and-audit.md)."""

from django.db import models


class AuditEvent(models.Model):
    """One thing that happened; never updated or deleted (database triggers refuse both)."""

    sequence = models.PositiveBigIntegerField(unique=True, help_text="Position in the hash chain.")
    occurred_at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True, help_text="User id; no FK.")
    actor_username = models.CharField(max_length=150, blank=True, db_index=True)
    role = models.CharField(max_length=20, blank=True)
    action = models.CharField(max_length=64, db_index=True)
    target_type = models.CharField(max_length=64, blank=True, db_index=True)
    target_id = models.CharField(max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(max_length=200, blank=True)
    purpose = models.CharField(max_length=64, blank=True)
    client_address = models.CharField(max_length=64, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    channel = models.CharField(max_length=16, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    previous_hash = models.CharField(max_length=64)
    event_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["sequence"]
        indexes = [models.Index(fields=["target_type", "target_id"]), models.Index(fields=["action", "occurred_at"])]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.target_type}:{self.target_id} by {self.actor_username or '-'}"


class AuditHead(models.Model):
    """The chain's last event (sequence, id, hash), sealed with the audit key and rewritten in the same
    transaction as every append, so events cut from the end of the chain are noticed."""

    sequence = models.PositiveBigIntegerField()
    event_id = models.BigIntegerField()
    event_hash = models.CharField(max_length=64)
    seal = models.CharField(max_length=64, help_text="HMAC of sequence, event id and hash.")

    def __str__(self) -> str:
        return f"head at #{self.sequence} (event {self.event_id})"


class AuditCheckpoint(models.Model):
    """Where the log was cut by its retention (docs/decisions/1200): the last event removed (sequence, id,
    hash), sealed with the audit key. Verification starts from the newest checkpoint instead of the
    genesis hash, and the database lets DELETE through only for events at or before it."""

    sequence = models.PositiveBigIntegerField(unique=True)
    event_id = models.BigIntegerField()
    event_hash = models.CharField(max_length=64)
    event_occurred_at = models.DateTimeField()
    events_removed = models.PositiveBigIntegerField(default=0)
    made_at = models.DateTimeField(auto_now_add=True)
    seal = models.CharField(max_length=64, help_text="HMAC of sequence, event id and hash.")

    class Meta:
        ordering = ["-sequence"]

    def __str__(self) -> str:
        return f"checkpoint at #{self.sequence} (event {self.event_id})"
