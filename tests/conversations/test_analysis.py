"""Inbound messages are analysed after commit; what was read lands on message and
conversation without overriding an agent's choice."""

import pytest
from django.core.management import call_command

from tresen.conversations import services, topic_training
from tresen.conversations.analysis import analyse_message
from tresen.conversations.models import Conversation, Message, TimelineEvent
from tresen.core.actors import SYSTEM
from tresen.nlp import store
from tresen.testing.factories import as_actor, receive


@pytest.fixture(autouse=True)
def _formats(settings):
    settings.TRESEN_ORDER_NUMBER_FORMAT = "NH-######"
    settings.TRESEN_GIFT_CARD_FORMAT = "GC-****-****-****"


def received(inbox, capture, **kwargs) -> Message:
    with capture(execute=True):
        message = receive(inbox, **kwargs)
    message.refresh_from_db()
    message.conversation.refresh_from_db()
    return message


def test_an_inbound_message_is_analysed_on_commit(inbox, heard, django_capture_on_commit_callbacks):
    classified = heard("conversation.classified")
    message = received(
        inbox,
        django_capture_on_commit_callbacks,
        subject="Bestellung nh 128846",
        text="Hallo, wo bleibt mein Paket? Seit zwei Wochen warte ich schon, das ist ärgerlich.",
    )
    conversation = message.conversation
    assert message.analysis["topic"] == "order_status"
    assert message.analysis["entities"]["order_numbers"] == ["NH-128846"]
    assert message.analysis["model"] == "base" and len(message.analysis["topics"]) == 3
    assert message.sentiment == message.analysis["sentiment"] == "negative"
    assert (conversation.topic, conversation.topic_source) == ("order_status", "model")
    assert conversation.language == "de" and 0 < conversation.topic_confidence <= 1
    assert classified[-1].data["order_numbers"] == ["NH-128846"]
    assert classified[-1].data["conversation_id"] == conversation.pk


def test_urgent_messages_flag_the_conversation_once(inbox, django_capture_on_commit_callbacks):
    message = received(
        inbox,
        django_capture_on_commit_callbacks,
        text="Sie haben mir 89,90 € doppelt abgebucht! Wenn das nicht heute erstattet wird, "
        "gehe ich zum Anwalt und mache eine Rückbuchung.",
    )
    conversation = message.conversation
    assert conversation.urgent is True
    assert message.analysis["entities"]["amounts"] == ["89.90 EUR"]
    flags = TimelineEvent.objects.filter(conversation=conversation, kind="flagged_urgent")
    assert flags.count() == 1 and flags.get().actor_kind == "system"
    received(
        inbox,
        django_capture_on_commit_callbacks,
        email="kunde@example.de",
        text="Danke, hat sich erledigt.",
        conversation_id=conversation.pk,
    )
    conversation.refresh_from_db()
    assert conversation.urgent is True  # the model never clears urgency
    assert flags.count() == 1


def test_an_agents_topic_stands_against_later_analysis(
    inbox, agent, django_capture_on_commit_callbacks
):
    message = received(inbox, django_capture_on_commit_callbacks, text="Wo ist mein Paket?")
    conversation = services.set_topic(
        conversation=message.conversation, topic="complaint", actor=as_actor(agent)
    )
    assert (conversation.topic, conversation.topic_source) == ("complaint", "agent")
    received(
        inbox,
        django_capture_on_commit_callbacks,
        text="Ich möchte die Rechnung bitte noch einmal als PDF.",
        conversation_id=conversation.pk,
    )
    conversation.refresh_from_db()
    assert (conversation.topic, conversation.topic_source) == ("complaint", "agent")


def test_a_more_confident_reading_replaces_the_models_vague_first_guess(
    inbox, django_capture_on_commit_callbacks
):
    first = received(inbox, django_capture_on_commit_callbacks, text="Hallo")
    conversation = first.conversation
    vague = conversation.topic_confidence
    received(
        inbox,
        django_capture_on_commit_callbacks,
        text="Ich möchte meine Bestellung stornieren, bitte nicht mehr versenden.",
        conversation_id=conversation.pk,
    )
    conversation.refresh_from_db()
    assert conversation.topic == "cancellation"
    assert conversation.topic_confidence > vague


def test_a_repeated_task_changes_nothing(inbox, django_capture_on_commit_callbacks):
    message = received(inbox, django_capture_on_commit_callbacks, text="Wo ist mein Paket?")
    events = TimelineEvent.objects.filter(conversation=message.conversation).count()
    analyse_message.call(message.pk)
    assert TimelineEvent.objects.filter(conversation=message.conversation).count() == events


def test_outbound_messages_are_not_analysed(inbox, agent, django_capture_on_commit_callbacks):
    message = received(inbox, django_capture_on_commit_callbacks, text="Wo ist mein Paket?")
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.send_reply(
            conversation=message.conversation, text="Es ist unterwegs.", agent=agent,
            actor=as_actor(agent),
        )  # fmt: skip
    reply.refresh_from_db()
    assert reply.analysis == {}


def _label(inbox, index: int, topic: str, text: str, agent) -> None:
    message = receive(inbox, email=f"k{index}@example.de", text=text)
    services.set_topic(conversation=message.conversation, topic=topic, actor=as_actor(agent))


def test_retraining_on_agent_corrections_installs_a_new_version_with_a_report(
    inbox, agent, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    for index in range(30):
        # The shop calls its "Nordhafen Card" questions loyalty: words the base data lacks.
        _label(inbox, index, "loyalty", f"Frage {index} zur Nordhafen Card und den Sternen", agent)
    # A model-set topic is no label.
    services.set_topic(
        conversation=receive(inbox, email="x@example.de", text="Paket?").conversation,
        topic="order_status",
        actor=SYSTEM,
    )
    assert len(topic_training.shop_rows()) == 30
    report = topic_training.retrain()
    assert report["shop_rows"] == 30 and report["previous"] == "base"
    assert report["evaluated_on"] + 0 >= 1
    assert set(report["before"]) >= {"accuracy", "macro_f1", "f1"}
    assert report["after"]["f1"]["loyalty"] >= report["before"]["f1"]["loyalty"]
    active = store.active(tmp_path)
    assert active.version == report["version"] and active.meta["report"] == report
    # Nothing new: no retraining.
    assert topic_training.retrain() is None
    call_command("nlp", "rollback")
    assert store.active(tmp_path).version == "base"


def test_nlp_status_names_the_active_model(capsys, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("nlp", "status")
    assert '"version": "base"' in capsys.readouterr().out


def test_unknown_topic_is_refused(inbox, agent):
    conversation = receive(inbox, text="Hallo").conversation
    with pytest.raises(Exception, match="unknown topic"):
        services.set_topic(conversation=conversation, topic="nonsense", actor=as_actor(agent))
    assert Conversation.objects.get(pk=conversation.pk).topic_source == ""
