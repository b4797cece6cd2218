from tresen.conversations.models import Direction
from tresen.core.events import Event, subscribe

from .tasks import deliver_message


@subscribe("message.created")
def queue_delivery(event: Event) -> None:
    if event.data.get("direction") == Direction.OUTBOUND:
        deliver_message.enqueue(event.data["message_id"])


from .webchat import receivers as webchat_receivers  # noqa: E402,F401
