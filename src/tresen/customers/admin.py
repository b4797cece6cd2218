from django.contrib import admin

from .models import Customer, Identity


class IdentityInline(admin.TabularInline):
    model = Identity
    extra = 0


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["__str__", "created_at", "merged_into"]
    search_fields = ["name", "identities__value"]
    inlines = [IdentityInline]
