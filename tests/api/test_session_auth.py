"""The workspace calls the API with its session: reads work, writes need the CSRF token."""

from django.middleware.csrf import _get_new_csrf_string
from django.test import Client

from tresen.conversations.models import Message
from tresen.testing.factories import API, make_conversation

INBOUND = f"{API}/messages/inbound"
BODY = {"from": {"email": "kunde@example.de"}, "text": "Hallo"}


def session_client(agent) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    return client


def test_logged_in_agent_reads_without_a_token(agent, inbox):
    conversation = make_conversation(inbox)

    response = session_client(agent).get(f"{API}/conversations")

    assert response.status_code == 200
    assert [c["id"] for c in response.json()["items"]] == [conversation.pk]


def test_view_mine_uses_the_session_agent(agent, inbox):
    make_conversation(inbox)

    response = session_client(agent).get(f"{API}/conversations", {"view": "mine"})

    assert response.status_code == 200
    assert response.json()["items"] == []


def test_post_with_session_but_without_csrf_token_is_refused(agent, inbox):
    response = session_client(agent).post(INBOUND, BODY, content_type="application/json")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert Message.objects.count() == 0


def test_post_with_session_and_csrf_token_is_accepted(agent, inbox):
    client = session_client(agent)
    secret = _get_new_csrf_string()
    client.cookies["csrftoken"] = secret

    response = client.post(INBOUND, BODY, content_type="application/json", HTTP_X_CSRFTOKEN=secret)

    assert response.status_code == 201
    assert Message.objects.count() == 1


def test_deactivated_agents_session_does_not_authenticate(outsider, db):
    client = Client()
    client.force_login(outsider)

    assert client.get(f"{API}/conversations").status_code == 401


def test_token_beats_missing_csrf(agent, token, inbox):
    """An integration with a token is not a browser: no CSRF token is needed."""
    client = session_client(agent)

    response = client.post(
        INBOUND, BODY, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )

    assert response.status_code == 201
