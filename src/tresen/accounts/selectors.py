from django.utils import timezone

from .models import Agent, ApiToken, Team, hash_token


def agent_for_token(token: str) -> Agent | None:
    row = (
        ApiToken.objects.select_related("agent")
        .filter(key_hash=hash_token(token), revoked_at__isnull=True, agent__is_active=True)
        .first()
    )
    if row is None:
        return None
    now = timezone.now()
    # Write at most once a minute: token auth sits on the hot path of every API call.
    if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.agent


def active_agents():
    return Agent.objects.filter(is_active=True).order_by("name", "email")


def teams():
    return Team.objects.order_by("name")
