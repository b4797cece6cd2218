from django.db import models
from django.utils.translation import gettext_lazy as _


def _default_spec() -> dict:
    from .business_hours import DEFAULT_SPEC

    return dict(DEFAULT_SPEC)


class Calendar(models.Model):
    """Business hours and public holidays of a team or inbox, stored as a JSON spec."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    spec = models.JSONField(_("hours and holidays"), default=_default_spec)

    def __str__(self) -> str:
        return self.name

    def business_calendar(self):
        from .business_hours import BusinessCalendar

        return BusinessCalendar.from_spec(self.spec)


class WorkerHeartbeat(models.Model):
    """Task workers report here so /healthz can tell whether background work runs."""

    worker = models.CharField(max_length=200, unique=True)
    last_seen = models.DateTimeField()
