"""Leads hear of a refund waiting for them by mail (and see the count in the navigation)."""

import logging

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from tresen.accounts.models import Agent, Role

from . import limits
from .base import ProviderError
from .mail import send
from .models import Refund, RefundStatus
from .texts import public_url

log = logging.getLogger(__name__)


def notify(refund_id: int) -> int:
    """Mails every active lead and admin whose limit covers the amount; returns how many."""
    refund = Refund.objects.select_related("order", "requested_by").get(pk=refund_id)
    if refund.status != RefundStatus.AWAITING_APPROVAL:
        return 0
    leads = Agent.objects.filter(is_active=True, role__in=(Role.LEAD, Role.ADMIN)).exclude(
        pk=refund.requested_by_id
    )
    sent = 0
    for lead in leads:
        if not limits.may_approve(lead, refund.amount):
            continue
        with translation.override(lead.language):
            subject = _("Approval needed: %(amount)s %(currency)s for order %(order)s") % {
                "amount": refund.amount,
                "currency": refund.currency,
                "order": refund.order.number,
            }
            text = _("%(agent)s asks you to approve a %(kind)s:\n\n%(reason)s\n\n%(link)s") % {
                "agent": refund.requested_by.display_name if refund.requested_by else "",
                "kind": refund.get_kind_display(),
                "reason": refund.reason,
                "link": public_url(reverse("commerce:approvals")),
            }
        try:
            send(to=lead.email, subject=subject, text=text)
            sent += 1
        except ProviderError as error:
            log.warning("approval mail to %s failed: %s", lead.email, error.reason)
    return sent
