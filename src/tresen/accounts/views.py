from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from tresen.core.actors import Actor

from . import presence
from .models import PresenceStatus
from .services import set_language


@login_required
@require_POST
def language(request):
    try:
        set_language(agent=request.user, language=request.POST.get("language", ""))
    except ValidationError as error:
        return HttpResponseBadRequest("; ".join(error.messages))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target)


@login_required
@require_POST
def presence_status(request):
    try:
        presence.set_status(
            agent=request.user,
            status=request.POST.get("presence", ""),
            actor=Actor.agent(request.user),
        )
    except ValidationError as error:
        return HttpResponseBadRequest("; ".join(error.messages))
    if not request.htmx:
        target = request.headers.get("Referer", "")
        allowed = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
        return redirect(target if allowed else "/")
    return render(
        request,
        "accounts/_presence.html",
        {
            "my_presence": presence.presence_of(request.user.pk),
            "presence_choices": PresenceStatus.choices,
        },
    )
