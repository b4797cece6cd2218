"""A customer signs in with the link from their mail, returns an item, an agent approves it,
and the customer sees the new status and the label — all through the real pages."""

import re
from datetime import timedelta

import pytest

from tresen.accounts.services import create_agent
from tresen.channels.email.services import create_email_inbox
from tresen.commerce.base import InvoiceData, ShipmentData
from tresen.commerce.models import Claim
from tresen.commerce.sync import upsert_order
from tresen.core import clock
from tresen.testing.browser import settle
from tresen.testing.commerce import make_connection, order_data

pytestmark = pytest.mark.django_db(transaction=True)
LINK = re.compile(r"https?://\S+/account/link/[\w-]+/")


@pytest.fixture
def delivered_order():
    create_email_inbox(address="service@shop.example", name="Nordhafen Service")
    now = clock.now()
    shipment = ShipmentData(
        "s1", "delivered", "DHL", "00340434161094042557", delivered_at=now - timedelta(days=3)
    )
    invoice = InvoiceData("RE-555001", now - timedelta(days=6), 0)
    data = order_data(
        "NH-555001",
        email="marie@example.de",
        customer_name="Marie Schmidt",
        fulfilment_status="fulfilled",
        shipments=(shipment,),
        invoices=(invoice,),
    )
    return upsert_order(make_connection("demo"), data).order


def _text(mail) -> str:
    body = mail.get_body(preferencelist=("plain",)) or mail
    return body.get_content()


def test_customer_returns_an_item_and_sees_the_agents_approval(
    live_server, browser, sink, settings, log_in, delivered_order
):
    settings.TRESEN_PUBLIC_URL = live_server.url
    customer = browser.new_context(locale="de-DE", viewport={"width": 390, "height": 844})
    page = customer.new_page()
    page.set_default_timeout(10_000)

    page.goto(f"{live_server.url}/account/")
    page.fill("input[name=email]", "marie@example.de")
    page.click("form:has(input[name=form][value=link]) button[type=submit]")
    page.wait_for_selector(".confirmation")
    link = LINK.search(_text(sink.received[-1])).group(0)
    page.goto(link)
    page.click("main form button[type=submit]")  # "Weiter": only the POST signs in
    page.wait_for_url("**/account/orders/**")
    page.click("text=NH-555001")
    page.click("a[href*='/return/']")

    item = delivered_order.items.get(sku="SYLT-40")
    page.fill(f"input[name=qty_{item.pk}]", "1")
    page.select_option("select[name=reason]", "damaged")
    page.click("form.claim-form button[type=submit]")
    page.wait_for_url(f"**/account/orders/{delivered_order.pk}/**")
    claim = Claim.objects.get()
    assert claim.reference in page.content()
    assert claim.status == "requested"

    agent_context = browser.new_context(locale="de-DE")
    agent_page = agent_context.new_page()
    create_agent(email="jonas@example.de", password="geheim-123", name="Jonas Weber")
    log_in(agent_page, live_server.url, "jonas@example.de", "geheim-123")
    agent_page.goto(f"{live_server.url}/workspace/c/{claim.conversation_id}/")
    assert "1 × Kissenhülle Sylt" in agent_page.locator(".timeline").inner_text()
    agent_page.click(f"#order-{delivered_order.pk} button[formaction$='/approve/']")
    agent_page.wait_for_selector(".flash")
    claim.refresh_from_db()
    assert claim.status == "label_sent"

    page.reload()
    label = page.locator(f"a[href$='/claims/{claim.pk}/label.pdf']")
    assert label.count() == 1
    assert "label_sent" not in page.content()  # shown in words, not as a code
    with page.expect_download() as download:
        label.click()
    assert download.value.path().read_bytes().startswith(b"%PDF")
    subjects = [m["Subject"] for m in sink.received]
    assert any(claim.reference in s for s in subjects)
    settle(page)
    settle(agent_page)
    customer.close()
    agent_context.close()
