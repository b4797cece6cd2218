from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Agent, ApiToken, Presence, Team


class PresenceInline(admin.StackedInline):
    model = Presence
    fields = ["status", "chat_capacity"]
    can_delete = False


@admin.register(Agent)
class AgentAdmin(UserAdmin):
    ordering = ["email"]
    inlines = [PresenceInline]
    list_display = ["email", "name", "role", "language", "is_active"]
    list_filter = ["role", "is_active", "teams"]
    search_fields = ["email", "name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["name", "role", "language", "is_active"]}),
        ("Admin site", {"fields": ["is_staff", "is_superuser"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["email", "name", "role", "language", "password1", "password2"]})
    ]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "calendar"]
    filter_horizontal = ["members"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "agent", "name", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "key_hash", "agent", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        # Tokens are shown once at creation: `tresen token create` does that.
        return False
