"""Which orders a conversation is about, by the numbers its messages name."""

import logging

from .base import ProviderError
from .models import ConversationOrder, Order, ShopConnection, number_key
from .registry import provider_for
from .sync import upsert_order

log = logging.getLogger(__name__)
MAX_NUMBERS = 10


def link_numbers(*, conversation_id: int, numbers: list[str]) -> list[ConversationOrder]:
    """Links each number to its order; one Tresen has not seen is asked of the shops, and a
    number no shop knows stays linked without an order (the card says so)."""
    links = []
    for number in dict.fromkeys(n.strip() for n in numbers[:MAX_NUMBERS] if n.strip()):
        key = number_key(number)
        order = Order.objects.filter(number_key=key).order_by("-placed_at").first()
        if order is None:
            order = _ask_shops(number)
        link, _ = ConversationOrder.objects.get_or_create(
            conversation_id=conversation_id,
            number=number[:50],
            defaults={"order": order},
        )
        if link.order_id is None and order is not None:
            link.order = order
            link.save(update_fields=["order"])
        links.append(link)
    return links


def _ask_shops(number: str) -> Order | None:
    for connection in ShopConnection.objects.filter(is_active=True):
        try:
            found = provider_for(connection).find_order(number)
        except (ProviderError, NotImplementedError) as error:
            log.warning("looking up %s in %s failed: %s", number, connection, error)
            continue
        except Exception:
            log.exception("looking up %s in %s failed", number, connection)
            continue
        if found is not None:
            return upsert_order(connection, found).order
    return None
