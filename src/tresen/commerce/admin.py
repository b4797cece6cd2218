from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import ApprovalLimit, AuditEntry, ShopConnection, WebhookDelivery
from .registry import provider_names


class ShopConnectionForm(forms.ModelForm):
    provider = forms.ChoiceField(label=_("provider"), choices=())

    class Meta:
        model = ShopConnection
        fields = [
            "name",
            "provider",
            "base_url",
            "credentials",
            "webhook_secret",
            "currency",
            "is_active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [(name, name) for name in provider_names()]


@admin.register(ShopConnection)
class ShopConnectionAdmin(admin.ModelAdmin):
    form = ShopConnectionForm
    list_display = ["name", "provider", "base_url", "is_active"]
    readonly_fields = ["webhook_address"]

    def get_fields(self, request, obj=None):
        return [*ShopConnectionForm.Meta.fields, "webhook_address"]

    def get_form(self, request, obj=None, **kwargs):
        self._absolute = request.build_absolute_uri
        return super().get_form(request, obj, **kwargs)

    @admin.display(description=_("Webhook address (enter it in the shop)"))
    def webhook_address(self, obj):
        if not obj or not obj.pk:
            return _("shown once saved")
        return format_html(
            "<code>{}</code>", self._absolute(reverse("commerce:webhook", args=[obj.key]))
        )


@admin.register(ApprovalLimit)
class ApprovalLimitAdmin(admin.ModelAdmin):
    list_display = ["role", "agent", "amount"]


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnly):
    list_display = ["created_at", "order", "action", "outcome", "amount", "actor_label", "reason"]
    list_filter = ["action", "outcome"]
    search_fields = ["order__number", "actor_label", "reason"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnly):
    list_display = ["received_at", "connection", "topic", "processed_at", "outcome", "error"]
    list_filter = ["connection", "topic"]
    exclude = ["body"]
