"""The chat's transcript, mailed to the visitor on request from the shop's email inbox."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F
from django.utils import timezone

from tresen.channels.base import DeliveryError
from tresen.channels.email import outbound as email_outbound

from . import services
from .models import ChatConversation, ChatVisitor
from .serialize import author_of

MAX_PER_CONVERSATION = 5


def compose(chat: ChatConversation, language: str) -> tuple[str, str]:
    de = language == "de"
    shop = settings.TRESEN_SHOP_NAME
    lines = []
    messages = chat.conversation.messages.filter(is_note=False).select_related(
        "author_agent", "author_identity"
    )
    for message in messages:
        when = timezone.localtime(message.created_at).strftime("%d.%m.%Y %H:%M")
        who = ("Sie" if de else "You") if message.direction == "in" else author_of(message)
        lines.append(f"[{when}] {who}:\n{message.text}\n")
    if de:
        subject = f"Ihr Chat mit {shop} (#{chat.pk})"
        intro = f"Hier ist der Verlauf Ihres Chats mit {shop}.\n\n"
    else:
        subject = f"Your chat with {shop} (#{chat.pk})"
        intro = f"Here is the transcript of your chat with {shop}.\n\n"
    return subject, intro + "\n".join(lines)


def send(*, visitor: ChatVisitor, email: str = "") -> str:
    """Mails the latest chat to `email` (saved as the visitor's) or the address known."""
    visitor.refresh_from_db()
    if email:
        email = services.save_contact(visitor=visitor, email=email)
    email = email or visitor.email
    if not email:
        raise services.ChatError("invalid_email", "Which email address should we send it to?")
    chat = services.latest_chat(visitor)
    if chat is None:
        raise services.ChatError("bad_request", "There is no conversation to send yet.")
    if chat.transcripts_sent >= MAX_PER_CONVERSATION:
        raise services.ChatError("rate_limited", "The transcript was sent several times already.")
    subject, body = compose(chat, visitor.language or chat.conversation.language or "de")
    try:
        sender = email_outbound.shop_sender()
        mail = EmailMessage(
            subject=subject,
            body=body,
            from_email=f"{settings.TRESEN_SHOP_NAME} <{sender.address}>",
            to=[email],
            headers={"Auto-Submitted": "auto-generated"},
        )
        email_outbound.connection().send_messages([mail])
    except (DeliveryError, OSError) as error:
        raise services.ChatError(
            "not_sent", "The transcript could not be sent right now; please try later.", 503
        ) from error
    ChatConversation.objects.filter(pk=chat.pk).update(transcripts_sent=F("transcripts_sent") + 1)
    return email
