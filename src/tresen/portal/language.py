"""Which language a help-centre visitor reads: the URL's, else the `lang` cookie, else the
browser's Accept-Language, else German."""

from django.utils import translation

LANGUAGES = ("de", "en")
NAMES = {"de": "Deutsch", "en": "English"}
DEFAULT = "de"
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600


def other(language: str) -> str:
    return "en" if language == "de" else "de"


def from_accept_language(header: str) -> str | None:
    """The supported language the browser prefers most; the first named wins a tie."""
    best, best_quality = None, 0.0
    for entry in (header or "").split(",")[:20]:
        tag, _, params = entry.strip().partition(";")
        prefix = tag.strip().lower().split("-")[0]
        if prefix not in LANGUAGES:
            continue
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                quality = 0.0
        if quality > best_quality:
            best, best_quality = prefix, quality
    return best


def preferred(request, *, explicit: str | None = None) -> str:
    if explicit in LANGUAGES:
        return explicit
    cookie = request.COOKIES.get(COOKIE)
    if cookie in LANGUAGES:
        return cookie
    return from_accept_language(request.headers.get("Accept-Language", "")) or DEFAULT


def activate(request, language: str) -> None:
    """The page speaks its URL's language, whoever is signed in."""
    translation.activate(language)
    request.LANGUAGE_CODE = language


def remember(response, request, language: str) -> None:
    response.set_cookie(
        COOKIE,
        language,
        max_age=COOKIE_MAX_AGE,
        samesite="Lax",
        secure=request.is_secure(),
        httponly=True,
    )
