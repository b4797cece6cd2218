"""Admins set up email inboxes in the admin pages; the inbox comes with the address."""

from django.test import Client

from tresen.channels.email.models import EmailInbox


def test_admin_creates_an_email_inbox_with_its_inbox(admin):
    client = Client()
    client.force_login(admin)

    response = client.post(
        "/admin/tresen_channels/emailinbox/add/",
        {
            "name": "Service",
            "address": "Service@Shop.Example",
            "signature": "Ihr Service-Team",
            "autoreply_enabled": "on",
            "reply_target_hours": "8",
            "imap_port": "993",
            "imap_security": "ssl",
            "imap_folder": "INBOX",
            "imap_after_import": "seen",
            "autoreply_templates-TOTAL_FORMS": "1",
            "autoreply_templates-INITIAL_FORMS": "0",
            "autoreply_templates-0-language": "de",
            "autoreply_templates-0-subject": "Danke, {name}",
            "autoreply_templates-0-body": "{greeting} wir melden uns {expected}.",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    email_inbox = EmailInbox.objects.select_related("inbox").get()
    assert (email_inbox.address, email_inbox.inbox.name) == ("service@shop.example", "Service")
    assert email_inbox.inbox.channel == "email"
    assert email_inbox.autoreply_templates.get().subject == "Danke, {name}"


def test_admin_refuses_a_tagged_address(admin):
    client = Client()
    client.force_login(admin)

    response = client.post(
        "/admin/tresen_channels/emailinbox/add/",
        {
            "name": "x",
            "address": "service+a@shop.example",
            "reply_target_hours": "8",
            "imap_port": "993",
            "imap_security": "ssl",
            "imap_folder": "INBOX",
            "imap_after_import": "seen",
            "autoreply_templates-TOTAL_FORMS": "0",
            "autoreply_templates-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["address"]
    assert not EmailInbox.objects.exists()
