from django.utils.functional import SimpleLazyObject

from .streams import AGENTS, last_id


def live_cursor(request):
    """The agents' stream position when the page was made: the socket resumes after it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"live_after": SimpleLazyObject(lambda: last_id([AGENTS]))}
