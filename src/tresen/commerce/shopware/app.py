"""Tresen as a Shopware 6 app: the registration handshake and the app's manifest.

A shop installing the app calls the registration URL signed with the app secret; Tresen
answers with a proof, a fresh secret for that shop and where to confirm. The shop then posts
its Admin API credentials, signed with that shop secret, to the confirmation URL. One
`ShopConnection(provider="shopware")` per shop id holds it all: the shop secret is the
connection's webhook secret, the credentials are its `client_id`/`client_secret`.

Settings (read here, with defaults): TRESEN_SHOPWARE_APP_NAME, TRESEN_SHOPWARE_APP_SECRET
(empty: the app is not offered) and TRESEN_SHOPWARE_APP_DEV_MANIFEST (put the secret into
the manifest, for a private or development install; a store app gets it from the store).
"""

import json
import secrets
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.db import transaction

from ..models import ShopConnection
from ..signatures import hmac_hex, matches

APP_SIGNATURE = "shopware-app-signature"
SHOP_SIGNATURE = "shopware-shop-signature"
MAX_SKEW_SECONDS = 300
VERSION = "1.0.0"

WEBHOOK_EVENTS = (
    "checkout.order.placed",
    "state_enter.order.state.cancelled",
    "state_enter.order.state.completed",
    "state_enter.order.state.in_progress",
    "state_enter.order_transaction.state.paid",
    "state_enter.order_transaction.state.refunded",
    "state_enter.order_transaction.state.refunded_partially",
    "state_enter.order_transaction.state.cancelled",
    "state_enter.order_delivery.state.shipped",
    "state_enter.order_delivery.state.shipped_partially",
    "state_enter.order_delivery.state.returned",
)
PERMISSIONS = {
    "read": (
        "order",
        "order_line_item",
        "order_delivery",
        "order_transaction",
        "order_address",
        "order_customer",
        "state_machine_state",
        "currency",
        "country",
        # Associations the provider's order criteria load (shopware.provider.ASSOCIATIONS);
        # the Admin API refuses a search that loads an entity the app may not read.
        "language",
        "locale",
        "shipping_method",
        "order_transaction_capture",
        "order_transaction_capture_refund",
        # Cancelling runs a state machine transition, which reads the machine and writes
        # its history.
        "state_machine",
        "state_machine_transition",
    ),
    "create": ("state_machine_history",),
    "update": ("order", "order_address"),
}


def app_name() -> str:
    return settings.TRESEN_SHOPWARE_APP_NAME


def app_secret() -> str:
    return settings.TRESEN_SHOPWARE_APP_SECRET


def dev_manifest() -> bool:
    return settings.TRESEN_SHOPWARE_APP_DEV_MANIFEST


def is_configured() -> bool:
    return bool(app_secret())


class HandshakeRejected(Exception):
    """The shop's request is not one to act on; nothing was stored."""

    def __init__(self, reason: str, status: int = 401):
        super().__init__(reason)
        self.reason = reason
        self.status = status


@dataclass(frozen=True)
class Registration:
    connection: ShopConnection
    secret: str
    proof: str


def _matches(sent: str, secret: str, message: str | bytes) -> bool:
    return matches(sent, hmac_hex(secret, message))


def proof(shop_id: str, shop_url: str) -> str:
    """What shows the shop Tresen holds the app secret: HMAC(shopId + shopUrl + appName)."""
    return hmac_hex(app_secret(), shop_id + shop_url + app_name())


def new_shop_secret() -> str:
    # Shopware wants 64 to 255 characters; the model's default secret is shorter.
    return secrets.token_hex(48)


def _check_fresh(timestamp) -> None:
    try:
        sent = int(str(timestamp).strip())
    except (TypeError, ValueError):
        raise HandshakeRejected("the timestamp is missing or not a number") from None
    if abs(time.time() - sent) > MAX_SKEW_SECONDS:
        raise HandshakeRejected("the request is too old (or from the future)")


def _find(shop_id: str, *, lock: bool = False) -> ShopConnection | None:
    found = ShopConnection.objects.filter(provider="shopware", credentials__shop_id=shop_id)
    if lock:
        found = found.select_for_update()
    return found.order_by("-is_active", "pk").first()


def register(query_string: str, app_signature: str, shop_signature: str = "") -> Registration:
    """Check a registration request (the raw query string as sent) and record the shop.

    A known shop id is a re-registration (reinstall, secret rotation, new shop URL): the new
    secret and URL wait in the credentials until the shop confirms, so the connection keeps
    working on the old secret meanwhile. If the shop also signed with its current secret,
    that signature must match too.
    """
    if not is_configured():
        raise HandshakeRejected("the Shopware app is not configured", status=404)
    if not _matches(app_signature, app_secret(), query_string):
        raise HandshakeRejected("the shopware-app-signature does not match the app secret")
    query = {key: values[0] for key, values in parse_qs(query_string).items()}
    shop_id, shop_url = query.get("shop-id", ""), query.get("shop-url", "")
    if not shop_id or not shop_url:
        raise HandshakeRejected("shop-id and shop-url are required", status=400)
    _check_fresh(query.get("timestamp"))
    secret = new_shop_secret()
    with transaction.atomic():
        connection = _find(shop_id, lock=True)
        if connection is None:
            name = f"Shopware {urlsplit(shop_url).netloc or shop_url}"[:100]
            connection = ShopConnection.objects.create(
                name=name,
                provider="shopware",
                base_url=shop_url,
                credentials={"shop_id": shop_id},
                webhook_secret=secret,
                is_active=False,  # until the shop confirms with its API credentials
            )
        else:
            current = [connection.webhook_secret, connection.credentials.get("pending_secret")]
            if shop_signature and not any(
                _matches(shop_signature, known, query_string) for known in current if known
            ):
                raise HandshakeRejected("the shopware-shop-signature does not match the shop")
            connection.credentials = {
                **connection.credentials,
                "pending_secret": secret,
                "pending_url": shop_url,
            }
            connection.save(update_fields=["credentials"])
    return Registration(connection, secret, proof(shop_id, shop_url))


def confirm(body: bytes, shop_signature: str) -> ShopConnection:
    """Store the Admin API credentials a registered shop sends, signed with its secret."""
    if not is_configured():
        raise HandshakeRejected("the Shopware app is not configured", status=404)
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise HandshakeRejected("the body is not JSON", status=400) from None
    if not isinstance(payload, dict) or not payload.get("shopId"):
        raise HandshakeRejected("the body names no shopId", status=400)
    with transaction.atomic():
        connection = _find(str(payload["shopId"]), lock=True)
        if connection is None:
            raise HandshakeRejected("this shop has not registered")
        credentials = dict(connection.credentials)
        secret = credentials.get("pending_secret") or connection.webhook_secret
        if not _matches(shop_signature, secret, body):
            raise HandshakeRejected("the shopware-shop-signature does not match the shop secret")
        _check_fresh(payload.get("timestamp"))
        if not payload.get("apiKey") or not payload.get("secretKey"):
            raise HandshakeRejected("apiKey and secretKey are required", status=400)
        shop_url = credentials.pop("pending_url", "") or payload.get("shopUrl") or ""
        credentials.pop("pending_secret", None)
        credentials.update(
            client_id=str(payload["apiKey"]), client_secret=str(payload["secretKey"])
        )
        connection.credentials = credentials
        connection.webhook_secret = secret
        connection.base_url = shop_url or connection.base_url
        connection.is_active = True
        connection.save(update_fields=["credentials", "webhook_secret", "base_url", "is_active"])
    return connection


def connection_for_webhook(body: bytes) -> ShopConnection | None:
    """The connection of the shop an app webhook names in `source.shopId`."""
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    source = payload.get("source") if isinstance(payload, dict) else None
    shop_id = source.get("shopId") if isinstance(source, dict) else None
    return _find(str(shop_id)) if shop_id else None


def _webhook_name(event: str) -> str:
    return (
        event.removeprefix("state_enter.")
        .replace(".state.", ".")
        .replace("_", "-")
        .replace(".", "-")
    )


def manifest(registration_url: str, webhook_url: str) -> bytes:
    """The app's manifest.xml (schema manifest-2.0)."""
    root = ET.Element(
        "manifest",
        {
            "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
            "xsi:noNamespaceSchemaLocation": "https://raw.githubusercontent.com/shopware/"
            "shopware/trunk/src/Core/Framework/App/Manifest/Schema/manifest-2.0.xsd",
        },
    )
    meta = ET.SubElement(root, "meta")
    ET.SubElement(meta, "name").text = app_name()
    ET.SubElement(meta, "label").text = "Tresen customer service"
    ET.SubElement(meta, "label", {"lang": "de-DE"}).text = "Tresen Kundenservice"
    ET.SubElement(
        meta, "description"
    ).text = "Shows orders next to customer conversations and lets support act on them."
    ET.SubElement(
        meta, "description", {"lang": "de-DE"}
    ).text = "Zeigt Bestellungen neben den Kundengesprächen und lässt den Support sie bearbeiten."
    ET.SubElement(meta, "author").text = "Tresen"
    ET.SubElement(meta, "copyright").text = "(c) Tresen"
    ET.SubElement(meta, "version").text = VERSION
    ET.SubElement(meta, "license").text = "proprietary"
    setup = ET.SubElement(root, "setup")
    ET.SubElement(setup, "registrationUrl").text = registration_url
    if dev_manifest() and app_secret():
        ET.SubElement(setup, "secret").text = app_secret()
    permissions = ET.SubElement(root, "permissions")
    for privilege, entities in PERMISSIONS.items():
        for entity in entities:
            ET.SubElement(permissions, privilege).text = entity
    webhooks = ET.SubElement(root, "webhooks")
    for event in WEBHOOK_EVENTS:
        ET.SubElement(
            webhooks, "webhook", {"name": _webhook_name(event), "url": webhook_url, "event": event}
        )
    ET.indent(root, space="    ")
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n"
