from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from tresen.conversations.models import ChannelKind, Inbox

from .models import ChatInbox
from .setup import IDENTITY_EXAMPLE, snippet

LOOK_FIELDS = ["color", "position", "language", "greeting_de", "greeting_en"]
VISITOR_FIELDS = ["ask_name", "ask_email", "offline_reply_hours"]


class ChatInboxForm(forms.ModelForm):
    name = forms.CharField(label=_("name"), max_length=100, required=False)

    class Meta:
        model = ChatInbox
        fields = [*LOOK_FIELDS, "allowed_origins", *VISITOR_FIELDS]
        widgets = {"color": forms.TextInput(attrs={"type": "color"})}


@admin.register(ChatInbox)
class ChatInboxAdmin(admin.ModelAdmin):
    list_display = ["inbox", "key", "allowed_origins"]
    form = ChatInboxForm
    readonly_fields = ["embed_snippet", "identity", "preview"]
    fieldsets = [
        (None, {"fields": ["name", "embed_snippet", "preview"]}),
        (_("Look"), {"fields": LOOK_FIELDS}),
        (_("Where it may run"), {"fields": ["allowed_origins"]}),
        (_("Visitors"), {"fields": VISITOR_FIELDS}),
        (_("Signed-in customers"), {"fields": ["identity"]}),
    ]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.base_fields["name"].initial = obj.inbox.name if obj else "Chat"
        self._base_url = request.build_absolute_uri("/")
        return form

    def save_model(self, request, obj, form, change):
        name = form.cleaned_data["name"] or "Chat"
        if change:
            Inbox.objects.filter(pk=obj.inbox_id).update(name=name)
        else:
            obj.inbox = Inbox.objects.create(name=name, channel=ChannelKind.CHAT)
        super().save_model(request, obj, form, change)

    @admin.display(description=_("Put this on every page of the shop"))
    def embed_snippet(self, obj):
        if obj is None or obj.pk is None:
            return _("Shown after saving.")
        return format_html("<code>{}</code>", snippet(obj, getattr(self, "_base_url", "")))

    @admin.display(description=_("Identity signature"))
    def identity(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return format_html(
            "{}<br><code>{}</code>",
            _(
                "To link the chat to a signed-in customer, the shop's server signs the "
                "customer's email with this secret and the page sets:"
            ),
            IDENTITY_EXAMPLE.format(secret=obj.identity_secret),
        )

    @admin.display(description=_("Try it"))
    def preview(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        url = reverse("chat:preview", args=[obj.key])
        return format_html('<a href="{}" target="_blank">{}</a>', url, _("Open a preview page"))
