from django import forms
from django.contrib import admin

from .business_hours import BusinessCalendar
from .models import Calendar


class CalendarForm(forms.ModelForm):
    class Meta:
        model = Calendar
        fields = ["name", "spec"]

    def clean_spec(self):
        spec = self.cleaned_data["spec"]
        try:
            BusinessCalendar.from_spec(spec)
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise forms.ValidationError(str(error)) from error
        return spec


@admin.register(Calendar)
class CalendarAdmin(admin.ModelAdmin):
    form = CalendarForm
    list_display = ["name"]
