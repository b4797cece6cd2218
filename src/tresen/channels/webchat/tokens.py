"""Who a visitor is: a signed token the widget keeps, and the shop's signature of an email."""

import hashlib
import hmac
import uuid

from django.core import signing

SALT = "tresen.chat.visitor"


def visitor_token(visitor_id: uuid.UUID, chat_inbox_id: int) -> str:
    return signing.dumps({"v": str(visitor_id), "i": chat_inbox_id}, salt=SALT)


def visitor_from_token(token: str, chat_inbox_id: int) -> uuid.UUID | None:
    """The visitor id of a token issued for this chat inbox; None for anything else."""
    try:
        data = signing.loads(token or "", salt=SALT)
        if data.get("i") != chat_inbox_id:
            return None
        return uuid.UUID(data["v"])
    except (signing.BadSignature, KeyError, ValueError, TypeError, AttributeError):
        return None


def identity_signature(secret: str, email: str) -> str:
    """What the shop's server computes: hex HMAC-SHA256 of the email with the inbox secret."""
    return hmac.new(secret.encode(), email.strip().lower().encode(), hashlib.sha256).hexdigest()


def signature_valid(secret: str, email: str, signature: str) -> bool:
    return hmac.compare_digest(identity_signature(secret, email), (signature or "").lower())
