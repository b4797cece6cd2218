"""The public intent sets mapped onto Tresen's topics, for ``data/public.jsonl``.

Only intents that mean one of our topics are taken (Bitext's "delivery period" mixes
before and after ordering, so it is left out). Each intent is capped so the big sets do not
drown the hand-written examples, and a stable fifth of the rows is held out for evaluation.
"""

import csv
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

from .features import fold

_BITEXT = {
    "track_order": "order_status",
    "delivery_options": "shipping",
    "cancel_order": "cancellation",
    "check_cancellation_fee": "cancellation",
    "change_order": "order_change",
    "change_shipping_address": "order_change",
    "check_invoice": "invoice",
    "check_invoices": "invoice",
    "get_invoice": "invoice",
    "check_payment_methods": "payment",
    "payment_issue": "payment",
    "get_refund": "refund",
    "track_refund": "refund",
    "check_refund_policy": "return",
    "complaint": "complaint",
    "review": "other",
    "create_account": "account",
    "delete_account": "account",
    "edit_account": "account",
    "recover_password": "account",
    "registration_problems": "account",
    "switch_account": "account",
    "newsletter_subscription": "membership",
}
_CLINC = {
    "order_status": "order_status",
    "redeem_rewards": "loyalty",
    "rewards_balance": "loyalty",
    "thank_you": "other",
}
_BANKING = {
    "transaction_charged_twice": "payment",
    "declined_card_payment": "payment",
    "card_payment_not_recognised": "payment",
    "pending_card_payment": "payment",
    "Refund_not_showing_up": "refund",
}
_SOURCES = {
    "bitext-customer-support-20k": ("TrainingdatasetBitextsample.csv", "utterance", _BITEXT),
    "bitext-customer-service-8k": (
        "Bitext_Sample_Customer_Service_Training_Dataset.csv",
        "utterance",
        _BITEXT,
    ),
    "bitext-llm-chatbot-4.5k-official": (
        "Bitext_Sample_Customer_Support_Training_Dataset_4514_with_entities.csv",
        "instruction",
        _BITEXT,
    ),
    "banking77-polyai": ("train.csv", "text", _BANKING),
}
CAP_PER_INTENT = 120


def _csv_rows(path: Path, text_column: str) -> Iterator[tuple[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            yield row[text_column], row.get("intent") or row.get("category") or ""


def _clinc_rows(directory: Path) -> Iterator[tuple[str, str]]:
    data = json.loads((directory / "data_full.json").read_text())
    for part in ("train", "val", "test"):
        yield from ((text, intent) for text, intent in data[part])


def _digest(text: str) -> bytes:
    return hashlib.sha1(fold(text).encode()).digest()  # noqa: S324 - a split, not security


def records(intents_dir: Path) -> list[dict]:
    """Mapped, deduplicated rows of every public set under ``intents_dir``; per intent a
    pseudo-random (hash-ordered) sample of at most ``CAP_PER_INTENT``."""
    sources: list[tuple[str, Iterator[tuple[str, str]], dict[str, str]]] = [
        (name, _csv_rows(intents_dir / name / file, column), mapping)
        for name, (file, column, mapping) in _SOURCES.items()
    ]
    sources.append(("clinc150-oos-eval", _clinc_rows(intents_dir / "clinc150-oos-eval"), _CLINC))
    seen: set[str] = set()
    rows = []
    for name, rows_of_source, mapping in sources:
        by_intent: dict[str, list[tuple[bytes, str]]] = {}
        for text, intent in rows_of_source:
            key = fold(text).strip()
            if intent in mapping and key not in seen:
                seen.add(key)
                by_intent.setdefault(intent, []).append((_digest(text), text.strip()))
        for intent, items in by_intent.items():
            for digest, text in sorted(items)[:CAP_PER_INTENT]:
                split = "test" if digest[-1] % 5 == 0 else "train"
                rows.append({"text": text, "language": "en", "topic": mapping[intent],
                             "source": name, "intent": intent, "split": split})  # fmt: skip
    return rows
