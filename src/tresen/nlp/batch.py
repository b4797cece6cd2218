"""``tresen analyze``: JSON Lines in, one analysis per line out; no database, no server."""

import json
import sys
from collections.abc import Iterable
from typing import TextIO

from .analysis import analyze
from .model import LinearModel

MAX_TEXT = 100_000


def _parse(line: str) -> tuple[object, dict | None, str]:
    """(id, item, error) of one input line."""
    try:
        item = json.loads(line)
    except json.JSONDecodeError as error:
        return None, None, f"invalid JSON: {error.msg} at column {error.colno}"
    if not isinstance(item, dict):
        return None, None, "each line must be a JSON object"
    item_id = item.get("id")
    text, subject = item.get("text"), item.get("subject") or ""
    if not isinstance(text, str):
        return item_id, None, '"text" must be a string'
    if not isinstance(subject, str):
        return item_id, None, '"subject" must be a string'
    return item_id, item, ""


def run(
    lines: Iterable[str],
    output: TextIO,
    *,
    model: LinearModel,
    order_number_format: str = "",
    gift_card_format: str = "",
    errors: TextIO = sys.stderr,
) -> int:
    """Analyse every line; a bad line gets an ``error`` line in its place. Number of errors."""
    failed = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        item_id, item, error = _parse(line)
        if item is None:
            failed += 1
            print(f"tresen analyze: line {number}: {error}", file=errors)
            result = {"id": item_id, "error": error, "line": number}
        else:
            analysis = analyze(
                item["text"][:MAX_TEXT],
                item.get("subject") or "",
                order_number_format=order_number_format,
                gift_card_format=gift_card_format,
                model=model,
            )
            result = {"id": item_id, **analysis.as_json()}
        output.write(json.dumps(result, ensure_ascii=False) + "\n")
    return failed
