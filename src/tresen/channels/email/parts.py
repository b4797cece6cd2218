"""One MIME part at a time: what its headers declare, its payload, and its text."""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message

from tresen.lib.html import sanitize, to_text

from .charsets import decode_bytes, to_bytes, transfer_decode
from .headers import (
    decode_8bit_header,
    normalize_message_id,
    raw_header,
    raw_headers,
    split_header,
    unfold,
)
from .parse_warnings import Warnings

# Multipart nesting beyond this is an attack or a loop, not a customer's mail.
MAX_DEPTH = 30

_CONTENT_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$")


@dataclass(frozen=True)
class PartInfo:
    content_type: str
    params: dict[str, str]
    disposition: str  # 'inline', 'attachment' or ''
    filename: str  # as declared (decoded), '' if none
    transfer_encoding: str | None  # raw value; None when the header is absent
    content_id: str

    @property
    def maintype(self) -> str:
        return self.content_type.split("/", 1)[0]

    @property
    def charset(self) -> str | None:
        return self.params.get("charset")


def _header_for_part(part: Message, name: str, warnings: Warnings) -> str | None:
    values = raw_headers(part, name)
    if len(values) > 1:
        warnings.add(f"duplicate header '{name}'")
    if not values:
        return None
    return decode_8bit_header(unfold(values[0]), name, warnings)


def _content_type(part: Message, warnings: Warnings) -> tuple[str, dict[str, str]]:
    value = _header_for_part(part, "Content-Type", warnings)
    if value is None:
        return part.get_default_type(), {}
    content_type, params = split_header(value, warnings)
    if _CONTENT_TYPE.match(content_type):
        return content_type, params
    # Python's parser treats the part as text/plain; a named part is a file though.
    name = params.get("name", "")
    guessed = mimetypes.guess_type(name)[0] if name else None
    fallback = guessed or ("application/octet-stream" if name else "text/plain")
    warnings.add(f"malformed Content-Type '{content_type[:60]}', treated as {fallback}")
    return fallback, params


def part_info(part: Message, warnings: Warnings | None = None) -> PartInfo:
    warnings = warnings or Warnings()
    content_type, params = _content_type(part, warnings)
    disposition, disposition_params = "", {}
    disposition_value = _header_for_part(part, "Content-Disposition", warnings)
    if disposition_value is not None:
        disposition, disposition_params = split_header(disposition_value, warnings)
        if disposition not in ("inline", "attachment"):
            if disposition:
                warnings.add(f"unknown Content-Disposition '{disposition[:40]}'")
            disposition = "attachment" if disposition_params.get("filename") else ""
    filename = disposition_params.get("filename") or params.get("name") or ""
    transfer_encoding = _header_for_part(part, "Content-Transfer-Encoding", warnings)
    content_id = normalize_message_id(raw_header(part, "Content-ID") or "")
    return PartInfo(content_type, params, disposition, filename, transfer_encoding, content_id)


# --- payloads ------------------------------------------------------------------------------


def _raw_payload(part: Message) -> object:
    # get_payload() re-decodes 8-bit bodies with the declared charset (and raises on some
    # charset names); get_payload(decode=True) knows only exact transfer encoding names.
    # The body as parsed is needed to do both well, and it lives in _payload.
    return getattr(part, "_payload", None)


def subparts(part: Message) -> list[Message] | None:
    """The parts inside a multipart or message/* part; None for a leaf."""
    payload = _raw_payload(part)
    return payload if isinstance(payload, list) else None


def payload_bytes(part: Message) -> bytes:
    """The body of a leaf part as it arrived, transfer encoding still applied."""
    payload = _raw_payload(part)
    if isinstance(payload, bytes):
        return payload
    if isinstance(payload, str):
        return to_bytes(payload)
    return b""


def part_content(part: Message, info: PartInfo, warnings: Warnings | None = None) -> bytes:
    """The part's body with its transfer encoding removed."""
    return transfer_decode(payload_bytes(part), info.transfer_encoding, warnings)


def iter_parts(message: Message) -> Iterator[tuple[Message, PartInfo]]:
    """Every part in document order with its PartInfo, without entering attached messages."""
    stack: list[tuple[Message, int]] = [(message, 0)]
    while stack:
        part, depth = stack.pop()
        info = part_info(part)
        yield part, info
        payload = subparts(part)
        if payload is not None and depth < MAX_DEPTH and info.maintype != "message":
            stack.extend((child, depth + 1) for child in reversed(payload))


# --- text bodies ---------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_HEAD_START = re.compile(r"<head[\s>]", re.I)
_HEAD_END = re.compile(r"</head\s*>", re.I)


def _html_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def _unflow(text: str, delsp: bool) -> str:
    """RFC 3676 format=flowed: join soft-broken lines, keep quote depth and signatures."""
    output: list[str] = []
    paragraph: list[str] | None = None  # pieces, joined once: no quadratic concatenation
    paragraph_depth = 0

    def finish() -> None:
        nonlocal paragraph
        if paragraph is not None:
            prefix = ">" * paragraph_depth + (" " if paragraph_depth else "")
            output.append(prefix + "".join(paragraph))
        paragraph = None

    for line in text.split("\n"):
        depth = len(line) - len(line.lstrip(">"))
        content = line[depth:]
        if content.startswith(" "):
            content = content[1:]  # space stuffing
        soft = content.endswith(" ") and content != "-- "
        if soft and delsp:
            content = content[:-1]
        if paragraph is not None and depth != paragraph_depth:
            finish()
        if paragraph is None:
            paragraph = []
        paragraph.append(content)
        paragraph_depth = depth
        if not soft:
            finish()
    finish()
    return "\n".join(output)


def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


def decode_text_part(part: Message, info: PartInfo, warnings: Warnings | None = None) -> str:
    """A text part's body as str: transfer encoding, charset and format=flowed handled."""
    warnings = warnings or Warnings()
    data = part_content(part, info, warnings)
    charset = info.charset
    if charset is None and info.content_type == "text/html":
        charset = _html_charset(data)
    text = normalize_newlines(decode_bytes(data, charset, warnings))
    if info.content_type == "text/plain" and info.params.get("format", "").lower() == "flowed":
        text = _unflow(text, info.params.get("delsp", "").lower() == "yes")
    return text


def _without_head(raw_html: str) -> str:
    """<title> and <style> text is not part of what the sender wrote."""
    start = _HEAD_START.search(raw_html)
    end = _HEAD_END.search(raw_html, start.end()) if start else None
    return raw_html[: start.start()] + raw_html[end.end() :] if start and end else raw_html


def html_to_text(raw_html: str) -> str:
    return to_text(_without_head(raw_html))


def sanitize_html(raw_html: str) -> str:
    return sanitize(_without_head(raw_html)).strip()
