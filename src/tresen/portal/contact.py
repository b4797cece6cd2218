"""The contact form: a customer's message enters the channel pipeline like any other."""

from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from tresen.channels.contact_form import intake

from .forms import MESSAGE_MAX_CHARS, ContactForm, new_token
from .language import LANGUAGES, preferred
from .shop import answer_time
from .views import page

SENT = "contact_sent"
PREFILL = ("name", "email", "subject", "order_number", "message", "article")


def _alternates(request, language: str) -> dict[str, str]:
    """The same form in each language, keeping what the link prefilled."""
    query = request.GET.copy()
    paths = {}
    for code in LANGUAGES:
        query["lang"] = code
        paths[code] = f"{request.path}?{query.urlencode()}"
    return paths


@require_http_methods(["GET", "POST"])
def contact(request):
    language = preferred(request, explicit=request.POST.get("lang") or request.GET.get("lang"))
    if request.method == "POST":
        form = ContactForm(request.POST)
        if form.is_spam:
            # No error to learn from: a bot sees what a person sees, and nothing is stored.
            request.session[SENT] = {"email": "", "language": language}
            return HttpResponseRedirect(reverse("portal:contact_thanks"))
        if form.is_valid():
            data = form.cleaned_data
            intake.accept(
                token=data["token"],
                name=data["name"],
                email=data["email"],
                subject=data["subject"],
                message=data["message"],
                order_number=data["order_number"],
                language=language,
                article=data["article"] or "",
            )
            request.session[SENT] = {"email": data["email"], "language": language}
            return HttpResponseRedirect(reverse("portal:contact_thanks"))
        # Keep what was typed, and the same id: the corrected post still counts once.
        form.data = form.data.copy()
        form.data["token"] = form.cleaned_data.get("token") or new_token()
    else:
        initial = {key: request.GET.get(key, "")[:300] for key in PREFILL if key in request.GET}
        initial["message"] = request.GET.get("message", "")[:MESSAGE_MAX_CHARS]
        form = ContactForm(initial={**initial, "token": new_token()})
    return page(
        request,
        "portal/contact.html",
        # A callable: the template calls it once page() has switched to the visitor's language.
        {"form": form, "answer_time": answer_time, "message_max": MESSAGE_MAX_CHARS},
        language=language,
        alternates=_alternates(request, language),
        status=400 if form.is_bound else 200,
    )


def thanks(request):
    sent = request.session.get(SENT) or {}
    language = preferred(request, explicit=request.GET.get("lang") or sent.get("language"))
    return page(
        request,
        "portal/contact_thanks.html",
        {"email": sent.get("email", ""), "answer_time": answer_time},
        language=language,
        alternates={code: f"{request.path}?lang={code}" for code in LANGUAGES},
    )
