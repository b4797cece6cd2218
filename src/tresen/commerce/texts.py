"""What customers are told when their claim moves, in the claim's language."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .models import ClaimStatus


def public_url(path: str) -> str:
    return settings.TRESEN_PUBLIC_URL.rstrip("/") + path


def _status_line(claim) -> str:
    lines = {
        ClaimStatus.APPROVED: _("We have approved your request."),
        ClaimStatus.LABEL_SENT: _(
            "Your return label is ready: print it, stick it on the parcel and hand it to the "
            "carrier."
        ),
        ClaimStatus.RECEIVED: _("Your parcel has arrived at our warehouse; we are checking it."),
        ClaimStatus.REFUNDED: _("We have refunded the amount to your original payment method."),
        ClaimStatus.REPLACED: _("Your replacement is on its way."),
        ClaimStatus.REJECTED: _("Unfortunately we cannot accept your request."),
    }
    return lines.get(claim.status, claim.get_status_display())


def status_mail(claim, note: str = "") -> tuple[str, str]:
    with translation.override(claim.language):
        subject = _("%(kind)s %(ref)s: %(status)s") % {
            "kind": claim.get_kind_display(),
            "ref": claim.reference,
            "status": claim.get_status_display(),
        }
        parts = [_("Hello,"), "", _status_line(claim)]
        if note.strip():
            parts += ["", note.strip()]
        if claim.instructions:
            parts += ["", claim.instructions]
        link = public_url(reverse("portal:order", args=[claim.order_id]))
        parts += ["", _("Follow your request: %(link)s") % {"link": link}]
        parts += ["", _("Kind regards"), settings.TRESEN_SHOP_NAME]
    return subject, "\n".join(parts)
