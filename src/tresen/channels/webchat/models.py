import secrets
import uuid

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Prechat(models.TextChoices):
    OFF = "off", _("Not asked")
    OPTIONAL = "optional", _("Optional")
    REQUIRED = "required", _("Required")


def _key() -> str:
    return secrets.token_urlsafe(12)


def _secret() -> str:
    return secrets.token_hex(32)


class ChatInbox(models.Model):
    """A live-chat entry point: how its widget looks and where it may be embedded."""

    inbox = models.OneToOneField(
        "conversations.Inbox", on_delete=models.CASCADE, related_name="chat"
    )
    key = models.CharField(_("public key"), max_length=40, unique=True, default=_key)
    color = models.CharField(
        _("colour"),
        max_length=7,
        default="#1f5fbf",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("A colour like #1f5fbf."))],
    )
    position = models.CharField(
        _("position"),
        max_length=5,
        choices=[("right", _("Bottom right")), ("left", _("Bottom left"))],
        default="right",
    )
    language = models.CharField(
        _("language"),
        max_length=4,
        choices=[("auto", _("From the page or browser")), ("de", "Deutsch"), ("en", "English")],
        default="auto",
    )
    greeting_de = models.CharField(
        _("greeting (German)"), max_length=300, default="Hallo! Wie können wir Ihnen helfen?"
    )
    greeting_en = models.CharField(
        _("greeting (English)"), max_length=300, default="Hi! How can we help you?"
    )
    allowed_origins = models.TextField(
        _("allowed origins"),
        blank=True,
        help_text=_(
            "One per line, e.g. https://shop.example or https://*.shop.example. "
            "Empty: only pages served by Tresen itself."
        ),
    )
    ask_name = models.CharField(
        _("ask for the name"), max_length=10, choices=Prechat.choices, default=Prechat.OFF
    )
    ask_email = models.CharField(
        _("ask for the email address"),
        max_length=10,
        choices=Prechat.choices,
        default=Prechat.OPTIONAL,
    )
    identity_secret = models.CharField(_("identity secret"), max_length=64, default=_secret)
    offline_reply_hours = models.PositiveSmallIntegerField(
        _("reply time when offline (business hours)"), default=24
    )

    class Meta:
        verbose_name = _("chat inbox")
        verbose_name_plural = _("chat inboxes")

    def __str__(self) -> str:
        return self.inbox.name

    def greeting(self, language: str) -> str:
        return self.greeting_de if language == "de" else self.greeting_en

    def origins(self) -> list[str]:
        return [
            line.strip().rstrip("/") for line in self.allowed_origins.splitlines() if line.strip()
        ]


def visitor_stream(visitor_id) -> str:
    return f"visitor.{visitor_id}"


class ChatVisitor(models.Model):
    """One browser (or a shop's signed-in customer) that opened the widget."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    chat_inbox = models.ForeignKey(ChatInbox, on_delete=models.CASCADE, related_name="visitors")
    identity = models.ForeignKey(
        "customers.Identity", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(max_length=200, blank=True)
    # Where answers go while the visitor is away; verified when the shop signed it.
    email = models.CharField(max_length=320, blank=True)
    email_verified = models.BooleanField(default=False)
    language = models.CharField(max_length=5, blank=True)
    page = models.CharField(max_length=500, blank=True)
    connections = models.PositiveIntegerField(default=0)
    seen_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    @property
    def stream(self) -> str:
        return visitor_stream(self.pk)


class ChatConversation(models.Model):
    """The chat's own state of a conversation: whose it is, what was read, the queue."""

    conversation = models.OneToOneField(
        "conversations.Conversation",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="chat",
    )
    visitor = models.ForeignKey(ChatVisitor, on_delete=models.CASCADE, related_name="chats")
    # The visitor's messages an agent has seen, up to this message id.
    agent_read_up_to = models.BigIntegerField(default=0)
    visitor_read_up_to = models.BigIntegerField(default=0)
    queue_position = models.PositiveIntegerField(null=True, blank=True)
    # What the visitor was last told ("busy", "assigned:<agent id>", ...), to tell changes only.
    state = models.CharField(max_length=40, blank=True)
    transcripts_sent = models.PositiveSmallIntegerField(default=0)
