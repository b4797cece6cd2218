"""The server-rendered workspace: every page and form, through Django's test client."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tresen.conversations.models import CannedResponse, Conversation, Message, Status
from tresen.conversations.services import add_tag, assign
from tresen.conversations.types import InboundAttachment
from tresen.customers.models import Customer, Identity
from tresen.testing.factories import as_actor, make_conversation, make_team, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser_of():
    def log_in(agent):
        client = Client()
        client.force_login(agent)
        return client

    return log_in


def test_login_page_and_redirect_for_anonymous(client):
    response = client.get("/workspace/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    page = client.get("/accounts/login/")
    assert 'autocomplete="current-password"' in page.content.decode()


def test_views_split_mine_unassigned_and_all(browser_of, agent, lead, inbox):
    mine = make_conversation(inbox, subject="Meine Anfrage")
    theirs = make_conversation(inbox, subject="Anfrage von Lea")
    loose = make_conversation(inbox, subject="Niemandes Anfrage")
    assign(conversation=mine, agent=agent, actor=as_actor(agent))
    assign(conversation=theirs, agent=lead, actor=as_actor(lead))
    client = browser_of(agent)

    def subjects(view):
        html = client.get("/workspace/", {"view": view}).content.decode()
        return {c.subject for c in (mine, theirs, loose) if c.subject in html}

    assert subjects("mine") == {"Meine Anfrage"}
    assert subjects("unassigned") == {"Niemandes Anfrage"}
    assert subjects("all") == {"Meine Anfrage", "Anfrage von Lea", "Niemandes Anfrage"}


def test_filters_by_tag_and_team_and_channel(browser_of, agent, inbox):
    team = make_team("Retouren")
    tagged = make_conversation(inbox, subject="Mit Tag")
    other = make_conversation(inbox, subject="Ohne Tag")
    add_tag(conversation=tagged, name="VIP", actor=as_actor(agent))
    assign(conversation=other, team=team, actor=as_actor(agent))
    client = browser_of(agent)

    by_tag = client.get("/workspace/", {"view": "all", "tag": "vip"}).content.decode()
    assert "Mit Tag" in by_tag and "Ohne Tag" not in by_tag
    by_team = client.get("/workspace/", {"view": "all", "team": team.pk}).content.decode()
    assert "Ohne Tag" in by_team and "Mit Tag" not in by_team
    by_channel = client.get("/workspace/", {"view": "all", "channel": "whatsapp"}).content.decode()
    assert "Mit Tag" not in by_channel and "Keine Einträge" in by_channel


def test_htmx_filter_change_returns_only_the_list(browser_of, agent, inbox):
    make_conversation(inbox, subject="Teilansicht")
    response = browser_of(agent).get("/workspace/", {"view": "all"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "Teilansicht" in html and "<html" not in html


def test_list_page_runs_a_fixed_number_of_queries(browser_of, agent, inbox):
    client = browser_of(agent)
    make_conversation(inbox)
    client.get("/workspace/", {"view": "all"})  # warm caches: session, content types
    with CaptureQueriesContext(connection) as few:
        client.get("/workspace/", {"view": "all"})
    for _ in range(12):
        conversation = make_conversation(inbox)
        add_tag(conversation=conversation, name="b2b", actor=as_actor(agent))
        assign(conversation=conversation, agent=agent, actor=as_actor(agent))
    with CaptureQueriesContext(connection) as many:
        client.get("/workspace/", {"view": "all"})
    assert len(many.captured_queries) == len(few.captured_queries)


def test_detail_shows_timeline_sidebar_and_filled_canned_response(browser_of, agent, inbox):
    first = receive(inbox, email="marie@example.de", name="Marie Schmidt", subject="Frage 1")
    conversation = first.conversation
    conversation.status = Status.SOLVED
    conversation.save()
    second = receive(inbox, email="marie@example.de", subject="Frage 2", text="Noch eine Frage")
    CannedResponse.objects.create(
        title="Gruß", text="Hallo {{ customer.first_name }}, hier ist {{ agent.name }}."
    )
    html = browser_of(agent).get(f"/workspace/c/{second.conversation_id}/").content.decode()
    assert "Noch eine Frage" in html
    assert "marie@example.de" in html  # identity in the sidebar
    assert f"#{conversation.pk} Frage 1" in html  # the customer's other conversation
    assert "Hallo Marie, hier ist Anton Agent." in html


def test_reply_note_status_priority_assign_and_tags(browser_of, agent, lead, inbox):
    conversation = make_conversation(inbox)
    client = browser_of(agent)
    base = f"/workspace/c/{conversation.pk}"

    client.post(f"{base}/reply/", {"kind": "reply", "text": "Ist unterwegs.", "status": "pending"})
    client.post(f"{base}/reply/", {"kind": "note", "text": "Kunde ruft morgen an"})
    client.post(f"{base}/priority/", {"priority": "3"})
    client.post(f"{base}/assign/", {"agent": lead.pk, "team": ""})
    client.post(f"{base}/tags/", {"name": "Rückruf"})

    conversation.refresh_from_db()
    assert conversation.status == Status.PENDING
    assert conversation.priority == 3
    assert conversation.assignee == lead
    assert [t.name for t in conversation.tags.all()] == ["rückruf"]
    kinds = list(
        Message.objects.filter(conversation=conversation, direction="out").values_list(
            "is_note", "text"
        )
    )
    assert kinds == [(False, "Ist unterwegs."), (True, "Kunde ruft morgen an")]

    client.post(f"{base}/tags/", {"remove": "rückruf"})
    client.post(f"{base}/assign/", {"agent": "me", "team": ""})
    conversation.refresh_from_db()
    assert list(conversation.tags.all()) == [] and conversation.assignee == agent
    html = client.get(f"{base}/").content.decode()
    assert "hat die Konversation Lea Lead zugewiesen" in html


def test_empty_reply_is_refused_with_a_message(browser_of, agent, inbox):
    conversation = make_conversation(inbox)
    client = browser_of(agent)
    response = client.post(
        f"/workspace/c/{conversation.pk}/reply/", {"kind": "reply", "text": "  "}, follow=True
    )
    assert "no text" in response.content.decode()
    assert not Message.objects.filter(conversation=conversation, direction="out").exists()


def test_forms_need_post_and_csrf(agent, inbox):
    conversation = make_conversation(inbox)
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    assert client.get(f"/workspace/c/{conversation.pk}/status/").status_code == 405
    response = client.post(f"/workspace/c/{conversation.pk}/status/", {"status": "solved"})
    assert response.status_code == 403
    assert Conversation.objects.get(pk=conversation.pk).status == Status.NEW


def test_lead_merges_customers_in_the_workspace(browser_of, lead, inbox):
    keep = make_conversation(inbox, email="jana@example.de", name="Jana Wolff").customer
    duplicate = make_conversation(inbox, email="jana.wolff@example.com").customer
    client = browser_of(lead)

    found = client.get(f"/workspace/customers/{keep.pk}/", {"q": "jana.wolff"}).content.decode()
    assert "jana.wolff@example.com" in found
    client.post(f"/customers/{keep.pk}/merge/", {"source": duplicate.pk})

    assert set(Identity.objects.filter(customer=keep).values_list("value", flat=True)) == {
        "jana@example.de",
        "jana.wolff@example.com",
    }
    assert Customer.objects.get(pk=duplicate.pk).merged_into_id == keep.pk
    # The old address of the merged customer lands on the survivor.
    old_page = client.get(f"/workspace/customers/{duplicate.pk}/")
    assert old_page["Location"] == f"/workspace/customers/{keep.pk}/"


def test_plain_agent_cannot_merge_customers(browser_of, agent, inbox):
    keep = make_conversation(inbox, email="a@example.de").customer
    duplicate = make_conversation(inbox, email="b@example.de").customer
    response = browser_of(agent).post(
        f"/customers/{keep.pk}/merge/", {"source": duplicate.pk}, follow=True
    )
    assert "Teamleitung" in response.content.decode()
    assert Customer.objects.get(pk=duplicate.pk).merged_into_id is None


def test_customer_note_from_the_sidebar(browser_of, agent, inbox):
    conversation = make_conversation(inbox)
    browser_of(agent).post(
        f"/customers/{conversation.customer_id}/notes/",
        {"text": "Bevorzugt Rückruf", "next": f"/workspace/c/{conversation.pk}/"},
    )
    assert conversation.customer.notes.get().text == "Bevorzugt Rückruf"


def test_attachment_download_is_forced_and_needs_login(browser_of, agent, inbox, client):
    message = receive(
        inbox,
        attachments=(InboundAttachment("rechnung.pdf", "application/pdf", b"%PDF-1.4 test"),),
    )
    attachment = message.attachments.get()
    url = f"/workspace/attachments/{attachment.pk}/"
    assert client.get(url).status_code == 302
    response = browser_of(agent).get(url)
    assert response["Content-Type"] == "application/octet-stream"
    assert 'attachment; filename="rechnung.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"


def test_language_is_per_agent(browser_of, agent, inbox):
    client = browser_of(agent)
    assert "Nicht zugewiesen" in client.get("/workspace/").content.decode()
    client.post("/accounts/language/", {"language": "en", "next": "/workspace/"})
    agent.refresh_from_db()
    assert agent.language == "en"
    assert "Unassigned" in client.get("/workspace/").content.decode()
    assert client.post("/accounts/language/", {"language": "xx"}).status_code == 400


def test_language_switch_refuses_foreign_redirects(browser_of, agent):
    response = browser_of(agent).post(
        "/accounts/language/", {"language": "de", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_customer_html_is_escaped_in_the_timeline(browser_of, agent, inbox):
    message = receive(inbox, text="<script>alert(1)</script> Hallo")
    html = browser_of(agent).get(f"/workspace/c/{message.conversation_id}/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Hallo" in html
