from django.contrib import admin

from .models import CannedResponse, Inbox, Tag


@admin.register(Inbox)
class InboxAdmin(admin.ModelAdmin):
    list_display = ["name", "channel", "team", "calendar", "is_active"]
    list_filter = ["channel", "is_active"]


@admin.register(CannedResponse)
class CannedResponseAdmin(admin.ModelAdmin):
    list_display = ["title", "shortcut", "language"]
    list_filter = ["language"]
    search_fields = ["title", "text"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]
