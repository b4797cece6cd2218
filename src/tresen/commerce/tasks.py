import logging

from django_tasks import task

from .approvals import notify
from .linking import link_numbers
from .models import WebhookDelivery
from .webhooks import process, unprocessed

log = logging.getLogger(__name__)


@task()
def process_webhook(delivery_id: int) -> None:
    process(WebhookDelivery.objects.select_related("connection").get(pk=delivery_id))


@task()
def sweep_webhooks() -> int:
    """Retries deliveries a crash or a failing shop left unprocessed."""
    done = 0
    for delivery in unprocessed().select_related("connection")[:500]:
        try:
            process(delivery)
            done += 1
        except Exception:
            log.exception("webhook delivery %s failed again", delivery.pk)
    return done


@task()
def link_orders(conversation_id: int, numbers: list[str]) -> None:
    link_numbers(conversation_id=conversation_id, numbers=numbers)


@task()
def notify_leads(refund_id: int) -> int:
    return notify(refund_id)
