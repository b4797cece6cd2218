"""Training data shipped with the package: hand-written examples (``data/examples_*.jsonl``,
written for Tresen) and the mapped public sets (``data/public.jsonl``, licences beside it)."""

import json
from collections.abc import Iterable
from pathlib import Path

from .reading import reading

DATA = Path(__file__).parent / "data"
TOPICS = (
    "order_status", "shipping", "cancellation", "return", "refund", "exchange",
    "order_change", "payment", "invoice", "warranty", "product_question", "account",
    "loyalty", "gift_card", "membership", "complaint", "other",
)  # fmt: skip
SENTIMENTS = ("negative", "neutral", "positive")
# Public rows are many and in another register (banking, events): they count less.
PUBLIC_WEIGHT = 0.1


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def examples() -> list[dict]:
    rows = []
    for path in sorted(DATA.glob("examples_*.jsonl")):
        rows.extend(dict(row, source=path.stem, weight=1.0) for row in read_jsonl(path))
    return rows


def public(split: str = "train") -> list[dict]:
    path = DATA / "public.jsonl"
    if not path.exists():
        return []
    rows = read_jsonl(path)
    return [dict(row, weight=PUBLIC_WEIGHT) for row in rows if row["split"] == split]


def base() -> list[dict]:
    return examples() + public("train")


def texts(rows: Iterable[dict]) -> list[str]:
    return [reading(row["text"], row.get("subject") or "") for row in rows]
