from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from tresen.conversations.models import ChannelKind, Inbox

from .email.imap import check_connection
from .email.models import AutoreplyTemplate, EmailInbox
from .models import RawInbound
from .webchat import admin as webchat_admin  # noqa: F401

AUTOREPLY_FIELDS = ["autoreply_enabled", "reply_target_hours"]
IMAP_FIELDS = [
    "imap_host",
    "imap_port",
    "imap_security",
    "imap_user",
    "imap_password",
    "imap_folder",
    "imap_after_import",
    "imap_move_to",
]
IMAP_STATUS_FIELDS = ["imap_polled_at", "imap_error", "imap_uidvalidity", "imap_last_uid"]


class EmailInboxForm(forms.ModelForm):
    # On creation the inbox comes with it: admins name it here instead of picking one.
    name = forms.CharField(label=_("name"), max_length=100, required=False)

    class Meta:
        model = EmailInbox
        fields = ["address", "signature", *AUTOREPLY_FIELDS, *IMAP_FIELDS]


class AutoreplyTemplateInline(admin.StackedInline):
    model = AutoreplyTemplate
    extra = 0
    help_text = AutoreplyTemplate.__doc__


@admin.register(EmailInbox)
class EmailInboxAdmin(admin.ModelAdmin):
    list_display = ["address", "inbox", "autoreply_enabled", "imap_host", "imap_polled_at"]
    readonly_fields = IMAP_STATUS_FIELDS
    inlines = [AutoreplyTemplateInline]
    actions = ["test_imap"]
    form = EmailInboxForm
    fieldsets = [
        (None, {"fields": ["name", "address", "signature"]}),
        (_("Autoreply"), {"fields": AUTOREPLY_FIELDS}),
        (_("IMAP (optional)"), {"fields": IMAP_FIELDS}),
        (_("IMAP status"), {"fields": IMAP_STATUS_FIELDS}),
    ]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.base_fields["name"].initial = obj.inbox.name if obj else ""
        return form

    def save_model(self, request, obj, form, change):
        name = form.cleaned_data["name"] or obj.address
        if change:
            Inbox.objects.filter(pk=obj.inbox_id).update(name=name)
        else:
            obj.inbox = Inbox.objects.create(name=name, channel=ChannelKind.EMAIL)
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Test the IMAP connection"))
    def test_imap(self, request, queryset):
        for email_inbox in queryset.filter(imap_host__gt=""):
            problem = check_connection(email_inbox)
            if problem:
                self.message_user(request, f"{email_inbox}: {problem}", messages.ERROR)
            else:
                self.message_user(request, f"{email_inbox}: {_('connected')}", messages.SUCCESS)


@admin.register(RawInbound)
class RawInboundAdmin(admin.ModelAdmin):
    """Stored items and their processing errors: the place to look when something is stuck."""

    list_display = ["received_at", "channel", "inbox", "external_id", "processed_at", "outcome"]
    list_filter = ["channel", ("processed_at", admin.EmptyFieldListFilter)]
    search_fields = ["external_id", "error"]
    readonly_fields = [f.name for f in RawInbound._meta.fields]
