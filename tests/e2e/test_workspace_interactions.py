"""The workspace's small scripts, in a real browser: canned responses and live filters."""

import pytest

from tresen.accounts.services import create_agent
from tresen.conversations.models import CannedResponse, Inbox
from tresen.conversations.services import add_tag
from tresen.core.actors import SYSTEM
from tresen.testing.factories import make_conversation

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def signed_in(live_server, page, log_in):
    create_agent(email="mia@example.de", password="geheim-123", name="Mia Brandt")
    log_in(page, live_server.url, "mia@example.de", "geheim-123")
    return page


def test_canned_response_is_inserted_with_its_variables_filled(live_server, signed_in):
    inbox = Inbox.objects.create(name="API", channel="api")
    conversation = make_conversation(inbox, email="jonas@example.de", name="Jonas Keller")
    CannedResponse.objects.create(
        title="Begrüßung", text="Hallo {{ customer.first_name }}, hier ist {{ agent.first_name }}."
    )
    page = signed_in
    page.goto(f"{live_server.url}/workspace/c/{conversation.pk}/")
    page.fill("#reply-text", "Vorab: ")
    page.locator("#reply-text").evaluate("area => area.setSelectionRange(7, 7)")

    page.select_option("#canned", label="Begrüßung (DE)")

    assert page.input_value("#reply-text") == "Vorab: Hallo Jonas, hier ist Mia."
    assert page.input_value("#canned") == ""  # ready for the next one


def test_filter_change_reloads_only_the_list_and_keeps_the_url(live_server, signed_in):
    inbox = Inbox.objects.create(name="API", channel="api")
    vip = make_conversation(inbox, subject="Großbestellung Hotel")
    make_conversation(inbox, subject="Frage zur Größe")
    add_tag(conversation=vip, name="vip", actor=SYSTEM)
    page = signed_in
    page.goto(f"{live_server.url}/workspace/?view=all")
    assert page.locator(".conversation-row").count() == 2

    page.select_option("select[name=tag]", "vip")

    page.wait_for_url("**tag=vip**")
    page.wait_for_function("document.querySelectorAll('.conversation-row').length === 1")
    assert "Großbestellung Hotel" in page.locator("#conversation-list").inner_text()
    assert page.locator("select[name=tag]").input_value() == "vip"  # the form was not replaced
