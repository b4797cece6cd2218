"""The widget's HTTP side: settings, sessions, identity, uploads, files, origins."""

import base64

import pytest

from tresen.channels.webchat import tokens
from tresen.channels.webchat.models import ChatVisitor
from tresen.conversations.models import Attachment, Message
from tresen.customers.models import Identity
from tresen.testing.sockets import SHOP

# A real 1x1 PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def png_bytes() -> bytes:
    return PNG


def test_config_is_offline_without_agents_and_online_with_one(widget_client, agent, online):
    offline = widget_client.config(lang="de").json()
    assert offline["state"] == "offline"
    assert "Gerade ist niemand im Chat" in offline["notice"]
    assert offline["greeting"] == "Hallo! Wie können wir Ihnen helfen?"
    online(agent)
    answer = widget_client.config(lang="en")
    assert answer.json()["state"] == "online"
    assert answer.json()["greeting"] == "Hi! How can we help you?"
    assert answer["Access-Control-Allow-Origin"] == SHOP


def test_an_origin_not_listed_is_refused_with_a_reason(widget_client):
    answer = widget_client.config(origin="https://evil.example")
    assert answer.status_code == 403
    assert answer.json()["error"] == "origin_not_allowed"
    assert answer.json()["message"] == "The chat may not be embedded on https://evil.example."
    assert answer["Access-Control-Allow-Origin"] == "https://evil.example"
    refused = widget_client.session(origin="https://shop.example.evil.example")
    assert refused.status_code == 403


def test_subdomains_of_a_wildcard_origin_and_our_own_pages_are_allowed(widget_client):
    assert widget_client.config(origin="https://www.shop.example").status_code == 200
    assert widget_client.config(origin="http://testserver").status_code == 200
    assert widget_client.config(origin="https://shop.example.org").status_code == 403


def test_unknown_key_is_404(widget_client):
    answer = widget_client.http.get("/chat/api/nope/config", HTTP_ORIGIN=SHOP)
    assert answer.status_code == 404 and answer.json()["error"] == "unknown_widget"


def test_preflight_answers_with_cors_headers(widget_client):
    answer = widget_client.http.options(widget_client.url("session"), HTTP_ORIGIN=SHOP)
    assert answer.status_code == 204
    assert answer["Access-Control-Allow-Origin"] == SHOP
    assert "POST" in answer["Access-Control-Allow-Methods"]


def test_a_returning_visitor_keeps_identity_and_sees_the_earlier_conversation(
    widget_client, chat_inbox
):
    first = widget_client.session(language="de").json()
    visitor = ChatVisitor.objects.get(pk=first["visitor"])
    from tresen.channels.webchat import services

    services.post_message(visitor=visitor, client_id="a1", text="Gibt es den Bezug auch in Grün?")
    again = widget_client.session(token=first["token"]).json()
    assert again["visitor"] == first["visitor"]
    assert [m["text"] for m in again["conversation"]["messages"]] == [
        "Gibt es den Bezug auch in Grün?"
    ]
    assert ChatVisitor.objects.count() == 1


def test_a_forged_or_foreign_token_starts_a_new_visitor(widget_client, chat_inbox):
    first = widget_client.session().json()
    forged = first["token"][:-2] + ("AA" if not first["token"].endswith("AA") else "BB")
    other_inbox_token = tokens.visitor_token(first["visitor"], chat_inbox.pk + 1)
    assert widget_client.session(token=forged).json()["visitor"] != first["visitor"]
    assert widget_client.session(token=other_inbox_token).json()["visitor"] != first["visitor"]


def test_a_signed_email_links_the_chat_to_the_shops_customer(widget_client, chat_inbox):
    from tresen.testing.factories import make_inbox, receive

    mail_inbox = make_inbox(channel="email")
    known = receive(mail_inbox, email="kim@example.de", name="Kim Kundin").conversation.customer
    signature = tokens.identity_signature(chat_inbox.identity_secret, "kim@example.de")
    answer = widget_client.session(email="Kim@Example.de", name="Kim", signature=signature)
    assert answer.status_code == 200
    assert answer.json()["identified"] is True
    chat_identity = Identity.objects.get(kind="chat", value=answer.json()["visitor"])
    assert chat_identity.customer_id == known.pk


def test_a_forged_identity_signature_is_refused(widget_client):
    answer = widget_client.session(email="kim@example.de", signature="00" * 32)
    assert answer.status_code == 403
    assert answer.json()["error"] == "identity_signature_invalid"
    assert not Identity.objects.filter(value="kim@example.de").exists()


def _upload(widget_client, token, content, name="foto.png", content_type="image/png", cid="u1"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return widget_client.http.post(
        widget_client.url("upload"),
        {"token": token, "client_id": cid, "file": SimpleUploadedFile(name, content, content_type)},
        HTTP_ORIGIN=SHOP,
    )


def test_an_image_is_stored_once_and_served_by_its_signed_url(widget_client):
    token = widget_client.session().json()["token"]
    answer = _upload(widget_client, token, png_bytes())
    assert answer.status_code == 200
    message = answer.json()["message"]
    again = _upload(widget_client, token, png_bytes())
    assert again.json()["message"]["id"] == message["id"]
    assert Attachment.objects.count() == 1
    url = message["attachments"][0]["url"]
    served = widget_client.http.get(url)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served.content == png_bytes()
    tampered = url.rsplit("/", 1)[0] + "/wrong"
    assert widget_client.http.get(tampered).status_code == 404


@pytest.mark.parametrize(
    ("content", "content_type", "status", "code"),
    [
        (b"<script>alert(1)</script>", "image/png", 400, "not_an_image"),
        (b"%PDF-1.4 ...", "application/pdf", 400, "not_an_image"),
        (b"\x89PNG\r\n\x1a\n" + b"0" * (10 * 1024 * 1024), "image/png", 413, "too_large"),
    ],
)
def test_uploads_that_are_not_images_or_too_large_are_refused(
    widget_client, content, content_type, status, code
):
    token = widget_client.session().json()["token"]
    answer = _upload(widget_client, token, content, content_type=content_type)
    assert answer.status_code == status and answer.json()["error"] == code
    assert Message.objects.count() == 0


def test_an_upload_without_a_valid_token_is_refused(widget_client):
    answer = _upload(widget_client, "not-a-token", png_bytes())
    assert answer.status_code == 401 and answer.json()["error"] == "invalid_token"


def test_the_widget_script_is_served_small_and_cacheable(client):
    answer = client.get("/chat/widget.js")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/javascript")
    assert "max-age" in answer["Cache-Control"]
