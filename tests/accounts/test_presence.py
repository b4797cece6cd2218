"""Presence: online while a workspace is open, away by choice, offline when it ages out."""

import pytest
from django.core.exceptions import ValidationError

from tresen.accounts import presence
from tresen.accounts.models import Presence


def _status(agent) -> str:
    return presence.effective_status(Presence.objects.get(pk=agent.pk))


def test_online_only_while_a_workspace_is_connected(
    agent, heard, django_capture_on_commit_callbacks
):
    events = heard("agent.presence_changed")
    assert presence.effective_status(None) == "offline"
    with django_capture_on_commit_callbacks(execute=True):
        presence.connected(agent_id=agent.pk)
        presence.connected(agent_id=agent.pk)  # a second tab
        presence.disconnected(agent_id=agent.pk)
        assert _status(agent) == "online"
        presence.disconnected(agent_id=agent.pk)
        assert _status(agent) == "offline"
        presence.disconnected(agent_id=agent.pk)
    assert Presence.objects.get(pk=agent.pk).connections == 0
    # Only the changes are announced, not every tab.
    assert [(e.data["old"], e.data["new"]) for e in events] == [
        ("offline", "online"),
        ("online", "offline"),
    ]


def test_a_count_left_by_a_crashed_process_ages_out_and_a_ping_revives_it(agent, clock):
    presence.connected(agent_id=agent.pk)
    clock.advance(seconds=91)
    assert _status(agent) == "offline"
    Presence.objects.filter(pk=agent.pk).update(connections=0)
    presence.seen(agent_id=agent.pk)
    assert _status(agent) == "online"


def test_away_is_chosen_and_announced(agent, heard, django_capture_on_commit_callbacks):
    events = heard("agent.presence_changed")
    presence.connected(agent_id=agent.pk)
    with django_capture_on_commit_callbacks(execute=True):
        presence.set_status(agent=agent, status="away", actor=presence.Actor.agent(agent))
    assert _status(agent) == "away"
    assert [(e.data["old"], e.data["new"]) for e in events] == [("online", "away")]
    with pytest.raises(ValidationError):
        presence.set_status(agent=agent, status="asleep", actor=presence.Actor.agent(agent))


def test_the_top_bar_switch_sets_presence(agent, client):
    client.force_login(agent)
    answer = client.post("/accounts/presence/", {"presence": "away"}, HTTP_HX_REQUEST="true")
    assert answer.status_code == 200
    assert 'value="away" selected' in answer.content.decode()
    assert Presence.objects.get(pk=agent.pk).status == "away"
    assert client.post("/accounts/presence/", {"presence": "x"}).status_code == 400
