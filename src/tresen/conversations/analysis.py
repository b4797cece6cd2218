"""Every inbound message is read by ``tresen.nlp`` after it is stored (rule: events on
commit, work in a task), and what was read goes onto the message and its conversation."""

import logging

from django.conf import settings
from django_tasks import task

from tresen.core.actors import SYSTEM
from tresen.core.events import Event, subscribe
from tresen.nlp import analyze, store

from . import services
from .models import Direction, Message

log = logging.getLogger(__name__)


def analysis_of(message: Message) -> dict:
    result = analyze(
        message.text,
        message.subject,
        order_number_format=settings.TRESEN_ORDER_NUMBER_FORMAT,
        gift_card_format=settings.TRESEN_GIFT_CARD_FORMAT,
        model=store.active(settings.DATA_DIR),
    )
    return {
        **result.as_json(),
        "topics": [[label, round(p, 4)] for label, p in result.topics],
        "sentiment_confidence": round(result.sentiment_confidence, 4),
        "urgency": round(result.urgency, 4),
        "language_confidence": round(result.language_confidence, 4),
        "model": result.model_version,
    }


@task()
def analyse_message(message_id: int) -> None:
    message = Message.objects.filter(pk=message_id, direction=Direction.INBOUND).first()
    if message is None or message.analysis:
        return  # gone, or read already (a repeated task changes nothing)
    services.record_analysis(message=message, analysis=analysis_of(message), actor=SYSTEM)


@subscribe("message.created")
def analyse_inbound(event: Event) -> None:
    if event.data.get("direction") == Direction.INBOUND:
        analyse_message.enqueue(event.data["message_id"])
