"""Shop-defined code formats (order numbers, gift cards) as templates.

A template such as ``NH-######`` reads: ``#`` a digit, ``*`` a letter or digit, anything
else literal. Customers write codes loosely (``nh 128846``, ``NH128846``), so matching
ignores case and accepts any separator, or none, wherever the template has one or a run of
letters meets a run of placeholders. Found codes are written back in the template's form.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

_SEPARATOR = r"[\s\-_/.]?"
_PLACEHOLDER = {"#": "[0-9]", "*": "[A-Za-z0-9]"}


@dataclass(frozen=True)
class CodeFormat:
    template: str
    pattern: re.Pattern[str]

    def normalise(self, match: re.Match[str]) -> str:
        filled = iter("".join(match.groups()).upper())
        return "".join(next(filled) if char in _PLACEHOLDER else char for char in self.template)

    def find(self, text: str) -> list[tuple[int, int, str]]:
        return [(m.start(), m.end(), self.normalise(m)) for m in self.pattern.finditer(text)]


def _kind(char: str) -> str:
    if char in _PLACEHOLDER:
        return "slot"
    return "literal" if char.isalnum() else "separator"


@lru_cache(maxsize=32)
def compile_format(template: str) -> CodeFormat | None:
    """The matcher for ``template``; None for an empty template (the shop has none)."""
    template = template.strip()
    if not template:
        return None
    if not any(char in _PLACEHOLDER for char in template):
        raise ValueError(f"format {template!r} has no # or * placeholder")
    parts: list[str] = []
    previous = ""
    for char in template:
        kind = _kind(char)
        if kind == "separator":
            if previous != "separator":
                parts.append(_SEPARATOR)
        else:
            if previous and previous not in ("separator", kind):
                parts.append(_SEPARATOR)
            parts.append(f"({_PLACEHOLDER[char]})" if kind == "slot" else re.escape(char))
        previous = kind
    body = "".join(parts)
    pattern = re.compile(rf"(?<![A-Za-z0-9]){body}(?![A-Za-z0-9])", re.IGNORECASE)
    return CodeFormat(template, pattern)
