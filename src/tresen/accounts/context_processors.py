from django.utils.functional import SimpleLazyObject

from .models import PresenceStatus
from .presence import presence_of


def presence(request):
    """The agent's own availability for the switch in the top bar, read only when shown."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "my_presence": SimpleLazyObject(lambda: presence_of(user.pk)),
        "presence_choices": PresenceStatus.choices,
    }
