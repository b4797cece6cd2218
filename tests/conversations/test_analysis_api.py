"""The REST API carries what analysis read: the conversation's sentiment in the list; topic
source and confidence, and each message's analysis, in the detail."""

import json

import pytest
from django.test import Client

from tresen.conversations import services
from tresen.testing.factories import API, as_actor, receive

pytestmark = pytest.mark.django_db

TEXT = (
    "Sie haben mir 89,90 € doppelt abgebucht! Wenn das nicht heute erstattet wird, "
    "gehe ich zum Anwalt. Bestellung NH-128846."
)


@pytest.fixture(autouse=True)
def _formats(settings):
    settings.TRESEN_ORDER_NUMBER_FORMAT = "NH-######"


@pytest.fixture
def analysed(inbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = receive(inbox, text=TEXT)
    message.refresh_from_db()
    message.conversation.refresh_from_db()
    return message


def test_list_items_carry_the_sentiment(api_client, analysed):
    items = api_client.get_json("/conversations").json()["items"]
    assert [(i["id"], i["sentiment"]) for i in items] == [
        (analysed.conversation_id, analysed.conversation.sentiment)
    ]
    assert items[0]["sentiment"] in {"negative", "neutral", "positive"}
    assert items[0]["urgent"] is True and items[0]["topic"]  # the fields that were there stay


def test_the_list_filters_urgent_conversations(api_client, analysed, inbox):
    calm = receive(inbox, email="calm@example.de", text="Welche Farben gibt es?").conversation
    everything = {i["id"] for i in api_client.get_json("/conversations").json()["items"]}
    urgent = api_client.get_json("/conversations", {"urgent": "true"}).json()["items"]
    assert everything == {analysed.conversation_id, calm.pk}
    assert [i["id"] for i in urgent] == [analysed.conversation_id]


def test_detail_carries_topic_source_confidence_and_message_analysis(api_client, analysed):
    conversation = analysed.conversation
    body = api_client.get_json(f"/conversations/{conversation.pk}").json()

    assert body["topic"] == conversation.topic
    assert body["topic_source"] == "model"
    assert body["topic_confidence"] == pytest.approx(conversation.topic_confidence)
    assert body["sentiment"] == conversation.sentiment
    (message,) = body["messages"]
    assert message["analysis"] == analysed.analysis
    assert message["analysis"]["entities"]["order_numbers"] == ["NH-128846"]
    assert message["analysis"]["entities"]["amounts"] == ["89.90 EUR"]
    assert len(message["analysis"]["topics"]) == 3


def test_agents_topic_shows_as_such(api_client, analysed, agent):
    services.set_topic(conversation=analysed.conversation, topic="payment", actor=as_actor(agent))
    body = api_client.get_json(f"/conversations/{analysed.conversation_id}").json()
    assert (body["topic"], body["topic_source"], body["topic_confidence"]) == (
        "payment",
        "agent",
        None,
    )


def test_pending_and_own_messages_have_an_empty_analysis(api_client, inbox, agent):
    # Stored but not yet analysed: on-commit work has not run.
    conversation = receive(inbox, text="Wo ist mein Paket?").conversation
    services.send_reply(
        conversation=conversation, text="Ist unterwegs.", agent=agent, actor=as_actor(agent)
    )

    body = api_client.get_json(f"/conversations/{conversation.pk}").json()

    assert body["topic_source"] == "" and body["topic_confidence"] is None
    assert body["sentiment"] == ""
    assert [m["analysis"] for m in body["messages"]] == [{}, {}]


def test_reply_response_carries_an_empty_analysis(api_client, analysed):
    response = api_client.post_json(
        f"/conversations/{analysed.conversation_id}/replies", {"text": "Wir prüfen das."}
    )
    assert response.status_code == 201
    assert response.json()["analysis"] == {}


def test_error_shape_is_unchanged(api_client):
    response = api_client.get_json("/conversations/999999")
    assert response.status_code == 404
    assert set(response.json()["error"]) >= {"code", "message"}


def test_openapi_documents_the_new_fields(db):
    schema = json.loads(Client().get(f"{API}/openapi.json").content)["components"]["schemas"]
    assert "sentiment" in schema["ConversationOut"]["required"]
    detail = schema["ConversationDetailOut"]
    assert {"topic_source", "topic_confidence", "sentiment", "messages"} <= set(
        detail["properties"]
    )
    assert schema["MessageOut"]["properties"]["analysis"]["type"] == "object"


def test_an_agent_sets_the_topic_through_the_api(api_client, analysed, agent):
    conversation = analysed.conversation
    response = api_client.post_json(f"/conversations/{conversation.pk}/topic", {"topic": "refund"})
    assert response.status_code == 200 and response.json()["topic"] == "refund"
    conversation.refresh_from_db()
    assert (conversation.topic, conversation.topic_source) == ("refund", "agent")
    bad = api_client.post_json(f"/conversations/{conversation.pk}/topic", {"topic": "nonsense"})
    assert bad.status_code == 400 and "unknown topic" in bad.json()["error"]["message"]
    conversation.refresh_from_db()
    assert conversation.topic == "refund"
