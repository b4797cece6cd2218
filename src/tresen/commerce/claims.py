"""Returns, exchanges and warranty claims: requested -> approved -> label sent -> received
-> refunded / replaced, or rejected. Each step is recorded, audited and mailed to the
customer in the conversation the request opened."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Sum
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from tresen.conversations import services as conversations
from tresen.conversations.selectors import conversation_detail
from tresen.conversations.types import InboundAttachment, InboundMessage
from tresen.core import clock
from tresen.core.actors import Actor
from tresen.core.events import publish_on_commit
from tresen.core.transactions import atomic_with_retry
from tresen.lib import mime

from .base import Address, NotSupported, ProviderError, ReturnRequestData
from .models import (
    CLAIM_NEXT,
    Claim,
    ClaimEvent,
    ClaimItem,
    ClaimKind,
    ClaimPhoto,
    ClaimReason,
    ClaimStatus,
    FulfilmentStatus,
    ItemCondition,
    Order,
    OrderStatus,
)
from .registry import provider_for
from .services import attach, audit
from .texts import status_mail

MAX_PHOTOS = 5
PHOTO_MAX_BYTES = 10 * 1024 * 1024


def returnable(order: Order) -> list[tuple]:
    """(item, quantity still open to a claim) for each item of the order."""
    claimed = dict(
        ClaimItem.objects.filter(claim__order=order)
        .exclude(claim__status=ClaimStatus.REJECTED)
        .values("order_item_id")
        .annotate(quantity=Sum("quantity"))
        .values_list("order_item_id", "quantity")
    )
    return [(item, item.quantity - claimed.get(item.pk, 0)) for item in order.items.all()]


def window_closes(order: Order, kind: str):
    """The last day a claim of this kind can be started: from delivery, else from the order."""
    warranty = kind == ClaimKind.WARRANTY
    days = settings.TRESEN_WARRANTY_DAYS if warranty else settings.TRESEN_RETURN_DAYS
    delivered = [s.delivered_at for s in order.shipments.all() if s.delivered_at]
    start = max(delivered) if delivered else order.placed_at
    return start + timedelta(days=days)


def refusal(order: Order, kind: str) -> str:
    """Why no claim of this kind can start for the order now, or ""."""
    if order.status == OrderStatus.CANCELLED:
        return _("This order was cancelled.")
    if order.fulfilment_status == FulfilmentStatus.UNFULFILLED:
        return _("This order has not been shipped yet; it can be cancelled.")
    if clock.now() > window_closes(order, kind):
        return _("The period for this request has ended.")
    return ""


def _check(
    order: Order, kind: str, reason: str, condition: str, lines, description: str, photos
) -> list[tuple]:
    if kind not in ClaimKind.values:
        raise ValidationError(_("Unknown kind of request."))
    if reason not in ClaimReason.values:
        raise ValidationError(_("Please choose a reason."))
    if condition and condition not in ItemCondition.values:
        raise ValidationError(_("Unknown condition."))
    refused = refusal(order, kind)
    if refused:
        raise ValidationError(refused)
    if kind == ClaimKind.WARRANTY and not description.strip():
        raise ValidationError(_("Please describe the defect."))
    if len(photos) > MAX_PHOTOS:
        raise ValidationError(_("At most %(n)d photos, please.") % {"n": MAX_PHOTOS})
    open_quantity = {item.pk: (item, left) for item, left in returnable(order)}
    chosen = []
    for item_id, quantity in lines:
        if item_id not in open_quantity:
            raise ValidationError(_("An item is not part of this order."))
        item, left = open_quantity[item_id]
        if not 1 <= quantity <= left:
            raise ValidationError(
                _("%(title)s: at most %(left)d can be returned.")
                % {"title": item.title, "left": left}
            )
        chosen.append((item, quantity))
    if not chosen:
        raise ValidationError(_("Please choose at least one item."))
    return chosen


def _photo(upload) -> InboundAttachment:
    content = upload.read(PHOTO_MAX_BYTES + 1)
    if len(content) > PHOTO_MAX_BYTES:
        raise ValidationError(_("A photo is larger than 10 MB."))
    kind = mime.sniff(content)
    if not kind or not kind.startswith("image/"):
        raise ValidationError(_("Only photos (JPEG, PNG, GIF, WebP) can be attached."))
    return InboundAttachment(upload.name[:200] or "photo", kind, content)


def _replayed(order: Order, request_key: str | None) -> Claim | None:
    if not request_key:
        return None
    return Claim.objects.filter(request_key=request_key, order=order).first()


def start_claim(
    *,
    order: Order,
    kind: str,
    reason: str,
    lines: list[tuple[int, int]],
    actor: Actor,
    description: str = "",
    condition: str = "",
    photos=(),
    language: str = "de",
    request_key: str | None = None,
    conversation_id: int | None = None,
) -> Claim:
    """Opens a claim for `lines` ((item id, quantity)); a request key seen before returns
    the claim it made. Without a conversation, the request opens one for the team."""
    # A repeated request is answered before its items are checked: they are claimed now.
    if (replayed := _replayed(order, request_key)) is not None:
        return replayed
    chosen = _check(order, kind, reason, condition, lines, description, photos)
    attachments = tuple(_photo(p) for p in photos)
    language = language if language in ("de", "en") else "de"

    def work() -> Claim:
        # Again inside the transaction: a concurrent twin finds the winner's claim on retry.
        if (replayed := _replayed(order, request_key)) is not None:
            return replayed
        claim = Claim.objects.create(
            order=order,
            kind=kind,
            reason=reason,
            condition=condition,
            description=description.strip()[:5000],
            language=language,
            request_key=request_key or None,
        )
        for item, quantity in chosen:
            ClaimItem.objects.create(claim=claim, order_item=item, quantity=quantity)
        for attachment in attachments:
            ClaimPhoto.objects.create(
                claim=claim,
                filename=attachment.filename,
                content_type=attachment.content_type,
                size=len(attachment.content),
                file=ContentFile(attachment.content, attachment.filename),
            )
        claim.conversation_id = conversation_id or _open_conversation(claim, chosen, attachments)
        claim.save(update_fields=["conversation"])
        attach(conversation_id=claim.conversation_id, order=order, source="request")
        ClaimEvent.objects.create(
            claim=claim,
            status=claim.status,
            actor_kind=actor.kind,
            actor_id=actor.id,
            actor_label=actor.label,
        )
        audit(
            order,
            f"{kind}_requested",
            "requested",
            actor,
            claim=claim,
            reason=claim.get_reason_display(),
            conversation_id=conversation_id,
        )
        publish_on_commit("claim.requested", actor=actor, claim_id=claim.pk, order_id=order.pk)
        return claim

    return atomic_with_retry(work)


def _open_conversation(claim: Claim, chosen, attachments) -> int:
    order = claim.order
    if not order.email:
        raise ValidationError(_("This order has no email address to answer to."))
    with translation.override(claim.language):
        subject = _("%(kind)s %(ref)s for order %(order)s") % {
            "kind": claim.get_kind_display(),
            "ref": claim.reference,
            "order": order.number,
        }
        order_word = pgettext("shop order", "Order")
        reason_word, condition_word = _("Reason"), _("Condition")
        lines = [
            f"{claim.get_kind_display()} {claim.reference} – {order_word} {order.number}",
            f"{reason_word}: {claim.get_reason_display()}",
        ]
        if claim.condition:
            lines.append(f"{condition_word}: {claim.get_condition_display()}")
        lines += [f"- {quantity} × {item.title} ({item.sku})" for item, quantity in chosen]
        if claim.description:
            lines += ["", claim.description]
    inbox = conversations.inbox_for_channel("contact_form")
    message, _created = conversations.receive_message(
        inbound=InboundMessage(
            inbox_id=inbox.pk,
            identity_kind="email",
            identity_value=order.email,
            name=order.customer_name,
            subject=subject,
            text="\n".join(lines),
            external_id=f"claim:{claim.pk}",
            thread_by_identity=False,
            attachments=attachments,
        ),
        inbox=inbox,
    )
    return message.conversation_id


# ---- moving a claim along ---------------------------------------------------------------------


def _move(claim: Claim, status: str, actor: Actor, note: str = "") -> Claim:
    with transaction.atomic():
        current = Claim.objects.select_for_update().get(pk=claim.pk)
        if status not in CLAIM_NEXT.get(current.status, ()):
            raise ValidationError(f"a claim that is {current.status} cannot become {status}")
        current.status = status
        current.updated_at = clock.now()
        current.save(update_fields=["status", "updated_at"])
        ClaimEvent.objects.create(
            claim=current,
            status=status,
            note=note.strip()[:2000],
            actor_kind=actor.kind,
            actor_id=actor.id,
            actor_label=actor.label,
        )
        audit(
            current.order,
            f"claim_{status}",
            "done",
            actor,
            claim=current,
            reason=note,
            conversation_id=current.conversation_id,
            claim_ref=current.reference,
        )
        _tell_customer(current, note, actor)
        publish_on_commit("claim.status_changed", actor=actor, claim_id=current.pk, new=status)
    claim.refresh_from_db()
    return claim


def _tell_customer(claim: Claim, note: str, actor: Actor) -> None:
    if claim.conversation_id is None:
        return
    subject, text = status_mail(claim, note)
    conversation = conversation_detail(claim.conversation_id)
    conversations.send_automatic(conversation=conversation, text=text, subject=subject, actor=actor)


def approve(*, claim: Claim, agent, note: str = "") -> Claim:
    """Approves, then asks the shop for a label (a return, an exchange, a warranty item
    that has to come back); without one the customer gets the instructions."""
    actor = Actor.agent(agent)
    claim = _move(claim, ClaimStatus.APPROVED, actor, note)
    return send_label(claim=claim, agent=agent)


def send_label(*, claim: Claim, agent) -> Claim:
    actor = Actor.agent(agent)
    order = claim.order
    request = ReturnRequestData(
        order_external_id=order.external_id,
        claim_reference=claim.reference,
        items=tuple((ci.order_item.external_id, ci.quantity) for ci in claim.items.all()),
        reason=claim.reason,
        customer_name=order.customer_name,
        return_address=Address.of(order.shipping_address),
    )
    try:
        label = provider_for(order.connection).return_label(request)
    except NotSupported:
        Claim.objects.filter(pk=claim.pk).update(instructions=settings.TRESEN_RETURN_INSTRUCTIONS)
        claim.refresh_from_db()
        return claim
    except ProviderError as error:
        audit(
            order,
            "return_label",
            "failed",
            actor,
            claim=claim,
            error=error.reason,
            conversation_id=claim.conversation_id,
        )
        return claim
    if label.pdf:
        claim.label.save(f"{claim.reference}.pdf", ContentFile(label.pdf), save=False)
    claim.label_url = label.url[:500]
    claim.label_tracking_number = label.tracking_number[:100]
    claim.instructions = label.instructions
    claim.save(update_fields=["label", "label_url", "label_tracking_number", "instructions"])
    return _move(claim, ClaimStatus.LABEL_SENT, actor)


def reject(*, claim: Claim, agent, note: str) -> Claim:
    if not note.strip():
        raise ValidationError("say why: the customer is told the reason")
    return _move(claim, ClaimStatus.REJECTED, Actor.agent(agent), note)


def mark_received(*, claim: Claim, agent, note: str = "") -> Claim:
    return _move(claim, ClaimStatus.RECEIVED, Actor.agent(agent), note)


def mark_replaced(*, claim: Claim, agent, note: str = "") -> Claim:
    return _move(claim, ClaimStatus.REPLACED, Actor.agent(agent), note)


def settle_after_refund(*, refund, actor: Actor) -> None:
    """A completed refund for a received claim closes it as refunded."""
    claim = refund.claim
    if claim is not None and claim.status == ClaimStatus.RECEIVED:
        _move(claim, ClaimStatus.REFUNDED, actor, "")
