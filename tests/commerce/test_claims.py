import pytest
from django.core.exceptions import ValidationError

from tresen.commerce import claims, services
from tresen.commerce.models import Claim, ClaimEvent, ConversationOrder
from tresen.conversations.models import Message
from tresen.core.actors import Actor

pytestmark = pytest.mark.django_db
CUSTOMER = Actor.customer(None, "Sabine Krüger")


def _return(order, quantity=1, **fields):
    item = order.items.get(sku="SYLT-40")
    fields.setdefault("reason", "damaged")
    return claims.start_claim(order=order, kind=fields.pop("kind", "return"),
                              lines=[(item.pk, quantity)], actor=CUSTOMER, **fields)  # fmt: skip


def test_a_request_opens_a_conversation_with_the_order_attached(delivered, mailbox):
    claim = _return(delivered, 2, description="Naht offen", request_key="k1")
    first = Message.objects.get(conversation=claim.conversation)
    assert "NH-100002" in first.text and "2 × Kissenhülle Sylt" in first.text
    assert claim.conversation.subject.startswith(f"Rücksendung {claim.reference}")
    assert ConversationOrder.objects.get(conversation=claim.conversation).order == delivered
    assert _return(delivered, 2, request_key="k1") == claim  # a double submit


def test_no_more_than_was_ordered_and_only_within_the_period(clock, delivered):
    _return(delivered, 2)
    with pytest.raises(ValidationError, match="at most 0"):
        _return(delivered, 1)
    clock.advance(days=31)
    with pytest.raises(ValidationError, match="ended"):
        claims.start_claim(order=delivered, kind="return", reason="size", actor=CUSTOMER,
                           lines=[(delivered.items.get(sku="FOEHR-155").pk, 1)])  # fmt: skip


def test_an_unshipped_order_has_no_return_and_a_warranty_needs_a_description(unshipped, delivered):
    with pytest.raises(ValidationError, match="cancelled"):
        _return(unshipped)
    with pytest.raises(ValidationError, match="describe"):
        _return(delivered, kind="warranty", reason="defect")


def test_approval_sends_a_demo_label_and_every_step_is_mailed_to_the_customer(
    delivered, agent, mailbox
):
    claim = claims.approve(claim=_return(delivered), agent=agent)
    assert claim.status == "label_sent"
    assert claim.label.open("rb").read(4) == b"%PDF"
    assert claim.label_tracking_number.startswith("RT")
    claim = claims.mark_received(claim=claim, agent=agent)
    services.request_refund(order=delivered, amount="5", reason="Retoure", agent=agent,
                            claim=claim, conversation_id=claim.conversation_id)  # fmt: skip
    claim.refresh_from_db()
    assert claim.status == "refunded"
    history = list(ClaimEvent.objects.filter(claim=claim).values_list("status", flat=True))
    assert history == ["requested", "approved", "label_sent", "received", "refunded"]
    mails = Message.objects.filter(conversation=claim.conversation, author_kind="system")
    assert mails.count() == 4
    assert "/account/orders/" in mails.last().text


def test_a_step_out_of_order_or_a_reject_without_reason_is_refused(delivered, agent):
    claim = _return(delivered)
    with pytest.raises(ValidationError, match="cannot become received"):
        claims.mark_received(claim=claim, agent=agent)
    with pytest.raises(ValidationError, match="say why"):
        claims.reject(claim=claim, agent=agent, note="")
    claims.reject(claim=claim, agent=agent, note="Gebrauchsspuren")
    assert Claim.objects.get().status == "rejected"
    assert _return(delivered, 2).status == "requested"  # rejected items are open again


def test_a_customer_mail_in_english_for_an_english_claim(delivered, agent):
    claim = _return(delivered, language="en")
    claims.reject(claim=claim, agent=agent, note="Used")
    mail = Message.objects.filter(conversation=claim.conversation, author_kind="system").get()
    assert mail.subject.startswith(f"Return {claim.reference}: Rejected")
    assert "Unfortunately" in mail.text
