"""Address headers (From, To, Cc, ...): display names and normalised addresses, also from
lists that mail clients got wrong."""

from __future__ import annotations

import re
from email.message import Message

from .headers import (
    WHITESPACE,
    decode_8bit_header,
    decode_encoded_words,
    raw_header,
    raw_headers,
    strip_comments,
    unfold,
)
from .parse_warnings import CONTROL_CHARACTERS, Warnings

_LOCAL_PART = re.compile(r'^(?:"[^"]*"|[^\s"(),:;<>@\[\\\]]+)$')
_DOMAIN = re.compile(r"^(?:\[[^\]\s]*\]|[^\s\"(),:;<>@\[\\\]]+)$")


def _split_top_level(text: str, separators: str) -> list[str]:
    """Split at separators outside quotes, comments and angle brackets."""
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    comment_depth = 0
    in_angle = False
    escape = False
    for char in text:
        if escape:
            escape = False
        elif char == "\\" and (quoted or comment_depth):
            escape = True
        elif quoted:
            quoted = char != '"'
        elif char == '"' and not comment_depth:
            quoted = True
        elif char == "(":
            comment_depth += 1
        elif char == ")" and comment_depth:
            comment_depth -= 1
        elif comment_depth:
            pass
        elif char == "<":
            in_angle = True
        elif char == ">":
            in_angle = False
        elif char in separators and not in_angle:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def _clean_display_name(name: str, warnings: Warnings) -> str:
    name = name.strip()
    if len(name) >= 2 and name[0] == name[-1] == '"':
        name = re.sub(r"\\(.)", r"\1", name[1:-1])
    name = decode_encoded_words(name.replace('"', " "), warnings)
    return WHITESPACE.sub(" ", CONTROL_CHARACTERS.sub("", name)).strip().strip("'").strip()


def normalize_address(address: str) -> str:
    """local@domain with the domain lower-cased; '' if it is not an address."""
    address, _ = strip_comments(address)
    address = WHITESPACE.sub("", address).strip("<>")
    if address.startswith("@") and ":" in address:  # obsolete source route
        address = address.split(":", 1)[1]
    local, at, domain = address.rpartition("@")
    domain = domain.rstrip(".").lower()
    if not at or not _LOCAL_PART.match(local) or not _DOMAIN.match(domain):
        return ""
    if CONTROL_CHARACTERS.search(address):
        return ""
    return f"{local}@{domain}"


def _parse_mailbox(entry: str, warnings: Warnings) -> tuple[str, str]:
    entry = entry.strip()
    colon = _split_top_level(entry, ":")
    if len(colon) > 1 and "@" not in colon[0] and "<" not in colon[0]:
        entry = ":".join(colon[1:]).strip()  # group syntax "Team: a@b, c@d;"
    opening = entry.rfind("<")
    closing = entry.find(">", opening)
    if opening >= 0 and closing > opening:
        address = normalize_address(entry[opening + 1 : closing])
        outside = entry[:opening] + " " + entry[closing + 1 :]
        name_part, comment = strip_comments(outside)
        return _clean_display_name(name_part or comment, warnings), address
    bare, comment = strip_comments(entry)
    words = bare.split()
    # Without brackets the address is the word with the '@': "John Doe john@example.com".
    address_words = [word for word in words if "@" in word]
    if len(words) > 1 and address_words and '"' not in bare:
        name = " ".join(word for word in words if "@" not in word) or comment
        return _clean_display_name(name, warnings), normalize_address(address_words[0])
    address = normalize_address(bare)
    name = comment if address else bare
    return _clean_display_name(name, warnings), address


def _entries(text: str) -> list[str]:
    """Address list entries; also splits the invalid 'a@example.com b@example.com'."""
    entries = []
    for entry in _split_top_level(text, ",;"):
        words = entry.split()
        if "<" not in entry and '"' not in entry and sum("@" in word for word in words) > 1:
            entries.extend(words)
        else:
            entries.append(entry)
    return entries


def parse_addresses(
    value: str, warnings: Warnings | None = None, name: str = "address"
) -> list[tuple[str, str]]:
    """(display name, address) pairs from an address list header, raw or unfolded.

    The address inside <> always wins over a display name that looks like an address,
    so "ceo@shop.example <attacker@evil.example>" is attacker@evil.example.
    """
    warnings = warnings or Warnings()
    text = decode_8bit_header(unfold(value), name, warnings)
    mailboxes: list[tuple[str, str]] = []
    pending_name: list[str] = []
    for entry in _entries(text):
        if not entry.strip():
            continue
        name, address = _parse_mailbox(entry, warnings)
        if not address:
            # "Müller, Hans <h@x>" without quotes: the comma split the display name.
            if name and "@" not in entry:
                pending_name.append(name)
            continue
        if pending_name and "<" in entry:
            name = ", ".join([*pending_name, name]) if name else ", ".join(pending_name)
        pending_name = []
        mailboxes.append((name, address))
    return mailboxes


def header_addresses(part: Message, *names: str, warnings: Warnings) -> tuple[str, ...]:
    """The unique addresses of all these headers, in order."""
    found = (
        address
        for name in names
        for value in raw_headers(part, name)
        for _display, address in parse_addresses(value, warnings, name)
    )
    return tuple(dict.fromkeys(found))


def sender(message: Message, warnings: Warnings) -> tuple[str, str]:
    """(address, display name) from From; the name alone when the address is unusable."""
    value = raw_header(message, "From")
    if value is None:
        return "", ""
    mailboxes = parse_addresses(value, warnings, "From")
    if mailboxes:
        return mailboxes[0][1], mailboxes[0][0]
    warnings.add("malformed header 'From'")
    name, _address = _parse_mailbox(decode_8bit_header(unfold(value), "From", warnings), warnings)
    return "", name
