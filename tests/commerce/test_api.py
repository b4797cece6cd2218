import pytest

from tresen.commerce.models import AuditEntry, Refund

pytestmark = pytest.mark.django_db


def test_orders_are_found_by_email_and_number_with_their_details(api_client, delivered, unshipped):
    found = api_client.get_json("/orders", {"email": "KUNDE@example.de"}).json()
    assert {o["number"] for o in found} == {"NH-100001", "NH-100002"}
    by_number = api_client.get_json("/orders", {"number": "#nh-100002"}).json()
    assert [o["id"] for o in by_number] == [delivered.pk]
    detail = api_client.get_json(f"/orders/{delivered.pk}").json()
    assert [i["sku"] for i in detail["items"]] == ["FOEHR-155", "SYLT-40"]
    assert detail["shipments"][0]["tracking_number"] == "00340434161094042557"


def test_a_token_refund_follows_the_agents_limit_and_a_leads_token_decides(
    api_client, lead_client, agent, delivered
):
    small = api_client.post_json(
        f"/orders/{delivered.pk}/refunds", {"amount": "10.00", "reason": "Kulanz"}
    )
    assert small.status_code == 201 and small.json()["status"] == "completed"
    big = api_client.post_json(
        f"/orders/{delivered.pk}/refunds", {"amount": "250", "reason": "Defekt"}
    )
    assert big.json()["status"] == "awaiting_approval"
    waiting = lead_client.get_json("/orders/refunds/awaiting-approval").json()
    assert [r["id"] for r in waiting] == [big.json()["id"]]
    refused = api_client.post_json(
        f"/orders/refunds/{big.json()['id']}/decision", {"approve": True}
    )
    assert refused.status_code == 403
    done = lead_client.post_json(
        f"/orders/refunds/{big.json()['id']}/decision", {"approve": True, "note": "ok"}
    )
    assert done.json()["status"] == "completed" and done.json()["decided_by"] == "Lea Lead"
    assert AuditEntry.objects.filter(actor_id=agent.pk, outcome="done").count() == 1


def test_bad_refunds_get_a_clear_error_and_change_nothing(api_client, delivered):
    too_much = api_client.post_json(
        f"/orders/{delivered.pk}/refunds", {"amount": "999", "reason": "x"}
    )
    assert too_much.status_code == 400 and "at most 289.90" in too_much.json()["error"]["message"]
    no_reason = api_client.post_json(f"/orders/{delivered.pk}/refunds", {"amount": "5"})
    assert no_reason.status_code == 422
    assert (
        api_client.post_json("/orders/999999/refunds", {"amount": "5", "reason": "x"}).status_code
        == 404
    )
    assert not Refund.objects.exists()


def test_a_claim_is_opened_and_moved_through_the_api(api_client, delivered, mailbox):
    item = delivered.items.get(sku="SYLT-40")
    opened = api_client.post_json(
        f"/orders/{delivered.pk}/claims",
        {"kind": "return", "reason": "damaged", "lines": [[item.pk, 1]]},
    )
    assert opened.status_code == 201 and opened.json()["conversation_id"]
    claim_id = opened.json()["id"]
    approved = api_client.post_json(f"/orders/claims/{claim_id}/approve", {})
    assert [h["status"] for h in approved.json()["history"]] == [
        "requested",
        "approved",
        "label_sent",
    ]
    wrong = api_client.post_json(f"/orders/claims/{claim_id}/replace", {})
    assert wrong.status_code == 400


def test_without_a_token_nothing_is_shown(anonymous_client, delivered):
    assert anonymous_client.get("/api/v1/orders").status_code == 401
