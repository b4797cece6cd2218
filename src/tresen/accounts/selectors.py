from datetime import datetime, timedelta

from tresen.core import clock

from .models import Agent, ApiToken, Team, hash_token

# Token auth sits on the hot path of every API call: a token checked in the last
# TOKEN_RECHECK is trusted without a query. A revoked token stops working within that time.
TOKEN_RECHECK = timedelta(seconds=30)
_checked_tokens: dict[str, tuple[Agent, datetime]] = {}


def agent_for_token(token: str) -> Agent | None:
    key_hash = hash_token(token)
    now = clock.now()
    cached = _checked_tokens.get(key_hash)
    if cached is not None and now - cached[1] < TOKEN_RECHECK:
        return cached[0]
    row = (
        ApiToken.objects.select_related("agent")
        .filter(key_hash=key_hash, revoked_at__isnull=True, agent__is_active=True)
        .first()
    )
    if row is None:
        _checked_tokens.pop(key_hash, None)
        return None
    if row.last_used_at is None or now - row.last_used_at > TOKEN_RECHECK:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    if len(_checked_tokens) > 1000:
        _checked_tokens.clear()
    _checked_tokens[key_hash] = (row.agent, now)
    return row.agent


def forget_checked_tokens() -> None:
    """For revocations that must bite at once in this process (and for tests)."""
    _checked_tokens.clear()


def active_agents():
    return Agent.objects.filter(is_active=True).order_by("name", "email")


def teams():
    return Team.objects.order_by("name")
