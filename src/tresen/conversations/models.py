from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ChannelKind(models.TextChoices):
    EMAIL = "email", _("Email")
    CHAT = "chat", _("Live chat")
    CONTACT_FORM = "contact_form", _("Contact form")
    WHATSAPP = "whatsapp", _("WhatsApp")
    MESSENGER = "messenger", _("Messenger")
    INSTAGRAM = "instagram", _("Instagram")
    TELEGRAM = "telegram", _("Telegram")
    PHONE = "phone", _("Phone")
    API = "api", _("API")


class Inbox(models.Model):
    """Shared settings of one entry point; channel specifics live in the channel's own model."""

    name = models.CharField(_("name"), max_length=100)
    channel = models.CharField(_("channel"), max_length=20, choices=ChannelKind.choices)
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="inboxes"
    )
    calendar = models.ForeignKey(
        "core.Calendar", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_active = models.BooleanField(default=True)
    # A customer's message within this many days of solving reopens; later ones start anew.
    reopen_window_days = models.PositiveSmallIntegerField(_("reopen window (days)"), default=7)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "inboxes"

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    name = models.CharField(max_length=50, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Status(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    PENDING = "pending", _("Pending")
    ON_HOLD = "on_hold", _("On hold")
    SOLVED = "solved", _("Solved")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD)
_QUEUE_KEY_BASE = 2**62


def queue_key(waiting_since, last_message_at) -> int:
    """Sort key of the default order: longest-waiting first, then the rest newest first.

    Stored and indexed, so the list reads its first page straight from the index on both
    databases (SQLite cannot use an index for NULLS LAST).
    """
    if waiting_since is not None:
        return int(waiting_since.timestamp() * 1_000_000)
    return _QUEUE_KEY_BASE - int(last_message_at.timestamp() * 1_000_000)


class Priority(models.IntegerChoices):
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    URGENT = 4, _("Urgent")


class Conversation(models.Model):
    inbox = models.ForeignKey(Inbox, on_delete=models.PROTECT, related_name="conversations")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="conversations"
    )
    identity = models.ForeignKey(
        "customers.Identity", null=True, on_delete=models.SET_NULL, related_name="conversations"
    )
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    preview = models.CharField(max_length=160, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_conversations",
    )
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    topic = models.CharField(_("topic"), max_length=40, blank=True)
    # Who set the topic: the model (with its confidence) or an agent, whose choice stands.
    topic_source = models.CharField(max_length=10, blank=True)
    topic_confidence = models.FloatField(null=True, blank=True)
    language = models.CharField(_("language"), max_length=5, blank=True)
    urgent = models.BooleanField(default=False)
    sentiment = models.CharField(_("sentiment"), max_length=10, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="conversations")
    created_at = models.DateTimeField(db_index=True)
    updated_at = models.DateTimeField()
    last_message_at = models.DateTimeField()
    # Set while the customer waits for us; cleared by our reply. Sorting by it is FIFO.
    waiting_since = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    solved_at = models.DateTimeField(null=True, blank=True)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="followups"
    )
    # Kept in step with status, waiting_since and last_message_at by the services.
    is_open = models.BooleanField(default=True)
    queue_key = models.BigIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["is_open", "queue_key"], name="conv_open_queue"),
            models.Index(fields=["assignee", "is_open", "queue_key"], name="conv_assignee_queue"),
            models.Index(fields=["status", "queue_key"], name="conv_status_queue"),
            models.Index(fields=["is_open", "-last_message_at"], name="conv_open_recent"),
            models.Index(fields=["is_open", "-priority", "queue_key"], name="conv_open_priority"),
            models.Index(fields=["-last_message_at"], name="conv_recent"),
            models.Index(fields=["identity", "inbox", "-last_message_at"], name="conv_threading"),
            models.Index(fields=["customer", "-last_message_at"], name="conv_customer"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"


class Direction(models.TextChoices):
    INBOUND = "in", _("Inbound")
    OUTBOUND = "out", _("Outbound")


class DeliveryStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    INTERNAL = "internal", _("Internal")


class Message(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    inbox = models.ForeignKey(Inbox, on_delete=models.PROTECT, related_name="+")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    is_note = models.BooleanField(default=False)
    author_kind = models.CharField(max_length=10)
    author_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_identity = models.ForeignKey(
        "customers.Identity", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.CharField(max_length=300, blank=True)
    text = models.TextField(blank=True)
    html = models.TextField(blank=True)
    external_id = models.CharField(max_length=300, null=True, blank=True)
    delivery_status = models.CharField(max_length=10, choices=DeliveryStatus.choices)
    delivery_error = models.TextField(blank=True)
    delivery_attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    # When the customer saw it, for channels that tell (live chat, messengers).
    read_at = models.DateTimeField(null=True, blank=True)
    sentiment = models.CharField(max_length=10, blank=True)
    # What nlp read from an inbound message: language, topics, urgency, entities, model.
    analysis = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # A provider's id may arrive twice; the message may not exist twice.
            models.UniqueConstraint(fields=["inbox", "external_id"], name="message_external_unique")
        ]
        indexes = [models.Index(fields=["conversation", "created_at"], name="msg_conversation")]

    def __str__(self) -> str:
        return f"{self.direction} #{self.pk}"


class MessageSearch(models.Model):
    """A message's search terms (``lib.search_terms``), what the conversation search matches:
    a GIN index on PostgreSQL, an FTS5 index over this table on SQLite."""

    message = models.OneToOneField(
        Message, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="+")
    terms = models.TextField()


def attachment_path(instance: "Attachment", filename: str) -> str:
    return f"{instance.created_at:%Y/%m}/{instance.message_id}/{filename}"


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=300, blank=True)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    # Refused files are recorded with the reason, never dropped silently.
    rejected_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()


class TimelineEvent(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="timeline_events"
    )
    kind = models.CharField(max_length=40)
    actor_kind = models.CharField(max_length=10)
    actor_id = models.BigIntegerField(null=True)
    actor_label = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["conversation", "created_at"], name="timeline_conv")]


class CannedResponse(models.Model):
    title = models.CharField(_("title"), max_length=120)
    shortcut = models.SlugField(_("shortcut"), max_length=40, blank=True)
    language = models.CharField(_("language"), max_length=5, default="de")
    text = models.TextField(_("text"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title
