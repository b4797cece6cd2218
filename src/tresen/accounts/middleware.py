from django.utils import translation


def agent_language(get_response):
    """A signed-in agent sees the workspace in the language they chose; the API speaks English."""

    def middleware(request):
        user = getattr(request, "user", None)
        if request.path.startswith("/api/"):
            # Integrations parse API errors; they get one language whoever calls.
            translation.activate("en")
            request.LANGUAGE_CODE = "en"
        elif user is not None and user.is_authenticated:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return get_response(request)

    return middleware
