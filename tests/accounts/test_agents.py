"""Creating agents and their language setting."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from tresen.accounts.models import Agent, Role
from tresen.accounts.services import create_agent, create_team, set_language
from tresen.testing.factories import make_agent


def test_create_agent(db):
    agent = create_agent(
        email="Anna@Shop.Example", password="geheim-123", role=Role.LEAD, name="Anna"
    )

    assert agent.email == "anna@shop.example"
    assert agent.check_password("geheim-123")
    assert agent.role == Role.LEAD
    assert agent.is_lead
    assert not agent.is_staff
    assert agent.language == "de"


def test_admin_may_use_the_django_admin(db):
    admin = create_agent(email="root@shop.example", password="pw-123456", role=Role.ADMIN)

    assert admin.is_staff and admin.is_superuser and admin.is_lead


def test_plain_agent_is_no_lead(agent):
    assert not agent.is_lead


@pytest.mark.parametrize(
    "fields, problem",
    [
        ({"email": "keine-adresse"}, ""),
        ({"role": "owner"}, "unknown role"),
        ({"email": "AGENT@shop.example"}, "exists already"),
    ],
)
def test_create_agent_refuses(agent, fields, problem):
    arguments = {"email": "neu@shop.example", "password": "pw-123456", **fields}

    with pytest.raises(ValidationError) as caught:
        create_agent(**arguments)

    assert problem in " ".join(caught.value.messages)
    assert Agent.objects.count() == 1


def test_team_members(agent, lead):
    team = create_team(name="Versand", members=[agent, lead])

    assert set(team.members.all()) == {agent, lead}
    assert list(agent.teams.all()) == [team]


def test_set_language(agent):
    set_language(agent=agent, language="en")

    agent.refresh_from_db()
    assert agent.language == "en"


def test_unsupported_language_is_refused(agent):
    with pytest.raises(ValidationError):
        set_language(agent=agent, language="fr")

    agent.refresh_from_db()
    assert agent.language == "de"


@pytest.mark.parametrize("language", ["de", "en"])
def test_signed_in_agent_gets_their_language(db, language):
    agent = make_agent(language=language)
    client = Client(HTTP_ACCEPT_LANGUAGE="de" if language == "en" else "en")
    client.force_login(agent)

    response = client.get("/healthz")

    assert response["Content-Language"] == language


def test_display_and_first_name(db):
    named = make_agent(name="Anna Berg")
    nameless = make_agent(name="", email="info@shop.example")

    assert (named.display_name, named.first_name) == ("Anna Berg", "Anna")
    assert (nameless.display_name, nameless.first_name) == (
        "info@shop.example",
        "info@shop.example",
    )
