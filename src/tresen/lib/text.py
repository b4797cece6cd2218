"""Small text helpers used across modules."""

import re

_SPACE = re.compile(r"\s+")


def one_line(text: str, limit: int = 140) -> str:
    text = _SPACE.sub(" ", text or "").strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def first_name(full_name: str) -> str:
    parts = (full_name or "").strip().split()
    return parts[0] if parts else ""

