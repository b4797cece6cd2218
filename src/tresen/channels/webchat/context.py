from django.utils.functional import SimpleLazyObject

from .models import ChatInbox


def _first_key() -> str:
    chat_inbox = ChatInbox.objects.filter(inbox__is_active=True).order_by("pk").first()
    return chat_inbox.key if chat_inbox else ""


def chat_widget(request) -> dict:
    """The key of the first active chat, for pages that embed the widget (help centre);
    looked up only where a template uses it."""
    return {"chat_widget_key": SimpleLazyObject(_first_key)}
