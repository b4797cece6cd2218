"""A customer sees their own orders and nothing else, on every page and download."""

import pytest
from django.test import Client

from tresen.commerce.models import Claim

# (method, path for an order set `o`: the order, its invoice, its claim)
ENDPOINTS = [
    ("get", lambda o: f"/account/orders/{o.order.pk}/"),
    ("get", lambda o: f"/account/orders/{o.order.pk}/invoices/{o.invoice.pk}.pdf"),
    ("get", lambda o: f"/account/claims/{o.claim.pk}/label.pdf"),
    ("get", lambda o: f"/account/orders/{o.order.pk}/return/"),
    ("post", lambda o: f"/account/orders/{o.order.pk}/return/"),
    ("get", lambda o: f"/account/orders/{o.order.pk}/warranty/"),
    ("post", lambda o: f"/account/orders/{o.order.pk}/warranty/"),
]
IDS = ["order", "invoice", "label", "return form", "return post", "warranty form", "warranty post"]


class Owned:
    def __init__(self, order, invoice, claim):
        self.order, self.invoice, self.claim = order, invoice, claim


def owned(shop, who: str) -> Owned:
    order = getattr(shop, who)
    return Owned(order, getattr(shop, f"{who}_invoice"), getattr(shop, f"{who}_claim"))


def attempt(client: Client, method: str, path: str):
    if method == "post":
        item = Claim.objects.first().items.first().order_item
        data = {
            "kind": "return",
            "reason": "size",
            f"qty_{item.pk}": "1",
            "lang": "en",
            "description": "kaputt",
            "token": "ab" * 16,
        }
        return client.post(path, data)
    return client.get(path)


@pytest.mark.parametrize(("method", "path"), ENDPOINTS, ids=IDS)
def test_anna_gets_404_for_everything_of_bernds_and_bernd_gets_his(
    portal_shop, sign_in_as, method, path
):
    anna = sign_in_as(Client(), portal_shop.a_email)
    bernd = sign_in_as(Client(), portal_shop.b_email)
    claims_before = Claim.objects.count()
    assert attempt(anna, method, path(owned(portal_shop, "b"))).status_code == 404
    assert Claim.objects.count() == claims_before
    # The same address works for its owner: the 404 is about whose it is.
    assert attempt(bernd, method, path(owned(portal_shop, "b"))).status_code in (200, 302, 400)
    assert attempt(anna, method, path(owned(portal_shop, "a_old"))).status_code in (200, 302, 400)


@pytest.mark.parametrize(("method", "path"), ENDPOINTS, ids=IDS)
def test_nobody_signed_in_is_sent_to_the_sign_in_page(portal_shop, method, path):
    response = attempt(Client(), method, path(owned(portal_shop, "b")))
    assert response.status_code == 302 and response["Location"].startswith("/account/?next=")


def test_the_invoice_of_another_order_is_not_found_under_ones_own_order(portal_shop, sign_in_as):
    anna = sign_in_as(Client(), portal_shop.a_email)
    mixed = f"/account/orders/{portal_shop.a.pk}/invoices/{portal_shop.b_invoice.pk}.pdf"
    assert anna.get(mixed).status_code == 404


def test_the_order_list_of_one_customer_names_none_of_anothers(portal_shop, sign_in_as):
    bernd = sign_in_as(Client(), portal_shop.b_email)
    text = bernd.get("/account/orders/").content.decode()
    assert "NH-200001" in text
    assert "NH-1000" not in text


def test_one_order_opened_by_its_number_shows_only_that_order(portal_shop):
    client = Client()
    response = client.post(
        "/account/",
        {"form": "order", "number": "NH-100002", "email_or_postcode": "10115", "lang": "en"},
    )
    assert response.status_code == 302
    shop = portal_shop
    assert client.get(f"/account/orders/{shop.a_old.pk}/").status_code == 200
    assert client.get(f"/account/claims/{shop.a_old_claim.pk}/label.pdf").status_code == 200
    for path in (
        f"/account/orders/{shop.a.pk}/",
        f"/account/orders/{shop.a_open.pk}/",
        f"/account/orders/{shop.a.pk}/invoices/{shop.a_invoice.pk}.pdf",
        f"/account/orders/{shop.a.pk}/return/",
        f"/account/claims/{shop.b_claim.pk}/label.pdf",
    ):
        assert client.get(path).status_code == 404, path
    listing = client.get("/account/orders/").content.decode()
    assert "NH-100002" in listing and "NH-100001" not in listing and "NH-100003" not in listing


def test_downloads_are_the_owners_files_and_attachments(portal_shop, sign_in_as):
    anna = sign_in_as(Client(), portal_shop.a_email)
    invoice = anna.get(
        f"/account/orders/{portal_shop.a.pk}/invoices/{portal_shop.a_invoice.pk}.pdf"
    )
    assert invoice.status_code == 200 and invoice["Content-Type"] == "application/pdf"
    assert invoice.content.endswith(b"NH-100001")
    assert invoice["Content-Disposition"] == 'attachment; filename="RE-NH-100001.pdf"'
    assert "no-store" in invoice["Cache-Control"]
    label = anna.get(f"/account/claims/{portal_shop.a_old_claim.pk}/label.pdf")
    assert label.status_code == 200
    assert b"".join(label.streaming_content) == b"%PDF-label NH-100002"
    assert label["Content-Disposition"].startswith("attachment;")
    assert "no-store" in label["Cache-Control"]
