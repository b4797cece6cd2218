import pytest
from django.core.exceptions import ValidationError

from tresen.commerce import services
from tresen.commerce.base import Address
from tresen.commerce.models import AuditEntry, Order

pytestmark = pytest.mark.django_db


def test_an_unshipped_order_is_cancelled_in_the_shop(agent, unshipped):
    order = services.cancel_order(order=unshipped, reason="Doppelt bestellt", agent=agent)
    assert order.status == "cancelled" and order.payment_status == "refunded"
    assert AuditEntry.objects.get().reason == "Doppelt bestellt"


def test_a_shipped_order_cannot_be_cancelled_or_readdressed(agent, delivered):
    with pytest.raises(ValidationError, match="not yet shipped"):
        services.cancel_order(order=delivered, reason="x", agent=agent)
    with pytest.raises(ValidationError, match="shipped"):
        services.change_address(
            order=delivered, agent=agent, address=Address(street="A 1", postcode="1", city="B")
        )
    assert Order.objects.get(pk=delivered.pk).status == "open"


def test_the_delivery_address_changes_before_shipping(agent, unshipped):
    new = Address(name="Petra Schulze", street="Neue Str. 5", postcode="10115", city="Berlin")
    order = services.change_address(order=unshipped, address=new, agent=agent)
    assert order.shipping_address["street"] == "Neue Str. 5"
    assert order.postcode == "10115"


def test_the_invoice_is_mailed_as_a_pdf(agent, delivered, mailbox, sink):
    sent_by = services.resend_invoice(order=delivered, agent=agent)
    assert sent_by == "tresen"
    mail = sink.received[-1]
    assert mail["To"] == "kunde@example.de"
    attachment = next(part for part in mail.iter_attachments())
    assert attachment.get_filename() == "RE-100002.pdf"
    assert attachment.get_content().startswith(b"%PDF")
