from django.utils import translation


def agent_language(get_response):
    """A signed-in agent sees the workspace in the language they chose."""

    def middleware(request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return get_response(request)

    return middleware
