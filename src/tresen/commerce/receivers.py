"""Orders meet conversations: numbers the analysis found link the conversation to them."""

from tresen.core.events import Event, subscribe

from .tasks import link_orders, notify_leads


@subscribe("conversation.classified")
def link_named_orders(event: Event) -> None:
    numbers = event.data.get("order_numbers") or []
    if numbers:
        link_orders.enqueue(event.data["conversation_id"], list(numbers))


@subscribe("refund.approval_requested")
def tell_leads(event: Event) -> None:
    notify_leads.enqueue(event.data["refund_id"])
