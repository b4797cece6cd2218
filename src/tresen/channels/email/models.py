"""Email inboxes, their IMAP state, autoreply templates, and the mail headers of messages."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImapSecurity(models.TextChoices):
    SSL = "ssl", _("SSL/TLS")
    STARTTLS = "starttls", _("STARTTLS")
    NONE = "none", _("None (loopback only)")


class AfterImport(models.TextChoices):
    KEEP = "keep", _("Leave as it is")
    SEEN = "seen", _("Mark as read")
    MOVE = "move", _("Move to a folder")


class EmailInbox(models.Model):
    inbox = models.OneToOneField(
        "conversations.Inbox", on_delete=models.CASCADE, related_name="email"
    )
    address = models.EmailField(_("address"), unique=True)
    signature = models.TextField(_("signature"), blank=True)
    autoreply_enabled = models.BooleanField(_("send autoreplies"), default=True)
    reply_target_hours = models.PositiveSmallIntegerField(
        _("reply time target (business hours)"), default=8
    )

    imap_host = models.CharField(_("IMAP host"), max_length=200, blank=True)
    imap_port = models.PositiveIntegerField(_("IMAP port"), default=993)
    imap_security = models.CharField(
        _("IMAP security"), max_length=10, choices=ImapSecurity.choices, default=ImapSecurity.SSL
    )
    imap_user = models.CharField(_("IMAP user"), max_length=200, blank=True)
    imap_password = models.CharField(_("IMAP password"), max_length=200, blank=True)
    imap_folder = models.CharField(_("IMAP folder"), max_length=200, default="INBOX")
    imap_after_import = models.CharField(
        _("after import"), max_length=10, choices=AfterImport.choices, default=AfterImport.SEEN
    )
    imap_move_to = models.CharField(_("move to folder"), max_length=200, blank=True)
    # Where polling stands: a new UIDVALIDITY means the server renumbered the folder.
    imap_uidvalidity = models.BigIntegerField(
        _("UIDVALIDITY"), null=True, blank=True, editable=False
    )
    imap_last_uid = models.BigIntegerField(_("last imported UID"), default=0, editable=False)
    imap_polled_at = models.DateTimeField(
        _("last polled"), null=True, blank=True, editable=False
    )
    imap_error = models.TextField(_("last IMAP error"), blank=True, editable=False)
    # Several workers may be asked to poll; whoever holds the lease does it.
    imap_lease_until = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        app_label = "tresen_channels"
        verbose_name = _("email inbox")
        verbose_name_plural = _("email inboxes")

    def __str__(self) -> str:
        return self.address

    def clean(self) -> None:
        self.address = self.address.strip().lower()
        if "+" in self.address.partition("@")[0]:
            raise ValidationError(
                {"address": _("The address cannot contain '+': it carries reply tokens.")}
            )

    @property
    def uses_imap(self) -> bool:
        return bool(self.imap_host and self.imap_user)


class AutoreplyTemplate(models.Model):
    """Placeholders: {greeting}, {name}, {reference}, {hours}, {expected}, {inbox}."""

    email_inbox = models.ForeignKey(
        EmailInbox, on_delete=models.CASCADE, related_name="autoreply_templates"
    )
    language = models.CharField(_("language"), max_length=5)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))

    class Meta:
        app_label = "tresen_channels"
        verbose_name = _("autoreply template")
        verbose_name_plural = _("autoreply templates")
        constraints = [
            models.UniqueConstraint(
                fields=["email_inbox", "language"], name="autoreply_template_language"
            )
        ]


class EmailDetails(models.Model):
    """The mail side of a message: its headers for threading, and the unstripped text."""

    message = models.OneToOneField(
        "conversations.Message", on_delete=models.CASCADE, related_name="email"
    )
    raw = models.ForeignKey(
        "tresen_channels.RawInbound", null=True, blank=True, on_delete=models.SET_NULL
    )
    header_id = models.CharField(max_length=300, db_index=True)  # its Message-ID
    in_reply_to = models.CharField(max_length=300, blank=True)
    references = models.TextField(blank=True)
    from_address = models.CharField(max_length=300, blank=True)
    # Where the customer wants answers, when not to the sender (a shop's contact form relay).
    reply_to = models.CharField(max_length=300, blank=True)
    to = models.JSONField(default=list)
    cc = models.JSONField(default=list)
    auto_submitted = models.CharField(max_length=40, blank=True)
    full_text = models.TextField(blank=True)
    quoted_text = models.TextField(blank=True)
    signature = models.TextField(blank=True)
    warnings = models.JSONField(default=list)

    class Meta:
        app_label = "tresen_channels"

    @property
    def reference_ids(self) -> list[str]:
        return self.references.split()
