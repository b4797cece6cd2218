"""The shop's own data makes the model better: conversations whose topic an agent set are
labelled examples; retraining combines them with the shipped base data, installs the new
version (keeping the previous one) and reports per-label quality before and after."""

import hashlib
import logging

from django.conf import settings
from django_tasks import task

from tresen.nlp import corpus, store
from tresen.nlp.evaluate import topic_report
from tresen.nlp.train import train

from .models import Conversation, Direction, Message

log = logging.getLogger(__name__)
SHOP_WEIGHT = 2.0  # the shop's own words count more than anyone's examples
MIN_NEW_LABELS = 20


def shop_rows() -> list[dict]:
    """One row per agent-labelled conversation: its first inbound message."""
    labelled = Conversation.objects.filter(topic_source="agent").exclude(topic="")
    topics = dict(labelled.values_list("pk", "topic"))
    first: dict[int, dict] = {}
    messages = Message.objects.filter(conversation_id__in=topics, direction=Direction.INBOUND)
    for conversation_id, subject, text in messages.order_by("created_at", "id").values_list(
        "conversation_id", "subject", "text"
    ):
        if conversation_id not in first:
            first[conversation_id] = {"subject": subject, "text": text,
                                      "topic": topics[conversation_id], "source": "shop",
                                      "weight": SHOP_WEIGHT}  # fmt: skip
    return [first[pk] for pk in sorted(first)]


def _held_out(row: dict) -> bool:
    digest = hashlib.sha1(row["text"].encode()).digest()  # noqa: S324 - a split
    return digest[0] % 5 == 0


def retrain(*, force: bool = False) -> dict | None:
    """Train on base + shop data; None when fewer than MIN_NEW_LABELS labels are new."""
    rows = shop_rows()
    current = store.active(settings.DATA_DIR)
    known = current.meta.get("shop_rows", 0)
    if not force and len(rows) - known < MIN_NEW_LABELS:
        return None
    evaluation = [row for row in rows if _held_out(row)]
    training = [row for row in rows if not _held_out(row)]
    model = train(corpus.base() + training, version=store.new_version())
    model.meta["shop_rows"] = len(rows)
    report = {
        "version": model.version,
        "shop_rows": len(rows),
        "evaluated_on": len(evaluation),
        "before": topic_report(current, evaluation),
        "after": topic_report(model, evaluation),
        "previous": current.version,
    }
    model.meta["report"] = report
    store.install(model, settings.DATA_DIR)
    return report


@task()
def retrain_when_due() -> None:
    report = retrain()
    if report:
        log.warning(
            "topic model %s installed: macro-F1 on %d held-out shop conversations %.3f -> %.3f",
            report["version"], report["evaluated_on"],
            report["before"]["macro_f1"], report["after"]["macro_f1"],
        )  # fmt: skip
