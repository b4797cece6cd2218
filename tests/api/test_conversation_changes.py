"""Status, priority, assignment and tags of a conversation through the API."""

import pytest

from tresen.conversations.models import Conversation, Status, TimelineEvent
from tresen.testing.factories import make_conversation, make_team


@pytest.fixture
def conversation(inbox):
    return make_conversation(inbox)


def events(conversation, kind):
    return list(TimelineEvent.objects.filter(conversation=conversation, kind=kind))


def test_status_change(api_client, conversation, agent):
    response = api_client.post_json(
        f"/conversations/{conversation.pk}/status", {"status": "solved"}
    )

    assert response.status_code == 200
    assert response.json()["status"] == "solved"
    conversation.refresh_from_db()
    assert conversation.status == Status.SOLVED
    assert conversation.solved_at is not None
    [event] = events(conversation, "status_changed")
    assert event.data == {"old": "new", "new": "solved"}
    assert (event.actor_kind, event.actor_id) == ("agent", agent.pk)


def test_reopening_clears_solved_at(api_client, conversation):
    api_client.post_json(f"/conversations/{conversation.pk}/status", {"status": "solved"})
    api_client.post_json(f"/conversations/{conversation.pk}/status", {"status": "open"})

    conversation.refresh_from_db()
    assert (conversation.status, conversation.solved_at) == (Status.OPEN, None)


def test_setting_the_same_status_records_nothing(api_client, conversation):
    response = api_client.post_json(f"/conversations/{conversation.pk}/status", {"status": "new"})

    assert response.status_code == 200
    assert events(conversation, "status_changed") == []


def test_invalid_status_is_400(api_client, conversation):
    response = api_client.post_json(
        f"/conversations/{conversation.pk}/status", {"status": "erledigt"}
    )

    assert response.status_code == 400
    assert "erledigt" in response.json()["error"]["message"]
    conversation.refresh_from_db()
    assert conversation.status == Status.NEW


@pytest.mark.parametrize("priority", [1, 2, 3, 4])
def test_priority_one_to_four(api_client, conversation, priority):
    response = api_client.post_json(
        f"/conversations/{conversation.pk}/priority", {"priority": priority}
    )

    assert response.status_code == 200
    assert response.json()["priority"] == priority
    conversation.refresh_from_db()
    assert conversation.priority == priority


@pytest.mark.parametrize("priority", [0, 5, "hoch"])
def test_priority_out_of_range_is_422(api_client, conversation, priority):
    response = api_client.post_json(
        f"/conversations/{conversation.pk}/priority", {"priority": priority}
    )

    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"].endswith("priority")
    conversation.refresh_from_db()
    assert conversation.priority == 2


def test_priority_change_is_recorded(api_client, conversation, agent):
    api_client.post_json(f"/conversations/{conversation.pk}/priority", {"priority": 4})

    [event] = events(conversation, "priority_changed")
    assert event.data == {"old": 2, "new": 4}
    assert event.actor_id == agent.pk


def test_assign_to_agent(api_client, conversation, agent, lead):
    response = api_client.post_json(
        f"/conversations/{conversation.pk}/assignment", {"agent_id": lead.pk}
    )

    assert response.status_code == 200
    assert response.json()["assignee"]["id"] == lead.pk
    [event] = events(conversation, "assigned")
    assert event.data == {"agent": "Lea Lead", "team": None}
    assert (event.actor_kind, event.actor_id, event.actor_label) == (
        "agent",
        agent.pk,
        "Anton Agent",
    )


def test_assign_to_team_and_agent(api_client, conversation, agent):
    team = make_team("Versand", members=[agent])

    response = api_client.post_json(
        f"/conversations/{conversation.pk}/assignment",
        {"agent_id": agent.pk, "team_id": team.pk},
    )

    assert response.json()["team_id"] == team.pk
    assert response.json()["assignee"]["id"] == agent.pk
    [event] = events(conversation, "assigned")
    assert event.data == {"agent": "Anton Agent", "team": "Versand"}


def test_unassign(api_client, conversation, agent):
    api_client.post_json(f"/conversations/{conversation.pk}/assignment", {"agent_id": agent.pk})

    response = api_client.post_json(f"/conversations/{conversation.pk}/assignment", {})

    assert response.json()["assignee"] is None
    assert len(events(conversation, "assigned")) == 2


@pytest.mark.parametrize("field", ["agent_id", "team_id"])
def test_assign_to_unknown_is_404(api_client, conversation, field):
    response = api_client.post_json(f"/conversations/{conversation.pk}/assignment", {field: 999999})

    assert response.status_code == 404
    assert events(conversation, "assigned") == []
    assert Conversation.objects.get(pk=conversation.pk).assignee is None


def test_assign_to_deactivated_agent_is_400(api_client, conversation, outsider):
    response = api_client.post_json(
        f"/conversations/{conversation.pk}/assignment", {"agent_id": outsider.pk}
    )

    assert response.status_code == 400
    assert "inactive" in response.json()["error"]["message"]
    assert Conversation.objects.get(pk=conversation.pk).assignee is None


def test_tags_add_and_remove(api_client, conversation):
    added = api_client.post_json(
        f"/conversations/{conversation.pk}/tags", {"name": " Express  Versand "}
    )
    api_client.post_json(f"/conversations/{conversation.pk}/tags", {"name": "retoure"})
    again = api_client.post_json(f"/conversations/{conversation.pk}/tags", {"name": "RETOURE"})

    assert added.status_code == 200
    assert again.json()["tags"] == ["express versand", "retoure"]
    assert len(events(conversation, "tagged")) == 2

    removed = api_client.delete_json(f"/conversations/{conversation.pk}/tags/Express%20Versand")

    assert removed.status_code == 200
    assert removed.json()["tags"] == ["retoure"]
    [event] = events(conversation, "untagged")
    assert event.data == {"tag": "express versand"}


def test_removing_a_missing_tag_changes_nothing(api_client, conversation):
    response = api_client.delete_json(f"/conversations/{conversation.pk}/tags/nie-gesetzt")

    assert response.status_code == 200
    assert response.json()["tags"] == []
    assert events(conversation, "untagged") == []


def test_empty_tag_is_refused(api_client, conversation):
    assert (
        api_client.post_json(f"/conversations/{conversation.pk}/tags", {"name": ""}).status_code
        == 422
    )
    assert (
        api_client.post_json(f"/conversations/{conversation.pk}/tags", {"name": "  "}).status_code
        == 400
    )
    assert events(conversation, "tagged") == []
