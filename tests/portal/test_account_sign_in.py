"""Signing in to the customer's orders: a one-time link by mail, or one order by its number."""

import re

import pytest
from django.test import Client

from tresen.commerce import access
from tresen.commerce.models import Order, PortalLink
from tresen.commerce.sync import upsert_order
from tresen.testing.commerce import order_data

LINK = re.compile(r"http://[^/\s]+(/account/link/[A-Za-z0-9_-]{40,}/)\?lang=(de|en)")


def ask_for_link(client: Client, email: str, **extra):
    return client.post("/account/", {"form": "link", "email": email, "lang": "en", **extra})


def body(mail) -> str:
    return mail.get_body(("plain",)).get_content()


def test_the_link_in_the_mail_signs_in_on_the_button_and_lists_the_orders(portal_shop, mailbox):
    client = Client()
    response = ask_for_link(client, " Anna@Example.DE ")
    assert response.status_code == 302 and response["Location"] == "/account/?lang=en"
    page = client.get(response["Location"]).content.decode()
    assert "If we have orders for anna@example.de, we've sent a link" in page
    assert "It works once within 30 minutes." in page
    [mail] = mailbox.received
    assert mail["To"] == "anna@example.de"
    assert mail["From"] == "Nordhafen Service <service@shop.example>"
    path, language = LINK.search(body(mail)).groups()
    assert language == "en" and "once within 30 minutes" in body(mail)

    # A mail scanner fetching the link signs nobody in and uses nothing up.
    shown = client.get(f"{path}?lang={language}")
    assert shown.status_code == 200
    assert 'method="post"' in shown.content.decode() and ">Continue</button>" in (
        shown.content.decode()
    )
    assert client.get("/account/orders/").status_code == 302
    assert PortalLink.objects.get().used_at is None

    signed_in = client.post(path, {"lang": "en"})
    assert signed_in.status_code == 302 and signed_in["Location"] == "/account/orders/?lang=en"
    listing = client.get("/account/orders/?lang=en")
    text = listing.content.decode()
    assert listing.status_code == 200
    assert "NH-100001" in text and "NH-100002" in text and "NH-100003" in text
    assert "NH-200001" not in text
    # Newest first.
    assert text.index("NH-100003") < text.index("NH-100001") < text.index("NH-100002")
    assert "no-store" in listing["Cache-Control"] and "private" in listing["Cache-Control"]
    assert "Signed in as anna@example.de" in text


def test_a_link_works_once(portal_shop, mailbox):
    token = access.request_link(email="anna@example.de", language="de")
    first, second = Client(), Client()
    assert first.post(f"/account/link/{token}/", {"lang": "en"}).status_code == 302
    again = second.post(f"/account/link/{token}/", {"lang": "en"})
    assert again.status_code == 410
    assert "This link has expired or was already used; request a new one." in (
        again.content.decode()
    )
    assert second.get("/account/orders/").status_code == 302
    assert second.get(f"/account/link/{token}/?lang=en").status_code == 410


def test_an_expired_link_fails(portal_shop, clock):
    token = access.request_link(email="anna@example.de", language="de")
    clock.advance(minutes=29)
    assert Client().get(f"/account/link/{token}/").status_code == 200
    clock.advance(minutes=2)
    client = Client()
    assert client.get(f"/account/link/{token}/?lang=en").status_code == 410
    response = client.post(f"/account/link/{token}/", {"lang": "en"})
    assert response.status_code == 410 and "expired" in response.content.decode()
    assert PortalLink.objects.get().used_at is None
    assert client.get("/account/orders/").status_code == 302


def test_a_made_up_token_fails(db):
    response = Client().post("/account/link/not-a-real-token/", {"lang": "en"})
    assert response.status_code == 410


def test_an_unknown_address_gets_the_same_page_and_no_mail(portal_shop, mailbox):
    known, unknown = Client(), Client()
    answers = [
        ask_for_link(c, e) for c, e in ((known, "anna@example.de"), (unknown, "nobody@example.de"))
    ]
    assert [a.status_code for a in answers] == [302, 302]
    assert answers[0]["Location"] == answers[1]["Location"]
    pages = [c.get("/account/?lang=en").content.decode() for c in (known, unknown)]
    normalised = [re.sub(r"csrfmiddlewaretoken\" value=\"\w+", "", p) for p in pages]
    assert normalised[0].replace("anna@example.de", "X") == normalised[1].replace(
        "nobody@example.de", "X"
    )
    assert [m["To"] for m in mailbox.received] == ["anna@example.de"]
    assert PortalLink.objects.filter(email="nobody@example.de").count() == 0


@pytest.mark.parametrize(
    ("number", "proof"),
    [
        ("NH-100001", "anna@example.de"),
        ("#nh-100001 ", " ANNA@example.DE"),
        ("nh-100001", "20095"),
        ("NH-100001", " 200 95 "),
    ],
)
def test_one_order_opens_with_its_number_and_its_email_or_postcode(portal_shop, number, proof):
    client = Client()
    response = client.post(
        "/account/", {"form": "order", "number": number, "email_or_postcode": proof, "lang": "en"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/account/orders/{portal_shop.a.pk}/?lang=en"
    page = client.get(response["Location"]).content.decode()
    assert "Order NH-100001" in page and "You have opened one order." in page


@pytest.mark.parametrize("proof", ["10115", "bernd@example.de", "anna@example.com", "", "20096"])
def test_a_wrong_email_or_postcode_is_refused(portal_shop, proof):
    client = Client()
    response = client.post(
        "/account/",
        {"form": "order", "number": "NH-100001", "email_or_postcode": proof, "lang": "en"},
    )
    assert response.status_code == 400
    assert client.get(f"/account/orders/{portal_shop.a.pk}/").status_code == 302
    if proof:
        assert "We found no order with this number" in response.content.decode()


def test_too_many_link_requests_answer_429_and_send_nothing_more(portal_shop, mailbox, settings):
    settings.TRESEN_PORTAL_ATTEMPTS_PER_HOUR = 3
    client = Client()
    for _ in range(3):
        assert ask_for_link(client, "anna@example.de").status_code == 302
    # From another client too: the address itself has its limit.
    limited = ask_for_link(Client(REMOTE_ADDR="10.0.0.9"), "anna@example.de")
    assert limited.status_code == 429
    assert "Too many attempts" in limited.content.decode()
    assert len(mailbox.received) == 3
    assert PortalLink.objects.count() == 3


def test_too_many_order_attempts_from_one_client_answer_429_even_when_right(portal_shop, settings):
    settings.TRESEN_PORTAL_ATTEMPTS_PER_HOUR = 3
    client = Client()
    for number in ("NH-1", "NH-2", "NH-3"):
        response = client.post(
            "/account/",
            {"form": "order", "number": number, "email_or_postcode": "20095", "lang": "en"},
        )
        assert response.status_code == 400
    right = client.post(
        "/account/",
        {"form": "order", "number": "NH-100001", "email_or_postcode": "20095", "lang": "en"},
    )
    assert right.status_code == 429
    assert client.get(f"/account/orders/{portal_shop.a.pk}/").status_code == 302


def test_signing_out_ends_access(portal_shop, sign_in_as):
    client = sign_in_as(Client(), "anna@example.de")
    assert client.get(f"/account/orders/{portal_shop.a.pk}/").status_code == 200
    assert client.post("/account/sign-out/", {"lang": "en"}).status_code == 302
    assert client.get(f"/account/orders/{portal_shop.a.pk}/").status_code == 302


def test_a_signed_in_session_ends_after_some_hours(portal_shop, sign_in_as, clock):
    client = sign_in_as(Client(), "anna@example.de")
    assert client.get("/account/orders/").status_code == 200
    clock.advance(hours=access.SCOPE_HOURS + 1)
    assert client.get("/account/orders/").status_code == 302


def test_a_mail_link_to_an_order_leads_there_after_signing_in(portal_shop, mailbox):
    client = Client()
    target = f"/account/orders/{portal_shop.a.pk}/"
    redirect = client.get(target)
    assert redirect.status_code == 302 and redirect["Location"].startswith("/account/?next=")
    ask_for_link(client, "anna@example.de", next=target)
    path = LINK.search(body(mailbox.received[-1])).group(1)
    assert client.post(path, {"lang": "en"})["Location"] == target


def test_the_order_history_has_pages_of_twenty_and_an_empty_state(portal_shop, sign_in_as):
    for n in range(22):
        upsert_order(portal_shop.a.connection, order_data(f"NH-3{n:05d}", email="anna@example.de"))
    client = sign_in_as(Client(), "anna@example.de")
    first = client.get("/account/orders/?lang=en").content.decode()
    second = client.get("/account/orders/?lang=en&page=2").content.decode()
    assert first.count('class="order-card"') == 20 and second.count('class="order-card"') == 5
    assert "Page 1 of 2" in first and 'rel="next"' in first and 'rel="prev"' in second
    Order.objects.filter(email="anna@example.de").delete()
    empty = client.get("/account/orders/?lang=en").content.decode()
    assert "We found no orders for this address." in empty
