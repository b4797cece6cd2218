from django.utils.functional import SimpleLazyObject

from .selectors import status_counts


def view_counts(request):
    """Badge numbers for the workspace navigation, counted only when a page shows them."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"counts": SimpleLazyObject(lambda: status_counts(user))}
