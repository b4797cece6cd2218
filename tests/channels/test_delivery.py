"""The delivery task: sent, retried with back-off, or failed with a reason the agent sees."""

import contextlib

import pytest
from django_tasks import default_task_backend

from tresen.channels import registry
from tresen.channels.base import ChannelAdapter, DeliveryError
from tresen.channels.tasks import MAX_ATTEMPTS, backoff, deliver_message
from tresen.conversations import services
from tresen.conversations.models import DeliveryStatus, Message
from tresen.testing.factories import as_actor, make_conversation, make_inbox


class RecordingAdapter(ChannelAdapter):
    """Behaves as the test tells it through class attributes."""

    kind = "email"
    error: DeliveryError | None = None
    sent: list[int] = []

    def send(self, message: Message) -> str | None:
        if self.error is not None:
            raise self.error
        self.sent.append(message.pk)
        return f"provider-{message.pk}"


@pytest.fixture
def adapters(settings):
    settings.TRESEN_CHANNEL_ADAPTERS = {
        "api": "tresen.channels.rest.adapter.ApiAdapter",
        "email": f"{__name__}.RecordingAdapter",
    }
    registry.adapter_for.cache_clear()
    RecordingAdapter.error = None
    RecordingAdapter.sent = []
    yield RecordingAdapter
    registry.adapter_for.cache_clear()


@pytest.fixture
def dummy_tasks(settings):
    """A backend that records enqueued tasks, so a retry's run_after can be inspected."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    yield default_task_backend
    default_task_backend.clear()


def reply_in(channel: str, agent) -> Message:
    conversation = make_conversation(make_inbox(channel=channel))
    return services.send_reply(
        conversation=conversation,
        text="Ihre Bestellung ist unterwegs",
        agent=agent,
        actor=as_actor(agent),
    )


def test_successful_send_marks_sent(adapters, agent):
    message = reply_in("email", agent)

    assert deliver_message.call(message.pk) == DeliveryStatus.SENT

    message.refresh_from_db()
    assert (message.delivery_status, message.delivery_attempts) == (DeliveryStatus.SENT, 1)
    assert message.sent_at is not None
    assert adapters.sent == [message.pk]


def test_reply_is_delivered_after_commit(adapters, agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = reply_in("email", agent)
        assert adapters.sent == []

    assert adapters.sent == [message.pk]
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.SENT


def test_temporary_error_requeues_with_backoff(adapters, dummy_tasks, agent, clock):
    adapters.error = DeliveryError("SMTP 451 try again later")
    message = reply_in("email", agent)

    assert deliver_message.call(message.pk) == DeliveryStatus.QUEUED
    assert deliver_message.call(message.pk) == DeliveryStatus.QUEUED

    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.QUEUED
    assert message.delivery_attempts == 2
    assert message.delivery_error == "SMTP 451 try again later"
    retries = dummy_tasks.results
    assert [r.args for r in retries] == [[message.pk], [message.pk]]
    assert all(r.task.func is deliver_message.func for r in retries)
    assert [r.task.run_after for r in retries] == [
        clock.now() + backoff(0),
        clock.now() + backoff(1),
    ]
    assert backoff(1) > backoff(0)


def test_temporary_errors_give_up_after_max_attempts(adapters, dummy_tasks, agent):
    adapters.error = DeliveryError("connection refused")
    message = reply_in("email", agent)

    for _ in range(MAX_ATTEMPTS):
        deliver_message.call(message.pk)

    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.FAILED
    assert message.delivery_attempts == MAX_ATTEMPTS
    assert len(dummy_tasks.results) == MAX_ATTEMPTS - 1
    # A failed message is not tried again.
    assert deliver_message.call(message.pk) == DeliveryStatus.FAILED
    message.refresh_from_db()
    assert message.delivery_attempts == MAX_ATTEMPTS


def test_permanent_error_fails_at_once_with_the_reason(adapters, dummy_tasks, agent):
    adapters.error = DeliveryError("550 mailbox does not exist", permanent=True)
    message = reply_in("email", agent)

    assert deliver_message.call(message.pk) == DeliveryStatus.FAILED

    message.refresh_from_db()
    assert message.delivery_error == "550 mailbox does not exist"
    assert message.delivery_attempts == 1
    assert dummy_tasks.results == []


def test_channel_without_adapter_fails_with_a_clear_reason(adapters, agent):
    message = reply_in("whatsapp", agent)

    assert deliver_message.call(message.pk) == DeliveryStatus.FAILED

    message.refresh_from_db()
    assert message.delivery_error == "no adapter is configured for the channel 'whatsapp'"
    assert adapters.sent == []


def test_sent_message_is_not_sent_twice(adapters, agent):
    message = reply_in("email", agent)
    deliver_message.call(message.pk)

    assert deliver_message.call(message.pk) == DeliveryStatus.SENT
    assert adapters.sent == [message.pk]


def test_failure_is_announced(adapters, agent, heard, django_capture_on_commit_callbacks):
    adapters.error = DeliveryError("blocked", permanent=True)
    got = heard("message.delivery_updated", "message.sent")
    message = reply_in("email", agent)

    with django_capture_on_commit_callbacks(execute=True):
        deliver_message.call(message.pk)

    assert [(e.name, e.data["status"]) for e in got] == [("message.delivery_updated", "failed")]
    assert got[0].actor.kind == "system"


def test_adapter_lookup_is_by_setting(adapters):
    assert isinstance(registry.adapter_for("email"), RecordingAdapter)
    with pytest.raises(registry.UnknownChannel):
        registry.adapter_for("telegram")


def test_unexpected_adapter_crash_is_recorded(adapters, dummy_tasks, agent):
    adapters.error = ConnectionResetError("peer reset")  # not wrapped in DeliveryError
    message = reply_in("email", agent)

    with contextlib.suppress(ConnectionResetError):
        deliver_message.call(message.pk)

    message.refresh_from_db()
    assert message.delivery_attempts == 1
    assert "peer reset" in message.delivery_error
