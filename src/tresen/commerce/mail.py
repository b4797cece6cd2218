"""Mails that are not part of a conversation: sign-in links (a secret must not sit in a
timeline) and invoices. They leave from the shop's email inbox like every other mail."""

from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.translation import gettext as _

from tresen.channels.base import DeliveryError
from tresen.channels.email.outbound import connection, shop_sender

from .base import NotSupported, ProviderError
from .models import Invoice, Order
from .registry import provider_for


def send(*, to: str, subject: str, text: str, attachments=()) -> None:
    """Raises ProviderError when no mail can leave (no inbox, no SMTP)."""
    try:
        sender = shop_sender()
        mail = EmailMessage(
            subject=subject,
            body=text,
            from_email=formataddr((sender.inbox.name, sender.address)),
            to=[to],
            headers={"Auto-Submitted": "auto-generated"},
            connection=connection(),
        )
        for name, content, content_type in attachments:
            mail.attach(name, content, content_type)
        mail.send()
    except DeliveryError as error:
        raise ProviderError(error.reason) from error
    except OSError as error:
        raise ProviderError(
            f"the mail server did not take the mail: {error}", temporary=True
        ) from error


def invoice_pdf(order: Order, invoice: Invoice) -> bytes:
    """The PDF Tresen holds, else the shop's (the demo shop renders one)."""
    if invoice.pdf:
        with invoice.pdf.open("rb") as stored:
            return stored.read()
    return provider_for(order.connection).invoice_pdf(order.external_id, invoice.number)


def mail_invoice(order: Order) -> None:
    invoice = order.invoices.order_by("-issued_at").first()
    if invoice is None:
        raise ProviderError("the shop has not issued an invoice for this order yet")
    try:
        pdf = invoice_pdf(order, invoice)
    except NotSupported as error:
        raise ProviderError(
            "the shop offers no invoice download; send it from the shop instead"
        ) from error
    with translation.override(order.language or "de"):
        subject = _("Your invoice %(number)s for order %(order)s") % {
            "number": invoice.number,
            "order": order.number,
        }
        text = _(
            "Hello %(name)s,\n\nas requested, your invoice for order %(order)s is attached."
            "\n\nKind regards\n%(shop)s"
        ) % {
            "name": order.customer_name or "",
            "order": order.number,
            "shop": settings.TRESEN_SHOP_NAME,
        }
    send(
        to=order.email,
        subject=subject,
        text=text,
        attachments=[(f"{invoice.number}.pdf", pdf, "application/pdf")],
    )
