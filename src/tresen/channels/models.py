from django.db import models


class RawInbound(models.Model):
    """Every inbound item exactly as it arrived, stored before anything else happens."""

    channel = models.CharField(max_length=20)
    inbox = models.ForeignKey("conversations.Inbox", on_delete=models.PROTECT, related_name="+")
    external_id = models.CharField(max_length=300)
    payload = models.JSONField()
    # The bytes as delivered, for channels that deliver bytes (a mail as received).
    body = models.BinaryField(blank=True, default=b"")
    received_at = models.DateTimeField()
    processed_at = models.DateTimeField(null=True, blank=True)
    message_id = models.BigIntegerField(null=True, blank=True)
    conversation_id = models.BigIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    # What came of an item that made no message (a bounce, an ignored notice).
    outcome = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "inbox", "external_id"], name="raw_inbound_unique"
            )
        ]
        indexes = [models.Index(fields=["processed_at"], name="raw_unprocessed")]


from .email.models import AutoreplyTemplate, EmailDetails, EmailInbox  # noqa: E402,F401
from .webchat.models import ChatConversation, ChatInbox, ChatVisitor  # noqa: E402,F401
