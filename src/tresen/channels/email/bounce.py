"""Delivery status notifications: is this mail a bounce of one we sent, and of which?

Standard DSNs (RFC 3464: multipart/report; report-type=delivery-status) are read field by
field. Mail servers that send free text instead are recognised by their sender and subject,
and the failed recipients, reason and original Message-ID are searched in the text.
Read receipts (disposition-notification) and feedback reports are not bounces.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from email.message import EmailMessage, Message

from .addresses import normalize_address, parse_addresses
from .charsets import decode_bytes
from .headers import (
    decode_header_value,
    header_keyword,
    header_text,
    message_ids,
    normalize_message_id,
    raw_header,
    raw_headers,
)
from .parts import (
    PartInfo,
    decode_text_part,
    html_to_text,
    iter_parts,
    part_content,
    part_info,
    payload_bytes,
    subparts,
)

MAX_REASON = 500
# A server's explanation is a few lines; more is a quoted original or an attack on the regexes.
MAX_NOTIFICATION = 50_000

_STATUS_PATTERN = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")
_STATUS_TEXT = {
    "0": "other or undefined status",
    "1": "bad destination address",
    "2": "mailbox problem",
    "3": "mail system problem",
    "4": "network or routing problem",
    "5": "mail delivery protocol problem",
    "6": "message content problem",
    "7": "security or policy problem",
}
_DELIVERY_STATUS_TYPES = {"message/delivery-status", "message/global-delivery-status"}
_EMBEDDED_MESSAGES = {"message/rfc822", "message/global"}
_HEADER_TYPES = {"text/rfc822-headers", "message/global-headers"}

# Local parts that only mail servers send from.
_DAEMON_SENDERS = {
    "mailer-daemon",
    "mailer_daemon",
    "mailerdaemon",
    "mail-daemon",
    "maildaemon",
    "postmaster",
    "mail.daemon",
}
_BOUNCE_SUBJECT = re.compile(
    r"undeliver|returned mail|returned to sender|delivery status notification"
    r"|delivery (?:has )?fail|failure notice|mail delivery (?:failed|failure|problem|system)"
    r"|could not be delivered|not delivered|delivery (?:problem|failure|notification)"
    r"|mail system error|delayed mail|delivery delayed|could not send message"
    r"|unzustellbar|nicht zustellbar|zustellung fehlgeschlagen|non remis|non recapitabile"
    r"|onbestelbaar|no se puede entregar",
    re.I,
)
# Success notifications share the words above.
_SUCCESS_SUBJECT = re.compile(r"\((?:success|relay|relayed|delivered)\)|^delivered:", re.I)
# In a shop "could not be delivered" is often about a parcel: replies and auto-replies that
# say so are conversation, not bounces, unless a mail server sent them.
_REPLY_SUBJECT = re.compile(
    r"^\s*(?:re|aw|sv|vs|antw|fw|fwd|wg|tr)\s*:|^\s*(?:automatic reply|automatische antwort"
    r"|auto-?reply|out of (?:the )?office|abwesen)",
    re.I,
)
_DELAY_WORDS = re.compile(
    r"delay|warning|still being retried|will (?:be )?retr|will continue|not yet been delivered"
    r"|deferred|verzögert|temporar",
    re.I,
)
_SMTP_REPLY = re.compile(r"\b([45])\d\d[ -](?:[45]\.\d{1,3}\.\d{1,3}\b)?[^\n]*")
_PROBLEM_LINE = re.compile(
    r"fail|error|reject|unknown|not found|does not exist|no such|full|quota|denied|invalid"
    r"|unzustellbar|konnte nicht|nicht zugestellt",
    re.I,
)
# Where the quoted original starts in a free-text bounce.
_ORIGINAL_STARTS = re.compile(
    r"^[ \t]*-*[ \t]*(?:original message|this is a copy|below this line|undelivered message"
    r"|original-nachricht|ursprüngliche nachricht|original message follows)"
    r"|^(?:received|return-path|dkim-signature|message-id|mime-version|from|date|subject):[ \t]",
    re.I | re.M,
)
_MESSAGE_ID_LINE = re.compile(r"^[ \t>]*message-id:\s*(<[^>\s]+>)", re.I | re.M)
# Bounded repetitions keep the searches linear on hostile, endless lines.
_ADDRESS = r"[^\s<>@:;,()\"']{1,64}@[^\s<>@:;,()\"']{1,255}?"
_RECIPIENT_LINES = (
    # Postfix / sendmail: "<user@example.com>: host ... said:" or "<user@x>... Deferred"
    re.compile(rf"^[ \t]*<({_ADDRESS})>[ \t]*(?::|\.\.\.|\(|$)", re.M),
    # Gmail / Exim: the address alone on an indented line
    re.compile(rf"^[ \t]*<?({_ADDRESS})>?\.?[ \t]*$", re.M),
    # "Delivery failed 10 attempts: user@example.com"
    re.compile(
        rf"(?:fail|undeliver|unzustellbar|reject)[^\n:]{{0,200}}:[ \t]*<?({_ADDRESS})>?[ \t]*$",
        re.I | re.M,
    ),
)


@dataclass(frozen=True)
class Bounce:
    permanent: bool  # 5.x.x / hard failure vs 4.x.x delay
    reason: str  # short human readable reason, <= MAX_REASON chars
    original_message_ids: tuple[str, ...]  # Message-IDs of the bounced mail, normalised
    recipients: tuple[str, ...]  # failed recipients (lower-case addresses)


@dataclass(frozen=True)
class _Recipient:
    address: str
    action: str
    status: str
    diagnostic: str

    @property
    def status_class(self) -> str:
        match = _STATUS_PATTERN.search(self.status)
        return match.group(1) if match else ""

    @property
    def failed(self) -> bool:
        if self.action in ("failed", "delayed"):
            return True
        return not self.action and self.status_class in ("4", "5")

    @property
    def permanent(self) -> bool:
        # The status code knows best: "failed" with 4.x.x means the server gave up waiting.
        if self.action == "delayed":
            return False
        if self.status_class:
            return self.status_class == "5"
        return self.action == "failed"


# The parts of the notification, outside attached messages, with their decoded headers.
Parts = list[tuple[Message, PartInfo]]


def detect_bounce(msg: EmailMessage) -> Bounce | None:
    """A Bounce for delivery failures and delays; None for anything else."""
    parts = list(iter_parts(msg))
    status_parts = [part for part, info in parts if info.content_type in _DELIVERY_STATUS_TYPES]
    report_types = [
        info.params.get("report-type", "").strip().lower()
        for _part, info in parts
        if info.content_type == "multipart/report"
    ]
    if status_parts or "delivery-status" in report_types:
        recipients = [r for part in status_parts for r in _recipients(part)]
        if recipients:
            return _from_status_fields(msg, parts, recipients)
        return _from_free_text(msg, parts, is_report=True)
    if report_types:
        return None  # read receipts, feedback loops
    return _from_free_text(msg, parts, is_report=False)


# --- RFC 3464 fields -----------------------------------------------------------------------

_FIELD = re.compile(r"^([A-Za-z][A-Za-z0-9-]*)[ \t]*:[ \t]*(.*)$")


def _fields_from_text(text: str) -> list[list[tuple[str, str]]]:
    blocks: list[list[tuple[str, str]]] = [[]]
    for line in text.replace("\r\n", "\n").split("\n"):
        if not line.strip():
            if blocks[-1]:
                blocks.append([])
            continue
        match = _FIELD.match(line)
        if match:
            blocks[-1].append((match.group(1).lower(), match.group(2).strip()))
        elif line[:1] in " \t" and blocks[-1]:
            name, value = blocks[-1][-1]
            blocks[-1][-1] = (name, f"{value} {line.strip()}")
    return [block for block in blocks if block]


def _status_blocks(part: Message) -> list[list[tuple[str, str]]]:
    payload = subparts(part)
    if payload is None:
        content = part_content(part, part_info(part))
        return _fields_from_text(decode_bytes(content, None))
    blocks = []
    for block in payload:
        fields = [(str(k).lower(), decode_header_value(v)) for k, v in block.raw_items()]
        blocks.append(fields)
        body = payload_bytes(block)
        if body.strip():
            # Fields after a line Python could not read as a header end up in the body.
            blocks.extend(_fields_from_text(decode_bytes(body, None)))
    return blocks


def _typed_address(value: str) -> str:
    """'rfc822; <User@Example.com>' -> 'user@example.com'."""
    address = value.split(";", 1)[-1]
    return normalize_address(address).lower()


def _recipients(part: Message) -> list[_Recipient]:
    recipients: list[_Recipient] = []
    for block in _status_blocks(part):
        current: dict[str, str] = {}
        for name, value in block:
            starts_new = name == "final-recipient" and "final-recipient" in current
            starts_new |= name == "original-recipient" and (
                "final-recipient" in current or "action" in current
            )
            if starts_new:
                recipients.extend(_recipient_from(current))
                current = {}
            current.setdefault(name, value)
        recipients.extend(_recipient_from(current))
    return recipients


def _recipient_from(fields: dict[str, str]) -> list[_Recipient]:
    if not ({"action", "status", "final-recipient"} & fields.keys()):
        return []  # the per-message block (Reporting-MTA, Arrival-Date)
    address = _typed_address(fields.get("final-recipient") or fields.get("original-recipient", ""))
    return [
        _Recipient(
            address=address,
            action=fields.get("action", "").split()[0].lower() if fields.get("action") else "",
            status=fields.get("status", ""),
            diagnostic=fields.get("diagnostic-code", ""),
        )
    ]


def _from_status_fields(msg: Message, parts: Parts, recipients: list[_Recipient]) -> Bounce | None:
    failed = [recipient for recipient in recipients if recipient.failed]
    if not failed:
        return None  # delivered / relayed / expanded: a success notification
    permanent = any(recipient.permanent for recipient in failed)
    relevant = [recipient for recipient in failed if recipient.permanent == permanent]
    return Bounce(
        permanent=permanent,
        reason=_reason_from_fields(relevant[0]),
        original_message_ids=_original_message_ids(msg, parts),
        recipients=_unique(recipient.address for recipient in relevant if recipient.address),
    )


def _reason_from_fields(recipient: _Recipient) -> str:
    kind, separator, text = recipient.diagnostic.partition(";")
    # "smtp; 550 ..." - the diagnostic type is noise for a human.
    diagnostic = text if separator and " " not in kind.strip() else recipient.diagnostic
    if diagnostic.strip():
        return _short(diagnostic)
    match = _STATUS_PATTERN.search(recipient.status)
    if match:
        return _short(f"{match.group(0)} {_STATUS_TEXT.get(match.group(2), '')}")
    return _short(recipient.action or "delivery failed")


# --- free-text bounces ---------------------------------------------------------------------


def _local_part(address: str) -> str:
    return address.rpartition("@")[0].lower() if "@" in address else address.lower()


def _sent_by_mail_server(msg: Message) -> bool:
    for name in ("From", "Sender"):
        for value in raw_headers(msg, name):
            for display, address in parse_addresses(value):
                if _local_part(address or display) in _DAEMON_SENDERS:
                    return True
    return False


def _null_sender(msg: Message) -> bool:
    for name in ("Return-Path", "X-Envelope-From"):
        value = raw_header(msg, name)
        if value is not None and value.strip() in ("<>", ""):
            return True
    return False


def _auto_submitted(msg: Message) -> bool:
    return header_keyword(msg, "Auto-Submitted") not in ("", "no")


def _from_free_text(msg: Message, parts: Parts, is_report: bool) -> Bounce | None:
    subject = header_text(msg, "Subject")
    failed_recipients = raw_headers(msg, "X-Failed-Recipients")
    from_server = _sent_by_mail_server(msg)
    bounce_subject = bool(_BOUNCE_SUBJECT.search(subject)) and not _SUCCESS_SUBJECT.search(subject)
    automatic = (_null_sender(msg) or _auto_submitted(msg)) and not _REPLY_SUBJECT.search(subject)
    if not (
        is_report
        or (bounce_subject and (from_server or automatic))
        or (from_server and failed_recipients)
    ):
        return None
    notification = _notification_text(parts)
    return Bounce(
        permanent=_permanent_from_text(subject, notification),
        reason=_reason_from_text(notification, subject),
        original_message_ids=_original_message_ids(msg, parts),
        recipients=_recipients_from_text(msg, notification, failed_recipients),
    )


def _notification_text(parts: Parts) -> str:
    """The server's explanation: the first text part, cut where the quoted original starts."""
    for part, info in parts:
        if info.content_type not in ("text/plain", "text/html") or info.disposition == "attachment":
            continue
        text = decode_text_part(part, info)
        if info.content_type == "text/html":
            text = html_to_text(text)
        if not text.strip():
            continue
        text = text[:MAX_NOTIFICATION]
        start = _ORIGINAL_STARTS.search(text)
        return text[: start.start()] if start else text
    return ""


def _permanent_from_text(subject: str, text: str) -> bool:
    if _DELAY_WORDS.search(subject):
        return False
    classes = {match.group(1) for match in _SMTP_REPLY.finditer(text)}
    classes |= {match.group(1) for match in _STATUS_PATTERN.finditer(text)} - {"2"}
    if "5" in classes:
        return True
    if "4" in classes:
        return False
    return not _DELAY_WORDS.search(text)


def _reason_from_text(text: str, subject: str) -> str:
    match = _SMTP_REPLY.search(text)
    if match:
        return _short(match.group(0))
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for index, line in enumerate(lines):
        if _PROBLEM_LINE.search(line):
            # "Technical details of permanent failure:" announces the reason on the next line.
            if line.endswith(":") and index + 1 < len(lines):
                return _short(f"{line} {lines[index + 1]}")
            return _short(line)
    return _short(subject or "delivery failed")


def _recipients_from_text(msg: Message, text: str, failed_recipients: list[str]) -> tuple[str, ...]:
    found = [
        address.lower()
        for value in failed_recipients
        for _name, address in parse_addresses(value)
        if address
    ]
    if not found:
        for pattern in _RECIPIENT_LINES:
            found.extend(normalize_address(match).lower() for match in pattern.findall(text))
    own = {
        address.lower()
        for name in ("From", "To", "Sender", "Return-Path")
        for value in raw_headers(msg, name)
        for _display, address in parse_addresses(value)
    }
    return _unique(
        address
        for address in found
        if address and address not in own and _local_part(address) not in _DAEMON_SENDERS
    )


# --- the original message ------------------------------------------------------------------


def _original_message_ids(msg: Message, parts: Parts) -> tuple[str, ...]:
    own_id = normalize_message_id(raw_header(msg, "Message-ID") or "")
    ids: list[str] = []
    for part, info in parts:
        payload = subparts(part)
        if info.content_type in _EMBEDDED_MESSAGES and payload:
            ids.append(normalize_message_id(raw_header(payload[0], "Message-ID") or ""))
        elif info.content_type in _HEADER_TYPES:
            ids.extend(_ids_in_text(decode_text_part(part, info)))
    if not any(ids):
        # Free-text bounces quote the original headers in their body.
        for part, info in parts:
            if info.maintype == "text" and info.content_type != "text/html":
                ids.extend(_ids_in_text(decode_text_part(part, info)))
    return _unique(i for i in ids if i and i != own_id)


def _ids_in_text(text: str) -> list[str]:
    text = html.unescape(text)
    return [i for match in _MESSAGE_ID_LINE.findall(text) for i in message_ids(match)]


# --- helpers -------------------------------------------------------------------------------


def _short(text: str) -> str:
    return " ".join(text.split())[:MAX_REASON]


def _unique(values) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))
