"""The English problem reports that parsing collects instead of raising."""

from __future__ import annotations

import re

# enclosed-endless style messages must not produce thousands of identical lines.
MAX_WARNINGS = 50

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Warnings:
    """Collects parsing problems once each, in order of discovery."""

    def __init__(self) -> None:
        self._items: list[str] = []
        self._seen: set[str] = set()

    def add(self, message: str) -> None:
        message = CONTROL_CHARACTERS.sub("", message)  # they quote the broken input
        if message in self._seen or len(self._items) >= MAX_WARNINGS:
            return
        self._seen.add(message)
        self._items.append(message)

    def as_tuple(self) -> tuple[str, ...]:
        return tuple(self._items)
