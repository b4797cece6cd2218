from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from tresen.channels.models import RawInbound


@login_required
def original(request, raw_id: int):
    """The mail exactly as it arrived, as a download (never rendered in our origin)."""
    raw = get_object_or_404(RawInbound, pk=raw_id, channel="email")
    response = HttpResponse(bytes(raw.body), content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="mail-{raw.pk}.eml"'
    return response
