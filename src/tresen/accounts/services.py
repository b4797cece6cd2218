import secrets

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from .models import Agent, ApiToken, Role, Team, hash_token

TOKEN_PREFIX = "tresen_"  # noqa: S105 (a marker, not a secret)


@transaction.atomic
def create_agent(
    *, email: str, password: str, role: str = Role.AGENT, name: str = "", language: str = "de"
) -> Agent:
    validate_email(email)
    if role not in Role.values:
        raise ValidationError(f"unknown role {role!r}; use one of {', '.join(Role.values)}")
    if Agent.objects.filter(email__iexact=email).exists():
        raise ValidationError(f"an agent with the email {email} exists already")
    return Agent.objects.create_user(
        email,
        password,
        role=role,
        name=name,
        language=language,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
    )


def create_token(*, agent: Agent, name: str = "") -> str:
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(agent=agent, name=name, prefix=token[:12], key_hash=hash_token(token))
    return token


def set_language(*, agent: Agent, language: str) -> None:
    if language not in ("de", "en"):
        raise ValidationError(f"unsupported language {language!r}")
    agent.language = language
    agent.save(update_fields=["language"])


@transaction.atomic
def create_team(*, name: str, members: list[Agent] = ()) -> Team:
    team = Team.objects.create(name=name)
    team.members.set(members)
    return team
