"""The Shopware app handshake, played as a shop plays it: signed requests over HTTP."""

import hashlib
import hmac
import json
import time
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest

from tresen.commerce.models import Order, ShopConnection, WebhookDelivery
from tresen.testing.fake_shopware import envelope

pytestmark = pytest.mark.django_db

APP_SECRET = "app-secret-from-the-store"
APP_NAME = "TresenSupport"
PUBLIC = "https://tresen.example"
SHOP_ID = "hRCw2xo1EDZnLco4"  # what fake_shopware.envelope names as the source
SHOP_URL = "https://shop.example"


@pytest.fixture(autouse=True)
def app_settings(settings):
    settings.TRESEN_SHOPWARE_APP_SECRET = APP_SECRET
    settings.TRESEN_SHOPWARE_APP_NAME = APP_NAME
    settings.TRESEN_PUBLIC_URL = PUBLIC
    return settings


def hmac_hex(secret: str, message: str | bytes) -> str:
    data = message.encode() if isinstance(message, str) else message
    return hmac.new(secret.encode(), data, hashlib.sha256).hexdigest()


def register(
    client,
    *,
    shop_id=SHOP_ID,
    shop_url=SHOP_URL,
    timestamp=None,
    secret=APP_SECRET,
    shop_secret=None,
):
    query = urlencode(
        {"shop-id": shop_id, "shop-url": shop_url, "timestamp": timestamp or int(time.time())}
    )
    headers = {"shopware-app-signature": hmac_hex(secret, query), "sw-version": "6.6.10.0"}
    if shop_secret:
        headers["shopware-shop-signature"] = hmac_hex(shop_secret, query)
    return client.get(f"/commerce/shopware/register/?{query}", headers=headers)


def confirm(
    client,
    shop_secret,
    *,
    shop_id=SHOP_ID,
    shop_url=SHOP_URL,
    api_key="SWIAKEY",
    timestamp=None,
):
    body = json.dumps(
        {
            "apiKey": api_key,
            "secretKey": "secret-key",
            "timestamp": str(timestamp or int(time.time())),
            "shopUrl": shop_url,
            "shopId": shop_id,
        }
    ).encode()
    return client.post(
        "/commerce/shopware/register/confirm/",
        data=body,
        content_type="application/json",
        headers={"shopware-shop-signature": hmac_hex(shop_secret, body)},
    )


def install(client) -> str:
    answer = register(client).json()
    assert confirm(client, answer["secret"]).status_code == 204
    return answer["secret"]


def test_the_handshake_records_the_shop_and_then_its_api_credentials(client):
    answer = register(client)
    assert answer.status_code == 200
    data = answer.json()
    assert data["proof"] == hmac_hex(APP_SECRET, SHOP_ID + SHOP_URL + APP_NAME)
    assert data["confirmation_url"] == f"{PUBLIC}/commerce/shopware/register/confirm/"
    assert 64 <= len(data["secret"]) <= 200
    connection = ShopConnection.objects.get()
    assert (connection.provider, connection.base_url) == ("shopware", SHOP_URL)
    assert connection.credentials == {"shop_id": SHOP_ID}
    assert connection.webhook_secret == data["secret"]
    assert not connection.is_active  # not before the shop confirms

    assert confirm(client, data["secret"]).status_code == 204
    connection.refresh_from_db()
    assert connection.is_active
    assert connection.credentials == {
        "shop_id": SHOP_ID,
        "client_id": "SWIAKEY",
        "client_secret": "secret-key",
    }


def test_a_wrong_app_signature_is_refused_and_nothing_stored(client):
    answer = register(client, secret="not-the-app-secret")
    assert answer.status_code == 401
    assert "error" in answer.json()
    assert not ShopConnection.objects.exists()


def test_a_tampered_query_is_refused(client):
    query = urlencode({"shop-id": SHOP_ID, "shop-url": SHOP_URL, "timestamp": int(time.time())})
    signature = hmac_hex(APP_SECRET, query)
    forged = query.replace("shop.example", "evil.example")
    answer = client.get(
        f"/commerce/shopware/register/?{forged}", headers={"shopware-app-signature": signature}
    )
    assert answer.status_code == 401
    assert not ShopConnection.objects.exists()


@pytest.mark.parametrize("offset", [-301, 301])
def test_a_stale_registration_is_refused(client, offset):
    answer = register(client, timestamp=int(time.time()) + offset)
    assert answer.status_code == 401
    assert not ShopConnection.objects.exists()


def test_a_confirmation_with_a_wrong_signature_stores_no_credentials(client):
    register(client)
    assert confirm(client, "not-the-shop-secret").status_code == 401
    connection = ShopConnection.objects.get()
    assert "client_id" not in connection.credentials
    assert not connection.is_active


def test_a_confirmation_from_an_unknown_shop_is_refused(client):
    register(client)
    secret = ShopConnection.objects.get().webhook_secret
    assert confirm(client, secret, shop_id="someone-else").status_code == 401


def test_a_stale_confirmation_is_refused(client):
    secret = register(client).json()["secret"]
    assert confirm(client, secret, timestamp=int(time.time()) - 600).status_code == 401
    assert "client_id" not in ShopConnection.objects.get().credentials


def test_re_registration_rotates_the_secret_once_the_shop_confirms(client):
    old = install(client)
    answer = register(client, shop_url="https://new.shop.example", shop_secret=old)
    assert answer.status_code == 200
    new = answer.json()["secret"]
    assert new != old
    assert answer.json()["proof"] == hmac_hex(
        APP_SECRET, SHOP_ID + "https://new.shop.example" + APP_NAME
    )
    connection = ShopConnection.objects.get()
    # Until the shop confirms, its webhooks still come signed with the old secret.
    assert (connection.webhook_secret, connection.base_url) == (old, SHOP_URL)

    assert confirm(client, old, api_key="OTHER").status_code == 401
    assert confirm(client, new, api_key="SWIANEWKEY").status_code == 204
    connection = ShopConnection.objects.get()
    assert connection.webhook_secret == new
    assert connection.base_url == "https://new.shop.example"
    assert connection.credentials == {
        "shop_id": SHOP_ID,
        "client_id": "SWIANEWKEY",
        "client_secret": "secret-key",
    }


def test_re_registration_signed_with_a_wrong_shop_secret_is_refused(client):
    old = install(client)
    assert register(client, shop_secret="not-the-shop-secret").status_code == 401
    connection = ShopConnection.objects.get()
    assert connection.webhook_secret == old
    assert "pending_secret" not in connection.credentials


def post_webhook(client, body: bytes, secret: str):
    return client.post(
        "/commerce/shopware/webhooks/",
        data=body,
        content_type="application/json",
        headers={"shopware-shop-signature": hmac_hex(secret, body)},
    )


def test_a_webhook_to_the_app_address_lands_on_the_shops_connection(client, placed):
    secret = install(client)
    body = json.dumps(envelope("checkout.order.placed", {"order": placed})).encode()
    answer = post_webhook(client, body, secret)
    assert answer.status_code == 200
    connection = ShopConnection.objects.get()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.connection, delivery.topic) == (connection, "checkout.order.placed")
    assert Order.objects.get().connection == connection


def test_a_webhook_signed_with_another_secret_is_refused(client):
    install(client)
    body = json.dumps(envelope("checkout.order.placed", {"order": {}})).encode()
    assert post_webhook(client, body, "not-the-shop-secret").status_code == 401
    assert not WebhookDelivery.objects.exists()


def test_a_webhook_from_an_unknown_shop_is_not_found(client):
    secret = install(client)
    payload = envelope("checkout.order.placed", {"order": {}})
    payload["source"]["shopId"] = "unknown-shop"
    body = json.dumps(payload).encode()
    assert post_webhook(client, body, secret).status_code == 404
    assert post_webhook(client, b"not json", secret).status_code == 404
    assert not WebhookDelivery.objects.exists()


def test_the_manifest_names_the_registration_url_and_the_webhooks(client):
    answer = client.get("/commerce/shopware/manifest.xml")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/xml")
    root = ET.fromstring(answer.content)  # noqa: S314 (our own output)
    assert root.tag == "manifest"
    assert root.findtext("meta/name") == APP_NAME
    labels = {label.get("lang"): label.text for label in root.findall("meta/label")}
    assert labels == {None: "Tresen customer service", "de-DE": "Tresen Kundenservice"}
    assert root.findtext("setup/registrationUrl") == f"{PUBLIC}/commerce/shopware/register/"
    assert root.find("setup/secret") is None
    assert APP_SECRET.encode() not in answer.content
    webhooks = root.findall("webhooks/webhook")
    events = {hook.get("event") for hook in webhooks}
    assert {
        "checkout.order.placed",
        "state_enter.order.state.cancelled",
        "state_enter.order_transaction.state.refunded_partially",
        "state_enter.order_delivery.state.returned",
    } <= events
    assert len(events) == len(webhooks) == len({hook.get("name") for hook in webhooks})
    assert {hook.get("url") for hook in webhooks} == {f"{PUBLIC}/commerce/shopware/webhooks/"}
    reads = {entity.text for entity in root.findall("permissions/read")}
    assert {"order", "order_line_item", "order_customer", "state_machine_state"} <= reads
    assert {e.text for e in root.findall("permissions/update")} == {"order", "order_address"}


def test_the_development_manifest_carries_the_secret(client, app_settings):
    app_settings.TRESEN_SHOPWARE_APP_DEV_MANIFEST = True
    root = ET.fromstring(client.get("/commerce/shopware/manifest.xml").content)  # noqa: S314
    assert root.findtext("setup/secret") == APP_SECRET


def test_without_an_app_secret_the_app_is_not_offered(client, app_settings):
    app_settings.TRESEN_SHOPWARE_APP_SECRET = ""
    answer = register(client)
    assert answer.status_code == 404
    assert answer.json() == {"error": "the Shopware app is not configured"}
    assert confirm(client, "whatever").status_code == 404
    assert client.get("/commerce/shopware/manifest.xml").status_code == 404
    assert not ShopConnection.objects.exists()
