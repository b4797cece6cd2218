from django.utils.functional import SimpleLazyObject


def approvals(request):
    """How many refunds wait for a lead, read only when the navigation shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_lead:
        return {}
    from .selectors import awaiting_count

    return {"approvals_waiting": SimpleLazyObject(awaiting_count)}
