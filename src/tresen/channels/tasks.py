from datetime import timedelta

from django_tasks import task

from tresen.conversations import selectors, services
from tresen.conversations.models import DeliveryStatus
from tresen.core import clock
from tresen.core.actors import SYSTEM

from . import inbound
from .base import DeliveryError
from .models import RawInbound
from .registry import UnknownChannel, adapter_for

MAX_ATTEMPTS = 6


def backoff(attempt: int) -> timedelta:
    return timedelta(seconds=min(30 * 2**attempt, 3600))


@task()
def process_raw_inbound(raw_id: int) -> None:
    inbound.process(RawInbound.objects.get(pk=raw_id))


@task()
def deliver_message(message_id: int) -> str:
    message = selectors.message_for_delivery(message_id)
    if message.delivery_status != DeliveryStatus.QUEUED:
        return message.delivery_status
    try:
        adapter_for(message.inbox.channel).send(message)
    except UnknownChannel as error:
        services.mark_delivery(
            message=message, status=DeliveryStatus.FAILED, error=str(error), actor=SYSTEM
        )
    except DeliveryError as error:
        final = error.permanent or message.delivery_attempts + 1 >= MAX_ATTEMPTS
        services.mark_delivery(
            message=message,
            status=DeliveryStatus.FAILED if final else DeliveryStatus.QUEUED,
            error=error.reason,
            actor=SYSTEM,
        )
        if not final:
            deliver_message.using(
                run_after=clock.now() + backoff(message.delivery_attempts)
            ).enqueue(message_id)
    else:
        services.mark_delivery(message=message, status=DeliveryStatus.SENT, actor=SYSTEM)
    return selectors.message_for_delivery(message_id).delivery_status
