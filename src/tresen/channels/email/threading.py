"""Which conversation a mail continues: our Message-IDs, a reply token, a ticket reference.

Every hint is only a hint: the conversation core appends a mail to the hinted conversation
only when its sender is that conversation's customer.
"""

import hmac
import re
from hashlib import sha256

from django.conf import settings

from .intake import base_address
from .models import EmailDetails, EmailInbox

_TOKEN = re.compile(r"^c(\d{1,18})\.([a-z0-9]{10})$")
_SUBJECT_REFERENCE = re.compile(r"\[#(\d{1,18})\]")


def _signature(conversation_id: int) -> str:
    key = f"tresen.reply-token:{settings.SECRET_KEY}".encode()
    digest = hmac.new(key, str(conversation_id).encode(), sha256).hexdigest()
    return digest[:10]


def reply_address(address: str, conversation_id: int) -> str:
    """`support@shop.de` -> `support+c42.1a2b3c4d5e@shop.de`, answerable only for #42."""
    local, _, domain = address.rpartition("@")
    return f"{local}+c{conversation_id}.{_signature(conversation_id)}@{domain}"


def conversation_from_token(addresses) -> int | None:
    for address in addresses:
        local = address.strip().strip("<>").rpartition("@")[0].lower()
        _, plus, tag = local.partition("+")
        match = _TOKEN.match(tag) if plus else None
        if match and hmac.compare_digest(match[2], _signature(int(match[1]))):
            return int(match[1])
    return None


def subject_reference(subject: str) -> int | None:
    match = _SUBJECT_REFERENCE.search(subject or "")
    return int(match[1]) if match else None


def with_reference(subject: str, conversation_id: int) -> str:
    if subject_reference(subject) == conversation_id:
        return subject
    return f"{subject} [#{conversation_id}]".strip()


def conversation_from_headers(in_reply_to, references) -> int | None:
    """The conversation of the newest referenced mail we know (sent or received)."""
    wanted = [*in_reply_to, *reversed(references)]
    if not wanted:
        return None
    found = dict(
        EmailDetails.objects.filter(header_id__in=wanted[:50]).values_list(
            "header_id", "message__conversation_id"
        )
    )
    return next((found[i] for i in wanted if i in found), None)


def thread_hint(parsed, recipients) -> int | None:
    return (
        conversation_from_headers(parsed.in_reply_to, parsed.references)
        or conversation_from_token(recipients)
        or subject_reference(parsed.subject)
    )


def is_own_address(address: str) -> bool:
    return EmailInbox.objects.filter(address=base_address(address)).exists()
