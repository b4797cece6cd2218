from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

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
