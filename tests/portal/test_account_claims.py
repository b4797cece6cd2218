"""The order page, and returns, exchanges and warranty claims started from it."""

import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from tresen.commerce.base import NotSupported
from tresen.commerce.models import Claim, ClaimEvent, ClaimPhoto, Refund, Shipment
from tresen.conversations.models import Message
from tresen.core import clock

TOKEN = re.compile(r'name="token" value="([0-9a-f]{32})"')


@pytest.fixture
def anna(portal_shop, sign_in_as):
    return sign_in_as(Client(), portal_shop.a_email)


def items(order) -> dict:
    return {item.sku: item for item in order.items.all()}


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 6), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def form_for(client: Client, path: str) -> tuple[str, str]:
    page = client.get(f"{path}?lang=en").content.decode()
    return page, TOKEN.search(page).group(1)


def test_a_return_makes_one_claim_with_a_conversation_however_often_it_is_sent(anna, portal_shop):
    order = portal_shop.a
    path = f"/account/orders/{order.pk}/return/"
    page, token = form_for(anna, path)
    sylt, foehr = items(order)["SYLT-40"], items(order)["FOEHR-155"]
    assert f'name="qty_{sylt.pk}"' in page and 'max="2"' in page and 'max="1"' in page
    assert 'name="kind"' in page and 'enctype="multipart/form-data"' not in page
    data = {
        "kind": "return",
        "reason": "size",
        "condition": "as_new",
        f"qty_{sylt.pk}": "2",
        f"qty_{foehr.pk}": "0",
        "description": "Zu klein.",
        "token": token,
        "lang": "en",
    }
    first = anna.post(path, data)
    second = anna.post(path, data)  # a double click
    assert first.status_code == second.status_code == 302
    assert first["Location"] == f"/account/orders/{order.pk}/?lang=en"
    claim = Claim.objects.get(order=order)
    assert (claim.kind, claim.reason, claim.condition, claim.language) == (
        "return",
        "size",
        "as_new",
        "en",
    )
    assert [(line.order_item.sku, line.quantity) for line in claim.items.all()] == [("SYLT-40", 2)]
    assert claim.events.get().actor_kind == "customer"
    assert claim.conversation is not None
    message = Message.objects.get(conversation=claim.conversation)
    assert "NH-100001" in message.text and "Kissenhülle Sylt" in message.text
    confirmed = anna.get(first["Location"]).content.decode()
    assert f"we have received your request (Return {claim.reference})" in confirmed
    again = anna.get(first["Location"]).content.decode()
    assert "we have received your request" not in again
    assert f"Return {claim.reference}: Requested" in again  # in the history


def test_an_exchange_is_chosen_in_the_same_form(anna, portal_shop):
    order = portal_shop.a
    path = f"/account/orders/{order.pk}/return/"
    _page, token = form_for(anna, path)
    foehr = items(order)["FOEHR-155"]
    response = anna.post(
        path,
        {
            "kind": "exchange",
            "reason": "size",
            f"qty_{foehr.pk}": "1",
            "token": token,
            "lang": "en",
        },
    )
    assert response.status_code == 302
    claim = Claim.objects.get(order=order)
    assert claim.kind == "exchange" and claim.reference.startswith("U-")


def test_a_warranty_claim_keeps_its_photo(anna, portal_shop):
    order = portal_shop.a
    path = f"/account/orders/{order.pk}/warranty/"
    page, token = form_for(anna, path)
    assert 'enctype="multipart/form-data"' in page and 'name="photos"' in page
    content = png()
    response = anna.post(
        path,
        {
            "reason": "defect",
            "description": "Die Naht ist gerissen.",
            "token": token,
            f"qty_{items(order)['FOEHR-155'].pk}": "1",
            "lang": "en",
            "photos": [SimpleUploadedFile("naht.png", content, content_type="image/png")],
        },
    )
    assert response.status_code == 302
    claim = Claim.objects.get(order=order)
    assert claim.kind == "warranty" and claim.description == "Die Naht ist gerissen."
    photo = ClaimPhoto.objects.get(claim=claim)
    assert (photo.filename, photo.content_type, photo.size) == (
        "naht.png",
        "image/png",
        len(content),
    )
    with photo.file.open("rb") as stored:
        assert stored.read() == content


def test_a_file_that_is_no_photo_is_refused_and_the_input_kept(anna, portal_shop):
    order = portal_shop.a
    path = f"/account/orders/{order.pk}/warranty/"
    _page, token = form_for(anna, path)
    response = anna.post(
        path,
        {
            "reason": "defect",
            "description": "Die Naht ist gerissen.",
            "token": token,
            f"qty_{items(order)['FOEHR-155'].pk}": "1",
            "lang": "en",
            "photos": [
                SimpleUploadedFile(
                    "naht.png", b"MZ\x90\x00 not a picture", content_type="image/png"
                )
            ],
        },
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert "Only photos (JPEG, PNG, GIF, WebP) can be attached." in text
    assert "Die Naht ist gerissen.</textarea>" in text
    assert TOKEN.search(text).group(1) == token
    assert not Claim.objects.filter(order=order).exists()


def test_a_warranty_claim_needs_a_description(anna, portal_shop):
    order = portal_shop.a
    path = f"/account/orders/{order.pk}/warranty/"
    _page, token = form_for(anna, path)
    response = anna.post(
        path,
        {
            "reason": "defect",
            "description": "  ",
            "token": token,
            f"qty_{items(order)['FOEHR-155'].pk}": "1",
            "lang": "en",
        },
    )
    assert response.status_code == 400 and "Please describe the defect." in (
        response.content.decode()
    )
    assert not Claim.objects.filter(order=order).exists()


def test_an_order_not_shipped_yet_cannot_be_returned(anna, portal_shop):
    order = portal_shop.a_open
    path = f"/account/orders/{order.pk}/return/"
    shown = anna.get(f"{path}?lang=en").content.decode()
    assert "This order has not been shipped yet; it can be cancelled." in shown
    assert 'name="token"' not in shown
    response = anna.post(
        path,
        {
            "kind": "return",
            "reason": "size",
            "token": "cd" * 16,
            f"qty_{items(order)['FOEHR-155'].pk}": "1",
            "lang": "en",
        },
    )
    assert response.status_code == 400
    assert "This order has not been shipped yet; it can be cancelled." in (
        response.content.decode()
    )
    assert not Claim.objects.filter(order=order).exists()
    page = anna.get(f"/account/orders/{order.pk}/?lang=en").content.decode()
    assert "Return or exchange items" not in page and "Warranty claim" not in page


def test_after_the_return_period_only_a_warranty_claim_is_offered(clock, portal_shop, sign_in_as):
    anna = sign_in_as(Client(), portal_shop.a_email)
    order = portal_shop.a
    page = anna.get(f"/account/orders/{order.pk}/?lang=en").content.decode()
    assert "Return or exchange items" in page and "Warranty claim" in page
    clock.advance(days=40)
    anna = sign_in_as(Client(), portal_shop.a_email)
    page = anna.get(f"/account/orders/{order.pk}/?lang=en").content.decode()
    assert "Return or exchange items" not in page and "Warranty claim" in page
    form = anna.get(f"/account/orders/{order.pk}/return/?lang=en").content.decode()
    assert "The period for this request has ended." in form


def test_the_order_page_shows_items_documents_and_the_history_in_order(anna, portal_shop):
    order = portal_shop.a_old
    page = anna.get(f"/account/orders/{order.pk}/?lang=en").content.decode()
    assert "Leinenbettwäsche Föhr" in page and "Hafenstraße 12" in page
    assert f'href="/account/orders/{order.pk}/invoices/{portal_shop.a_old_invoice.pk}.pdf"' in page
    assert f'href="/account/claims/{portal_shop.a_old_claim.pk}/label.pdf"' in page
    assert 'href="https://www.dhl.de/de/privatkunden.html?piececode=00340434161094042557"' in page
    timeline = page[
        page.index('<ol class="timeline"') : page.index("</ol>", page.index('<ol class="timeline"'))
    ]
    steps = [
        "Order placed",
        "Paid",
        "Shipped",
        "In transit",
        "Delivered",
        f"Return {portal_shop.a_old_claim.reference}: Requested",
    ]
    positions = [timeline.index(step) for step in steps]
    assert positions == sorted(positions)
    assert "Im Paketzentrum · Hamburg" in timeline
    assert "no-store" in anna.get(f"/account/orders/{order.pk}/")["Cache-Control"]


def test_the_order_page_speaks_german_by_default(anna, portal_shop):
    page = anna.get(f"/account/orders/{portal_shop.a.pk}/?lang=de").content.decode()
    assert '<html lang="de">' in page
    assert "Bestellnummer" in anna.get("/account/?lang=de").content.decode()


def test_refunds_and_each_claim_step_appear_in_the_history(anna, portal_shop):
    order, claim = portal_shop.a_old, portal_shop.a_old_claim
    Refund.objects.create(
        order=order,
        claim=claim,
        amount=Decimal("5.00"),
        currency="EUR",
        status="completed",
        completed_at=clock.now(),
    )
    ClaimEvent.objects.create(
        claim=claim,
        status="approved",
        note="Bitte gut verpacken.",
        actor_kind="agent",
        created_at=clock.now(),
    )
    page = anna.get(f"/account/orders/{order.pk}/?lang=en").content.decode()
    history = page[page.index('<ol class="timeline"') :]
    requested = history.index(f"Return {claim.reference}: Requested")
    approved = history.index(f"Return {claim.reference}: Approved")
    assert requested < approved < history.index("Bitte gut verpacken.")
    assert "Refunded" in history and "5.00 EUR" in history


def test_only_web_addresses_from_the_shop_become_links(anna, portal_shop):
    Shipment.objects.filter(order=portal_shop.a).update(tracking_url="javascript:alert(1)")
    page = anna.get(f"/account/orders/{portal_shop.a.pk}/?lang=en").content.decode()
    assert "javascript:" not in page and "Track your parcel" not in page


def test_an_invoice_the_shop_cannot_hand_out_gets_a_page_that_says_so(
    anna, portal_shop, monkeypatch
):
    def refuse(order, invoice):
        raise NotSupported("invoice download")

    monkeypatch.setattr("tresen.commerce.mail.invoice_pdf", refuse)
    path = f"/account/orders/{portal_shop.a.pk}/invoices/{portal_shop.a_invoice.pk}.pdf"
    response = anna.get(f"{path}?lang=en")
    assert response.status_code == 404
    assert "This invoice cannot be downloaded here" in response.content.decode()


def test_the_order_page_reads_what_it_shows_once(anna, portal_shop, django_assert_max_num_queries):
    # Session; the order, its items, shipments, events, invoices, refunds; claims with their
    # items and history; claimed quantities; the chat widget's inbox. Was 19 with repeats.
    with django_assert_max_num_queries(13):
        page = anna.get(f"/account/orders/{portal_shop.a_old.pk}/?lang=en")
    assert page.status_code == 200 and "NH-100002" in page.content.decode()
