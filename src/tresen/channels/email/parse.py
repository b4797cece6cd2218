"""Inbound email: raw RFC 5322 bytes in, a plain `ParsedEmail` out.

Pure (no database, no settings) and defensive: real mail servers deliver broken MIME,
lying charsets and junk transfer encodings. Every problem becomes an English entry in
`ParsedEmail.warnings`; `parse_email` itself never raises.

The structure is split by Python's `email` package with the compat32 policy: the modern
policy parses every Content-Type header through a slow full grammar (3 MB of nested parts
take seconds) and raises on odd headers. Header values, parameters, charsets and transfer
encodings are decoded by this package's own modules, from the raw values, so one broken
part cannot lose the others.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass, replace
from datetime import datetime
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser

from .addresses import header_addresses, sender
from .body import Attachment, read_body
from .bounce import Bounce, detect_bounce
from .charsets import decode_utf8_or_cp1252, to_bytes
from .headers import (
    WHITESPACE,
    decoded_headers,
    header_keyword,
    header_message_ids,
    header_text,
    message_ids,
    normalize_message_id,
    parse_date,
    raw_header,
    raw_headers,
)
from .parse_warnings import CONTROL_CHARACTERS, Warnings
from .parts import html_to_text, normalize_newlines, sanitize_html

__all__ = ["ParsedAttachment", "ParsedEmail", "message_ids", "parse_email"]


@dataclass(frozen=True)
class ParsedAttachment:
    filename: str  # decoded (RFC 2047/2231), never empty
    content_type: str  # lower-case type/subtype
    content: bytes
    inline: bool  # referenced from the HTML (cid:) or disposition inline with a Content-ID
    content_id: str  # without <>, '' if none


@dataclass(frozen=True)
class ParsedEmail:
    message_id: str
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    subject: str
    from_address: str
    from_name: str
    reply_to: tuple[str, ...]
    to: tuple[str, ...]
    cc: tuple[str, ...]
    delivered_to: tuple[str, ...]
    date: datetime | None
    text: str
    html: str
    attachments: tuple[ParsedAttachment, ...]
    auto_submitted: str
    precedence: str
    is_mailing_list: bool
    bounce: Bounce | None
    headers: tuple[tuple[str, str], ...]
    warnings: tuple[str, ...]


def parse_email(raw: bytes) -> ParsedEmail:
    """Never raises for any input bytes (empty, binary garbage, truncated, huge)."""
    warnings = Warnings()
    if isinstance(raw, str):
        raw = to_bytes(raw)
    raw = bytes(raw or b"")
    if not raw.strip():
        warnings.add("empty message")
        return _unreadable(b"", warnings)
    try:
        parsed = _build(raw, warnings)
    except Exception as error:
        warnings.add(f"could not parse the message: {type(error).__name__}")
        return _unreadable(raw, warnings)
    # Header decoding and bounce analysis add warnings while the result is assembled.
    return replace(parsed, warnings=warnings.as_tuple())


def _build(raw: bytes, warnings: Warnings) -> ParsedEmail:
    message = BytesParser(_class=EmailMessage, policy=policy.compat32).parsebytes(raw)
    body = read_body(message, _line_separator(raw), warnings)
    raw_html = "\n".join(body.htmls)
    html = sanitize_html(raw_html) if raw_html.strip() else ""
    text = _join_texts(body.texts) or (html_to_text(raw_html) if raw_html.strip() else "")
    _check_single_headers(message, warnings)
    from_address, from_name = sender(message, warnings)
    subject = WHITESPACE.sub(" ", header_text(message, "Subject", warnings)).strip()
    return ParsedEmail(
        message_id=normalize_message_id(raw_header(message, "Message-ID") or ""),
        in_reply_to=header_message_ids(message, "In-Reply-To"),
        references=header_message_ids(message, "References"),
        subject=CONTROL_CHARACTERS.sub("", subject),
        from_address=from_address,
        from_name=from_name,
        reply_to=header_addresses(message, "Reply-To", warnings=warnings),
        to=header_addresses(message, "To", warnings=warnings),
        cc=header_addresses(message, "Cc", warnings=warnings),
        delivered_to=header_addresses(message, "Delivered-To", "X-Original-To", warnings=warnings),
        date=parse_date(raw_header(message, "Date"), warnings),
        text=text,
        html=html,
        attachments=_finish_attachments(body.attachments, raw_html),
        auto_submitted=_auto_submitted(message),
        precedence=_precedence(message),
        is_mailing_list=_is_mailing_list(message),
        bounce=_bounce(message, warnings),
        headers=decoded_headers(message, warnings),
        warnings=(),
    )


def _line_separator(raw: bytes) -> str:
    first_newline = raw.find(b"\n")
    return "\r\n" if first_newline > 0 and raw[first_newline - 1 : first_newline] == b"\r" else "\n"


def _join_texts(texts: list[str]) -> str:
    return "\n\n".join(text.strip("\n") for text in texts if text.strip()).strip()


_CID_REFERENCE = re.compile(r"""cid:([^"'\s>)]+)""", re.I)


def _finish_attachments(pending: list[Attachment], raw_html: str) -> tuple[ParsedAttachment, ...]:
    referenced = {urllib.parse.unquote(cid) for cid in _CID_REFERENCE.findall(raw_html)}
    return tuple(
        ParsedAttachment(
            filename=item.filename,
            content_type=item.content_type,
            content=item.content,
            inline=bool(item.content_id)
            and (item.content_id in referenced or item.disposition_inline),
            content_id=item.content_id,
        )
        for item in pending
    )


# --- top-level headers ---------------------------------------------------------------------

_SINGLE_HEADERS = ("From", "Subject", "Date", "Message-ID", "Content-Type")
_BULK_PRECEDENCE = {"bulk", "list", "junk"}


def _check_single_headers(message: Message, warnings: Warnings) -> None:
    for name in _SINGLE_HEADERS:
        if len(raw_headers(message, name)) > 1:
            warnings.add(f"duplicate header '{name}'")


def _auto_submitted(message: Message) -> str:
    value = header_keyword(message, "Auto-Submitted")
    return "" if value in ("", "no") else value


def _precedence(message: Message) -> str:
    value = header_keyword(message, "Precedence")
    return value if value in _BULK_PRECEDENCE else ""


def _is_mailing_list(message: Message) -> bool:
    return bool(raw_headers(message, "List-Id") or raw_headers(message, "List-Unsubscribe"))


def _bounce(message: EmailMessage, warnings: Warnings) -> Bounce | None:
    try:
        return detect_bounce(message)
    except Exception as error:
        warnings.add(f"could not analyse a delivery status notification: {type(error).__name__}")
        return None


def _unreadable(raw: bytes, warnings: Warnings) -> ParsedEmail:
    text, _ = decode_utf8_or_cp1252(raw)
    return ParsedEmail(
        message_id="",
        in_reply_to=(),
        references=(),
        subject="",
        from_address="",
        from_name="",
        reply_to=(),
        to=(),
        cc=(),
        delivered_to=(),
        date=None,
        text=normalize_newlines(text).strip(),
        html="",
        attachments=(),
        auto_submitted="",
        precedence="",
        is_mailing_list=False,
        bounce=None,
        headers=(),
        warnings=warnings.as_tuple(),
    )
