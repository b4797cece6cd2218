"""How much an agent may refund or credit per action before a lead has to approve."""

from decimal import Decimal

from django.conf import settings

from tresen.accounts.models import Role

from .models import ApprovalLimit


def limit_for(agent) -> Decimal | None:
    """The agent's own limit, else their role's, else the default: none for leads and
    admins (None: no limit), TRESEN_AGENT_REFUND_LIMIT for agents."""
    own = ApprovalLimit.objects.filter(agent=agent).values_list("amount", flat=True).first()
    if own is not None:
        return own
    by_role = ApprovalLimit.objects.filter(role=agent.role).values_list("amount", flat=True).first()
    if by_role is not None:
        return by_role
    if agent.role in (Role.ADMIN, Role.LEAD):
        return None
    return Decimal(settings.TRESEN_AGENT_REFUND_LIMIT)


def within_limit(agent, amount: Decimal) -> bool:
    limit = limit_for(agent)
    return limit is None or amount <= limit


def may_approve(lead, amount: Decimal) -> bool:
    return lead.is_lead and within_limit(lead, amount)
