from django.db import models


class StreamEvent(models.Model):
    """One event of a stream, kept for a day so a reconnecting client can resume from its
    last seen id; live clients get the same event pushed through the channel layer."""

    stream = models.CharField(max_length=80)
    kind = models.CharField(max_length=30)
    data = models.JSONField(default=dict)
    # The same fact announced twice (a retried delivery) is stored once.
    dedupe_key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    # The process that pushed it live; other processes' tailers push the rest.
    origin = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["stream", "id"], name="stream_event_resume")]
