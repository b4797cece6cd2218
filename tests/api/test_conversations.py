"""GET /api/v1/conversations and /conversations/{id}: filters, search, paging, sorting."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tresen.conversations import services
from tresen.conversations.models import Status
from tresen.conversations.types import InboundAttachment
from tresen.testing.factories import (
    as_actor,
    make_agent,
    make_conversation,
    make_inbox,
    make_team,
    receive,
)


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


def test_default_list_shows_open_conversations(api_client, inbox, agent):
    open_one = make_conversation(inbox)
    solved = make_conversation(inbox)
    services.set_status(conversation=solved, status=Status.SOLVED, actor=as_actor(agent))

    assert ids(api_client.get_json("/conversations")) == [open_one.pk]
    assert ids(api_client.get_json("/conversations", {"status": "solved"})) == [solved.pk]
    assert set(ids(api_client.get_json("/conversations", {"status": "any"}))) == {
        open_one.pk,
        solved.pk,
    }


def test_list_item_carries_the_summary(api_client, inbox, agent):
    conversation = make_conversation(inbox, subject="Retoure", name="Erika Mustermann")
    services.assign(conversation=conversation, agent=agent, actor=as_actor(agent))
    services.add_tag(conversation=conversation, name="Retoure", actor=as_actor(agent))

    item = api_client.get_json("/conversations").json()["items"][0]

    assert item["subject"] == "Retoure"
    assert item["channel"] == "api"
    assert item["customer"] == {"id": conversation.customer_id, "name": "Erika Mustermann"}
    assert item["assignee"] == {"id": agent.pk, "name": "Anton Agent", "email": agent.email}
    assert item["tags"] == ["retoure"]
    assert item["status"] == "new"
    assert item["waiting_since"] is not None


def test_views_mine_and_unassigned(api_client, inbox, agent, lead):
    mine = make_conversation(inbox)
    theirs = make_conversation(inbox)
    nobodys = make_conversation(inbox)
    services.assign(conversation=mine, agent=agent, actor=as_actor(lead))
    services.assign(conversation=theirs, agent=lead, actor=as_actor(lead))

    assert ids(api_client.get_json("/conversations", {"view": "mine"})) == [mine.pk]
    assert ids(api_client.get_json("/conversations", {"view": "unassigned"})) == [nobodys.pk]
    assert len(ids(api_client.get_json("/conversations", {"view": "all"}))) == 3
    assignee = ids(api_client.get_json("/conversations", {"assignee_id": lead.pk}))
    assert assignee == [theirs.pk]


def test_filter_by_channel(api_client, inbox):
    by_api = make_conversation(inbox)
    by_mail = make_conversation(make_inbox(channel="email"))

    assert ids(api_client.get_json("/conversations", {"channel": "email"})) == [by_mail.pk]
    assert ids(api_client.get_json("/conversations", {"channel": "api"})) == [by_api.pk]
    assert ids(api_client.get_json("/conversations", {"channel": "phone"})) == []


def test_filter_by_tag_ignores_case(api_client, inbox, agent):
    tagged = make_conversation(inbox)
    make_conversation(inbox)
    services.add_tag(conversation=tagged, name="Retoure", actor=as_actor(agent))

    assert ids(api_client.get_json("/conversations", {"tag": "RETOURE"})) == [tagged.pk]
    assert ids(api_client.get_json("/conversations", {"tag": "garantie"})) == []


def test_filter_by_team_and_customer(api_client, inbox, agent):
    team = make_team("Versand")
    for_team = make_conversation(inbox)
    other = make_conversation(inbox)
    services.assign(conversation=for_team, team=team, actor=as_actor(agent))

    assert ids(api_client.get_json("/conversations", {"team_id": team.pk})) == [for_team.pk]
    by_customer = ids(api_client.get_json("/conversations", {"customer_id": other.customer_id}))
    assert by_customer == [other.pk]


class TestSearch:
    @pytest.fixture
    def conversations(self, inbox):
        by_subject = make_conversation(inbox, subject="Defekter Wasserkocher")
        by_email = make_conversation(inbox, email="erika.mustermann@example.de")
        by_text = make_conversation(inbox, text="Die Rechnung RE-4711 fehlt")
        # A later message replaces the preview: the search must still find the first one.
        receive(inbox, email=by_text.identity.value, text="Danke schon mal")
        by_name = make_conversation(inbox, name="Jürgen Schulze")
        return {
            "subject": by_subject,
            "email": by_email,
            "text": by_text,
            "name": by_name,
        }

    @pytest.mark.parametrize(
        "query, expected",
        [
            ("wasserkocher", "subject"),
            ("ERIKA.mustermann", "email"),
            ("re-4711", "text"),
            ("schulze", "name"),
        ],
    )
    def test_search_finds(self, api_client, conversations, query, expected):
        found = ids(api_client.get_json("/conversations", {"q": query}))

        assert found == [conversations[expected].pk]

    def test_search_by_number(self, api_client, conversations):
        wanted = conversations["name"]

        assert ids(api_client.get_json("/conversations", {"q": f"#{wanted.pk}"})) == [wanted.pk]

    def test_search_without_match(self, api_client, conversations):
        assert ids(api_client.get_json("/conversations", {"q": "kühlschrank"})) == []

    def test_search_folds_umlaut_case(self, api_client, inbox):
        wanted = make_conversation(inbox, subject="Änderung der Lieferadresse")

        assert ids(api_client.get_json("/conversations", {"q": "änderung"})) == [wanted.pk]

    @pytest.mark.parametrize(
        "query", ["Rueckgaben", "rückgabe etikett", "NH128846", "nh 128846", "128846"]
    )
    def test_search_finds_words_in_any_form(self, api_client, inbox, query):
        wanted = make_conversation(
            inbox, text="Das Etikett für die Rückgabe von NH-128846 fehlt."
        )
        make_conversation(inbox, text="Die Rücksendung ist angekommen.")

        assert ids(api_client.get_json("/conversations", {"q": query})) == [wanted.pk]

    def test_search_finds_agents_replies_and_notes(self, api_client, inbox, agent):
        replied = make_conversation(inbox, text="Hallo")
        noted = make_conversation(inbox, text="Hallo")
        services.send_reply(conversation=replied, text="Gutschrift veranlasst", agent=agent,
                            actor=as_actor(agent))  # fmt: skip
        services.add_note(conversation=noted, text="Kulanz genehmigt", agent=agent,
                          actor=as_actor(agent))  # fmt: skip

        assert ids(api_client.get_json("/conversations", {"q": "gutschrift"})) == [replied.pk]
        assert ids(api_client.get_json("/conversations", {"q": "kulanz"})) == [noted.pk]


def test_pagination(api_client, inbox):
    made = [make_conversation(inbox).pk for _ in range(5)]

    first = api_client.get_json("/conversations", {"limit": 2}).json()
    second = api_client.get_json("/conversations", {"limit": 2, "offset": 2}).json()
    last = api_client.get_json("/conversations", {"limit": 2, "offset": 4}).json()

    assert (first["has_more"], first["next_offset"]) == (True, 2)
    assert (second["has_more"], second["next_offset"]) == (True, 4)
    assert (last["has_more"], last["next_offset"]) == (False, None)
    pages = [first, second, last]
    seen = [item["id"] for page in pages for item in page["items"]]
    assert sorted(seen) == sorted(made)
    assert [len(page["items"]) for page in pages] == [2, 2, 1]


def test_exact_page_size_has_no_more(api_client, inbox):
    for _ in range(3):
        make_conversation(inbox)

    page = api_client.get_json("/conversations", {"limit": 3}).json()

    assert (len(page["items"]), page["has_more"], page["next_offset"]) == (3, False, None)


def test_sort_waiting_puts_the_longest_waiting_first(api_client, inbox, clock):
    first = make_conversation(inbox)
    clock.advance(minutes=10)
    second = make_conversation(inbox)
    clock.advance(minutes=10)
    third = make_conversation(inbox)
    clock.advance(minutes=10)
    # Writing again does not move the first customer back in the queue.
    receive(inbox, email=first.identity.value, text="Hallo?")

    waiting = ids(api_client.get_json("/conversations", {"sort": "waiting"}))
    recent = ids(api_client.get_json("/conversations", {"sort": "recent"}))

    assert waiting == [first.pk, second.pk, third.pk]
    assert recent == [first.pk, third.pk, second.pk]


def test_sort_waiting_puts_answered_conversations_last(api_client, inbox, agent, clock):
    answered = make_conversation(inbox)
    clock.advance(minutes=10)
    waiting = make_conversation(inbox)
    clock.advance(minutes=10)
    services.send_reply(
        conversation=answered, text="Ist unterwegs", agent=agent, actor=as_actor(agent)
    )

    assert ids(api_client.get_json("/conversations", {"sort": "waiting"})) == [
        waiting.pk,
        answered.pk,
    ]


def _busy_conversations(inbox, n: int, agents, team) -> None:
    for i in range(n):
        conversation = make_conversation(inbox, subject=f"Frage {i}")
        actor = as_actor(agents[0])
        services.assign(
            conversation=conversation, agent=agents[i % len(agents)], team=team, actor=actor
        )
        services.add_tag(conversation=conversation, name=f"tag-{i % 4}", actor=actor)
        services.add_tag(conversation=conversation, name="vip", actor=actor)


def test_list_costs_the_same_queries_whatever_the_size(api_client, inbox, agent, lead):
    agents = [agent, lead, make_agent()]
    team = make_team("Support")
    _busy_conversations(inbox, 3, agents, team)
    api_client.get_json("/conversations")  # token bookkeeping happens on first use

    with CaptureQueriesContext(connection) as small:
        assert len(ids(api_client.get_json("/conversations"))) == 3
    _busy_conversations(inbox, 27, agents, team)
    with CaptureQueriesContext(connection) as large:
        assert len(ids(api_client.get_json("/conversations"))) == 30

    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(small.captured_queries) <= 4


def test_filtered_list_costs_the_same_queries(api_client, inbox, agent, lead):
    team = make_team("Support")
    _busy_conversations(inbox, 3, [agent, lead], team)
    params = {"view": "mine", "tag": "vip", "q": "Frage", "sort": "priority"}
    api_client.get_json("/conversations", params)

    with CaptureQueriesContext(connection) as small:
        assert len(ids(api_client.get_json("/conversations", params))) == 2
    _busy_conversations(inbox, 27, [agent, lead], team)
    with CaptureQueriesContext(connection) as large:
        assert len(ids(api_client.get_json("/conversations", params))) == 16

    assert len(large.captured_queries) == len(small.captured_queries)


class TestDetail:
    def test_detail_has_messages_customer_status_topic_assignee(self, api_client, inbox, agent):
        conversation = make_conversation(
            inbox, email="erika@example.de", name="Erika", subject="Paket", text="Wo ist es?"
        )
        services.assign(conversation=conversation, agent=agent, actor=as_actor(agent))
        services.set_topic(conversation=conversation, topic="shipping", actor=as_actor(agent))
        services.add_note(
            conversation=conversation,
            text="Bei DHL nachfragen",
            agent=agent,
            actor=as_actor(agent),
        )

        detail = api_client.get_json(f"/conversations/{conversation.pk}").json()

        assert detail["id"] == conversation.pk
        assert detail["customer"] == {"id": conversation.customer_id, "name": "Erika"}
        assert detail["status"] == "new"
        assert detail["topic"] == "shipping"
        assert detail["assignee"]["id"] == agent.pk
        assert [(m["direction"], m["is_note"], m["text"]) for m in detail["messages"]] == [
            ("in", False, "Wo ist es?"),
            ("out", True, "Bei DHL nachfragen"),
        ]
        assert detail["messages"][0]["author_kind"] == "customer"
        assert detail["messages"][1]["author_name"] == "Anton Agent"

    def test_detail_lists_attachments(self, api_client, inbox, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        message = receive(
            inbox,
            attachments=(
                InboundAttachment("rechnung.pdf", "application/pdf", b"%PDF-1.4"),
                InboundAttachment("virus.exe", "application/x-msdownload", b"MZ"),
            ),
        )

        detail = api_client.get_json(f"/conversations/{message.conversation_id}").json()

        attachments = detail["messages"][0]["attachments"]
        assert [(a["filename"], a["size"], bool(a["rejected_reason"])) for a in attachments] == [
            ("rechnung.pdf", 8, False),
            ("virus.exe", 2, True),
        ]

    def test_detail_costs_the_same_queries_whatever_the_length(self, api_client, inbox, agent):
        conversation = make_conversation(inbox)
        api_client.get_json(f"/conversations/{conversation.pk}")

        with CaptureQueriesContext(connection) as short:
            api_client.get_json(f"/conversations/{conversation.pk}")
        for i in range(10):
            receive(inbox, email=conversation.identity.value, text=f"Nachricht {i}")
            services.send_reply(
                conversation=conversation,
                text=f"Antwort {i}",
                agent=agent,
                actor=as_actor(agent),
            )
        with CaptureQueriesContext(connection) as long:
            response = api_client.get_json(f"/conversations/{conversation.pk}")

        assert len(response.json()["messages"]) == 21
        assert len(long.captured_queries) == len(short.captured_queries)
