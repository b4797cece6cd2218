"""Customers through the API: list, detail, notes, merge."""

import pytest

from tresen.conversations.models import Conversation, TimelineEvent
from tresen.customers.models import Customer, CustomerNote, Identity
from tresen.customers.services import add_identity, add_note
from tresen.testing.factories import ApiClient, as_actor, make_conversation, make_token, receive


@pytest.fixture
def erika(inbox, agent):
    conversation = make_conversation(inbox, email="erika@example.de", name="Erika Mustermann")
    customer = conversation.customer
    add_identity(customer=customer, kind="phone", value="0171 1234567", actor=as_actor(agent))
    add_note(customer=customer, text="Zahlt per Rechnung", actor=as_actor(agent), author=agent)
    return customer


@pytest.fixture
def erika_again(inbox):
    """The same person, written in from another address: a duplicate to merge."""
    return make_conversation(inbox, email="e.mustermann@firma.example").customer


def test_list_and_search(api_client, erika, erika_again, inbox):
    make_conversation(inbox, email="max@example.de", name="Max")

    everyone = api_client.get_json("/customers").json()
    by_name = api_client.get_json("/customers", {"q": "mustermann"}).json()
    by_phone = api_client.get_json("/customers", {"q": "01711234"}).json()

    assert len(everyone["items"]) == 3
    assert everyone["has_more"] is False
    assert {c["id"] for c in by_name["items"]} == {erika.pk, erika_again.pk}
    assert [c["id"] for c in by_phone["items"]] == [erika.pk]


def test_search_matching_two_identities_lists_the_customer_once(api_client, erika, agent):
    add_identity(customer=erika, kind="email", value="erika@shop.example", actor=as_actor(agent))

    found = api_client.get_json("/customers", {"q": "erika@"}).json()["items"]

    assert [c["id"] for c in found] == [erika.pk]
    assert len(found[0]["identities"]) == 3


def test_list_pagination(api_client, inbox):
    for i in range(3):
        make_conversation(inbox, email=f"k{i}@example.de")

    page = api_client.get_json("/customers", {"limit": 2}).json()
    rest = api_client.get_json("/customers", {"limit": 2, "offset": 2}).json()

    assert (len(page["items"]), page["has_more"]) == (2, True)
    assert (len(rest["items"]), rest["has_more"]) == (1, False)


def test_detail_has_identities_and_notes(api_client, erika):
    detail = api_client.get_json(f"/customers/{erika.pk}").json()

    assert detail["name"] == "Erika Mustermann"
    assert sorted((i["kind"], i["value"]) for i in detail["identities"]) == [
        ("email", "erika@example.de"),
        ("phone", "01711234567"),
    ]
    assert [(n["text"], n["author"]) for n in detail["notes"]] == [
        ("Zahlt per Rechnung", "Anton Agent")
    ]
    assert detail["merged_from"] == []


def test_post_note(api_client, erika):
    response = api_client.post_json(f"/customers/{erika.pk}/notes", {"text": "Mag Telefon"})

    assert response.status_code == 201
    assert response.json()["author"] == "Anton Agent"
    assert CustomerNote.objects.filter(customer=erika, text="Mag Telefon").exists()


@pytest.mark.parametrize("body, status", [({"text": ""}, 422), ({"text": "  "}, 400), ({}, 422)])
def test_empty_note_is_refused(api_client, erika, body, status):
    response = api_client.post_json(f"/customers/{erika.pk}/notes", body)

    assert response.status_code == status
    assert CustomerNote.objects.filter(customer=erika).count() == 1


def test_note_for_unknown_customer_is_404(api_client, db):
    assert api_client.post_json("/customers/999999/notes", {"text": "x"}).status_code == 404


class TestMerge:
    def test_lead_merges_everything_into_the_target(self, lead_client, lead, erika, erika_again):
        source_conversation = Conversation.objects.get(customer=erika_again)

        response = lead_client.post_json(
            "/customers/merge", {"source_id": erika_again.pk, "target_id": erika.pk}
        )

        assert response.status_code == 200
        body = response.json()
        assert body["id"] == erika.pk
        assert body["merged_from"] == [erika_again.pk]
        assert {i["value"] for i in body["identities"]} == {
            "erika@example.de",
            "01711234567",
            "e.mustermann@firma.example",
        }
        assert Identity.objects.filter(customer=erika_again).count() == 0
        assert Conversation.objects.filter(customer=erika).count() == 2
        source_conversation.refresh_from_db()
        assert source_conversation.customer_id == erika.pk
        event = TimelineEvent.objects.get(conversation=source_conversation, kind="customer_merged")
        assert event.data == {"source": erika_again.pk, "target": erika.pk}
        assert event.actor_id == lead.pk
        erika_again.refresh_from_db()
        assert erika_again.merged_into_id == erika.pk

    def test_notes_move_too(self, lead_client, agent, erika, erika_again):
        add_note(customer=erika_again, text="Alte Notiz", actor=as_actor(agent))

        lead_client.post_json(
            "/customers/merge", {"source_id": erika_again.pk, "target_id": erika.pk}
        )

        assert set(CustomerNote.objects.filter(customer=erika).values_list("text", flat=True)) == {
            "Zahlt per Rechnung",
            "Alte Notiz",
        }

    def test_get_of_the_merged_customer_follows_to_the_target(
        self, lead_client, erika, erika_again
    ):
        lead_client.post_json(
            "/customers/merge", {"source_id": erika_again.pk, "target_id": erika.pk}
        )

        response = lead_client.get_json(f"/customers/{erika_again.pk}")

        assert response.status_code == 200
        assert response.json()["id"] == erika.pk
        listed = [c["id"] for c in lead_client.get_json("/customers").json()["items"]]
        assert listed == [erika.pk]

    def test_new_mail_from_the_merged_address_lands_at_the_target(
        self, lead_client, inbox, erika, erika_again
    ):
        lead_client.post_json(
            "/customers/merge", {"source_id": erika_again.pk, "target_id": erika.pk}
        )

        message = receive(inbox, email="e.mustermann@firma.example", text="Noch was")

        assert message.conversation.customer_id == erika.pk
        assert Customer.objects.count() == 2

    def test_note_on_the_merged_id_reaches_the_target(self, lead_client, erika, erika_again):
        lead_client.post_json(
            "/customers/merge", {"source_id": erika_again.pk, "target_id": erika.pk}
        )

        lead_client.post_json(f"/customers/{erika_again.pk}/notes", {"text": "Spät"})

        notes = lead_client.get_json(f"/customers/{erika.pk}").json()["notes"]
        assert "Spät" in [n["text"] for n in notes]

    def test_admin_may_merge(self, admin, erika, erika_again):
        response = ApiClient(make_token(admin)).post_json(
            "/customers/merge", {"source_id": erika_again.pk, "target_id": erika.pk}
        )

        assert response.status_code == 200

    def test_plain_agent_may_not_merge(self, api_client, erika, erika_again):
        response = api_client.post_json(
            "/customers/merge", {"source_id": erika_again.pk, "target_id": erika.pk}
        )

        assert response.status_code == 403
        assert response.json()["error"]["code"] == "forbidden"
        erika_again.refresh_from_db()
        assert erika_again.merged_into_id is None
        assert Identity.objects.filter(customer=erika_again).count() == 1
        assert Conversation.objects.filter(customer=erika_again).count() == 1
        assert not TimelineEvent.objects.filter(kind="customer_merged").exists()

    def test_merge_into_itself_is_400(self, lead_client, erika):
        response = lead_client.post_json(
            "/customers/merge", {"source_id": erika.pk, "target_id": erika.pk}
        )

        assert response.status_code == 400
        assert "itself" in response.json()["error"]["message"]
        erika.refresh_from_db()
        assert erika.merged_into_id is None

    def test_merging_a_merged_customer_again_is_400(self, lead_client, inbox, erika, erika_again):
        third = make_conversation(inbox, email="dritte@example.de").customer
        lead_client.post_json(
            "/customers/merge", {"source_id": erika_again.pk, "target_id": erika.pk}
        )

        response = lead_client.post_json(
            "/customers/merge", {"source_id": erika_again.pk, "target_id": third.pk}
        )

        assert response.status_code == 400
        assert Conversation.objects.filter(customer=third).count() == 1

    def test_unknown_customer_is_404(self, lead_client, erika):
        response = lead_client.post_json(
            "/customers/merge", {"source_id": 999999, "target_id": erika.pk}
        )

        assert response.status_code == 404
