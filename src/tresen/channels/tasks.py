import logging
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
log = logging.getLogger(__name__)


def backoff(attempt: int) -> timedelta:
    return timedelta(seconds=min(30 * 2**attempt, 3600))


def _unexpected(error: Exception, message_id: int) -> DeliveryError:
    # An adapter bug or a dropped connection: retried like any temporary failure.
    log.exception("delivery of message %s failed", message_id)
    return DeliveryError(f"{type(error).__name__}: {error}")


@task()
def process_raw_inbound(raw_id: int) -> None:
    raw = RawInbound.objects.get(pk=raw_id)
    try:
        inbound.process(raw)
    except Exception as error:
        # Kept with the raw item for the inbox's error list; the item stays unprocessed.
        RawInbound.objects.filter(pk=raw_id).update(error=f"{type(error).__name__}: {error}"[:2000])
        raise


def requeue_unprocessed() -> int:
    """Gives every stranded raw item another processing task; run when a worker starts."""
    ids = list(inbound.unprocessed().values_list("pk", flat=True))
    for raw_id in ids:
        process_raw_inbound.enqueue(raw_id)
    return len(ids)


@task()
def sweep_unprocessed() -> int:
    return requeue_unprocessed()


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
    except Exception as error:
        failure = error if isinstance(error, DeliveryError) else _unexpected(error, message_id)
        final = failure.permanent or message.delivery_attempts + 1 >= MAX_ATTEMPTS
        services.mark_delivery(
            message=message,
            status=DeliveryStatus.FAILED if final else DeliveryStatus.QUEUED,
            error=failure.reason,
            actor=SYSTEM,
        )
        if not final:
            deliver_message.using(
                run_after=clock.now() + backoff(message.delivery_attempts)
            ).enqueue(message_id)
    else:
        services.mark_delivery(message=message, status=DeliveryStatus.SENT, actor=SYSTEM)
    return selectors.message_for_delivery(message_id).delivery_status
