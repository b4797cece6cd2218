"""Agent workspace: thin views over selectors (reads) and services (writes)."""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tresen.accounts.selectors import active_agents, teams
from tresen.core.actors import Actor
from tresen.core.taxonomy import TOPICS
from tresen.customers import selectors as customer_selectors
from tresen.customers.selectors import customer_detail

from . import canned, insights, selectors, services
from .models import Attachment, CannedResponse, ChannelKind, Conversation, Priority, Status

PAGE_SIZE = 50
LANGUAGES = (("de", "Deutsch"), ("en", "English"))


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _filters(params) -> selectors.ConversationFilter:
    view = params.get("view", "mine")
    sort = params.get("sort", "waiting")
    status = params.get("status", "")
    return selectors.ConversationFilter(
        view=view if view in selectors.VIEWS else "mine",
        status=status if status in Status.values or status == "any" else "",
        channel=params.get("channel", "") if params.get("channel") in ChannelKind.values else "",
        topic=params.get("topic", "") if params.get("topic") in TOPICS else "",
        language=params.get("language", "")[:5],
        urgent_only=params.get("urgent") == "1",
        team_id=_int(params.get("team")),
        tag=params.get("tag", "")[:50],
        query=params.get("q", "").strip()[:200],
        sort=sort if sort in selectors.SORTS else "waiting",
    )


@login_required
def inbox(request):
    filters = _filters(request.GET)
    offset = _int(request.GET.get("offset")) or 0
    rows, has_more = selectors.page(
        selectors.conversations(filters=filters, agent=request.user), offset=offset, limit=PAGE_SIZE
    )
    query = request.GET.copy()
    query.pop("offset", None)
    context = {
        "filters": filters,
        "conversations": rows,
        "has_more": has_more,
        "next_offset": offset + PAGE_SIZE,
        "prev_offset": max(offset - PAGE_SIZE, 0) if offset else None,
        "query_string": query.urlencode(),
        "statuses": Status.choices,
        "channels": ChannelKind.choices,
        "topics": TOPICS.items(),
        "languages": LANGUAGES,
        "teams": teams(),
        "tags": selectors.tag_names(),
    }
    template = "conversations/_list.html" if request.htmx and not request.htmx.boosted else None
    return render(request, template or "conversations/inbox.html", context)


@login_required
def detail(request, pk: int):
    conversation = get_object_or_404(selectors.detail_queryset(), pk=pk)
    customer = customer_detail(conversation.customer_id)
    canned_responses = [
        {
            "title": c.title,
            "language": c.language,
            "text": canned.fill(c.text, conversation=conversation, agent=request.user),
        }
        for c in CannedResponse.objects.all()
    ]
    timeline = selectors.timeline(conversation)
    analysis = insights.conversation_analysis(
        conversation,
        messages=[item for kind, item in timeline if kind == "message"],
        events=[item for kind, item in timeline if kind == "event"],
    )
    return render(
        request,
        "conversations/detail.html",
        {
            "conversation": conversation,
            "timeline": timeline,
            "analysis": analysis,
            "topics": TOPICS.items(),
            "customer": customer,
            "summary": insights.customer_summary(customer.pk),
            "other_conversations": selectors.customer_conversations(
                customer.pk, exclude_id=conversation.pk
            ),
            "agents": active_agents(),
            "teams": teams(),
            "statuses": Status.choices,
            "priorities": Priority.choices,
            "canned_responses": canned_responses,
        },
    )


@login_required
def customer(request, pk: int):
    """The customer's page: every conversation, identities, notes, and merging."""
    found = customer_detail(pk)
    if found.pk != pk:
        return redirect("workspace:customer", pk=found.pk)
    query = request.GET.get("q", "").strip()[:100]
    candidates = (
        [c for c in customer_selectors.customers(query=query)[:10] if c.pk != found.pk]
        if query
        else []
    )
    return render(
        request,
        "conversations/customer.html",
        {
            "customer": found,
            "summary": insights.customer_summary(found.pk),
            "conversations": selectors.customer_conversations(found.pk, limit=50),
            "query": query,
            "candidates": candidates,
        },
    )


def _back(pk: int):
    return redirect(reverse("workspace:detail", args=[pk]))


def _run(request, pk: int, action) -> None:
    try:
        action()
    except ValidationError as error:
        flash.error(request, "; ".join(error.messages))


@login_required
@require_POST
def reply(request, pk: int):
    conversation = get_object_or_404(Conversation, pk=pk)
    actor = Actor.agent(request.user)
    text = request.POST.get("text", "")
    status = request.POST.get("status") or None
    if status is not None and status not in Status.values:
        status = None
    if request.POST.get("kind") == "note":
        _run(
            request,
            pk,
            lambda: services.add_note(
                conversation=conversation, text=text, agent=request.user, actor=actor
            ),
        )
    else:
        _run(
            request,
            pk,
            lambda: services.send_reply(
                conversation=conversation, text=text, agent=request.user, actor=actor, status=status
            ),
        )
    return _back(pk)


@login_required
@require_POST
def status(request, pk: int):
    conversation = get_object_or_404(Conversation, pk=pk)
    _run(
        request,
        pk,
        lambda: services.set_status(
            conversation=conversation,
            status=request.POST.get("status", ""),
            actor=Actor.agent(request.user),
        ),
    )
    return _back(pk)


@login_required
@require_POST
def priority(request, pk: int):
    conversation = get_object_or_404(Conversation, pk=pk)
    value = _int(request.POST.get("priority")) or 0
    _run(
        request,
        pk,
        lambda: services.set_priority(
            conversation=conversation, priority=value, actor=Actor.agent(request.user)
        ),
    )
    return _back(pk)


@login_required
@require_POST
def assign(request, pk: int):
    conversation = get_object_or_404(Conversation, pk=pk)
    agent_id = request.POST.get("agent", "")
    agent = request.user if agent_id == "me" else active_agents().filter(pk=_int(agent_id)).first()
    team = teams().filter(pk=_int(request.POST.get("team"))).first()
    _run(
        request,
        pk,
        lambda: services.assign(
            conversation=conversation, agent=agent, team=team, actor=Actor.agent(request.user)
        ),
    )
    return _back(pk)


@login_required
@require_POST
def tags(request, pk: int):
    conversation = get_object_or_404(Conversation, pk=pk)
    actor = Actor.agent(request.user)
    if request.POST.get("remove"):
        _run(
            request,
            pk,
            lambda: services.remove_tag(
                conversation=conversation, name=request.POST["remove"], actor=actor
            ),
        )
    else:
        _run(
            request,
            pk,
            lambda: services.add_tag(
                conversation=conversation, name=request.POST.get("name", ""), actor=actor
            ),
        )
    return _back(pk)


@login_required
@require_POST
def topic(request, pk: int):
    """An agent sets (or confirms) the topic; theirs stands against later analysis.

    HTMX gets the analysis panel back (with the header's topic and the new timeline entry out
    of band); a plain form post goes back to the page with a message."""
    conversation = get_object_or_404(Conversation, pk=pk)
    label = request.POST.get("topic", "").strip()
    old_topic = conversation.topic
    error = ""
    if label not in TOPICS:
        error = (
            _("Unknown topic “%(topic)s”. Choose one of the list.") % {"topic": label[:40]}
            if label
            else _("Choose a topic.")
        )
    else:
        try:
            conversation = services.set_topic(
                conversation=conversation, topic=label, actor=Actor.agent(request.user)
            )
        except ValidationError as failure:
            error = "; ".join(failure.messages)
    done = "" if error else _("Topic set to %(topic)s.") % {"topic": TOPICS[label]}
    if not (request.htmx and not request.htmx.boosted):
        if error:
            flash.error(request, error)
        else:
            flash.success(request, done)
        return _back(pk)
    conversation = selectors.conversation_detail(pk)
    event = None
    if not error and conversation.topic != old_topic:
        event = insights.latest_event(conversation, kind="topic_changed")
    return render(
        request,
        "conversations/_topic_changed.html",
        {
            "conversation": conversation,
            "analysis": insights.conversation_analysis(conversation),
            "topics": TOPICS.items(),
            "topic_error": error,
            "topic_done": done,
            "event": event,
        },
    )


@login_required
def attachment(request, pk: int):
    item = get_object_or_404(Attachment, pk=pk)
    if not item.file:
        raise Http404("this attachment was not stored")
    # Always a download: a customer's HTML or SVG must never render in our origin.
    return FileResponse(
        item.file.open("rb"),
        as_attachment=True,
        filename=item.filename,
        content_type="application/octet-stream",
    )
