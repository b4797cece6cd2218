import pytest
from django.urls import reverse

from tresen.commerce.linking import link_numbers
from tresen.commerce.models import ConversationOrder, Refund
from tresen.conversations.services import record_analysis
from tresen.core.actors import SYSTEM
from tresen.testing.factories import make_agent, make_conversation, receive

pytestmark = pytest.mark.django_db


def test_numbers_the_analysis_found_link_the_conversation_to_the_order(
    inbox, delivered, django_capture_on_commit_callbacks
):
    message = receive(inbox, email="someone@example.org", text="Wo ist NH-100002?")
    with django_capture_on_commit_callbacks(execute=True):
        record_analysis(
            message=message,
            analysis={"entities": {"order_numbers": ["NH-100002", "NH-999999"]}},
            actor=SYSTEM,
        )
    links = dict(ConversationOrder.objects.values_list("number", "order_id"))
    assert links == {"NH-100002": delivered.pk, "NH-999999": None}


def test_the_card_shows_named_orders_the_customers_own_and_unknown_numbers(
    client, agent, inbox, delivered, unshipped
):
    conversation = make_conversation(inbox, email="kunde@example.de")
    link_numbers(conversation_id=conversation.pk, numbers=["NH-404040"])
    client.force_login(agent)
    page = client.get(reverse("commerce:card", args=[conversation.pk])).content.decode()
    assert "NH-100002" in page and "NH-100001" in page
    assert "Bestellung NH-404040 wird erwähnt, ist aber in keinem verbundenen Shop" in page
    assert "00340434161094042557" in page
    assert "Bis zu 200" in page


def test_a_stranger_gets_no_card_and_the_customer_of_another_sees_no_foreign_orders(
    client, agent, inbox, delivered
):
    conversation = make_conversation(inbox, email="other@example.org")
    assert client.get(reverse("commerce:card", args=[conversation.pk])).status_code == 302
    client.force_login(agent)
    page = client.get(reverse("commerce:card", args=[conversation.pk])).content.decode()
    assert "NH-100002" not in page


def test_an_agent_refund_above_the_limit_reaches_the_leads_by_mail_and_their_page(
    client, agent, lead, delivered, mailbox, sink, django_capture_on_commit_callbacks
):
    conversation = make_conversation(make_inbox_for_test(), email="kunde@example.de")
    client.force_login(agent)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            reverse("commerce:refund", args=[delivered.pk]),
            {"amount": "250", "reason": "Ware defekt", "conversation": conversation.pk},
            follow=True,
        )
    assert (
        "a lead has been asked" in answer.content.decode() or "Freigabe" in answer.content.decode()
    )
    assert [m["To"] for m in sink.received] == ["lead@shop.example"]
    client.force_login(lead)
    page = client.get(reverse("commerce:approvals")).content.decode()
    assert "250.00 EUR" in page.replace(",", ".") and "Ware defekt" in page
    refund = Refund.objects.get()
    client.post(
        reverse("commerce:decide", args=[refund.pk]),
        {"decision": "approve", "note": "ok", "next": "/commerce/approvals/"},
    )
    assert Refund.objects.get().status == "completed"


def test_agents_see_no_approvals_page(client, agent):
    client.force_login(agent)
    assert client.get(reverse("commerce:approvals")).status_code == 403


def make_inbox_for_test():
    from tresen.testing.factories import make_inbox

    return make_inbox(channel="email", name="Mail")


def test_the_card_offers_only_what_the_shop_system_can_do(client, agent, inbox):
    from tresen.commerce.sync import upsert_order
    from tresen.testing.commerce import make_connection, order_data

    shopware = make_connection("shopware", base_url="http://127.0.0.1:9")
    order = upsert_order(shopware, order_data("10077", email="k@example.org")).order
    conversation = make_conversation(inbox, email="k@example.org")
    client.force_login(agent)
    page = client.get(reverse("commerce:card", args=[conversation.pk])).content.decode()
    assert f"/commerce/orders/{order.pk}/cancel/" in page
    assert f"/commerce/orders/{order.pk}/refund/" not in page


def test_a_claim_step_is_confirmed_in_the_agents_language(client, delivered, mailbox):
    from tresen.commerce.claims import start_claim
    from tresen.core.actors import Actor

    item = delivered.items.get(sku="SYLT-40")
    claim = start_claim(
        order=delivered,
        kind="return",
        reason="size",
        lines=[(item.pk, 1)],
        actor=Actor.customer(None, "K"),
    )
    client.force_login(make_agent(email="tom@shop.example", language="en"))
    page = client.post(
        f"/commerce/claims/{claim.pk}/approve/",
        {"conversation": claim.conversation_id},
        follow=True,
    )
    assert "Approved." in page.content.decode()
