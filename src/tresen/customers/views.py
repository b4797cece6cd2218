from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tresen.core.actors import Actor

from . import services
from .models import Customer


def _back(request, default_pk: int):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("workspace:customer", pk=default_pk)


@login_required
@require_POST
def add_note(request, pk: int):
    customer = get_object_or_404(Customer, pk=pk)
    try:
        services.add_note(
            customer=customer,
            text=request.POST.get("text", ""),
            actor=Actor.agent(request.user),
            author=request.user,
        )
    except ValidationError as error:
        flash.error(request, "; ".join(error.messages))
    return _back(request, pk)


@login_required
@require_POST
def merge(request, pk: int):
    """Merges the other customer (source) into this one."""
    target = get_object_or_404(Customer, pk=pk)
    if not request.user.is_lead:
        flash.error(request, _("Merging customers needs the lead or admin role."))
        return redirect("workspace:customer", pk=pk)
    source_id = request.POST.get("source", "")
    source = get_object_or_404(Customer, pk=int(source_id) if source_id.isdigit() else 0)
    try:
        services.merge_customers(source=source, target=target, actor=Actor.agent(request.user))
    except ValidationError as error:
        flash.error(request, "; ".join(error.messages))
    else:
        flash.success(
            request,
            _("%(source)s was merged into %(target)s.")
            % {"source": source.display_name, "target": target.display_name},
        )
    return redirect("workspace:customer", pk=pk)
