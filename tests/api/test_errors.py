"""Bad input gets a 4xx with one error shape, and nothing is half-written."""

import json

import pytest
from django.test import override_settings
from django.utils import timezone

from tresen.accounts.models import ApiToken
from tresen.testing.factories import API, ApiClient, make_agent, make_token, row_counts

INBOUND = f"{API}/messages/inbound"
GOOD = {"from": {"email": "kunde@example.de", "name": "Erika"}, "text": "Hallo"}


def with_(**changes) -> str:
    body = {**GOOD, **changes}
    return json.dumps({k: v for k, v in body.items() if v is not None})


def revoked_token(agent) -> str:
    token = make_token(agent)
    ApiToken.objects.filter(agent=agent).update(revoked_at=timezone.now())
    return token


# name: (who sends, raw body, expected status, expected error code)
REJECTED = {
    "invalid json": ("agent", '{"from": {"email": ', 400, None),
    "json that is not an object": ("agent", "[1, 2]", 422, "invalid_request"),
    "empty body": ("agent", "", 422, "invalid_request"),
    "unknown field": ("agent", with_(priority="high"), 422, "invalid_request"),
    "unknown sender field": (
        "agent",
        with_(**{"from": {"email": "kunde@example.de", "phone": "0171"}}),
        422,
        "invalid_request",
    ),
    "missing from": ("agent", with_(**{"from": None}), 422, "invalid_request"),
    "invalid email": ("agent", with_(**{"from": {"email": "kunde"}}), 422, "invalid_request"),
    "other channel": ("agent", with_(channel="email"), 422, "invalid_request"),
    "empty external_id": ("agent", with_(external_id=""), 422, "invalid_request"),
    "no text": ("agent", with_(text="  "), 400, "bad_request"),
    "html without text": ("agent", with_(text="", html="<script>x()</script>"), 400, "rejected"),
    "unknown inbox": ("agent", with_(inbox_id=999999), 404, "not_found"),
    "no token": ("nobody", with_(), 401, "unauthenticated"),
    "wrong token": ("wrong", with_(), 401, "unauthenticated"),
    "revoked token": ("revoked", with_(), 401, "unauthenticated"),
    "deactivated agent": ("inactive", with_(), 401, "unauthenticated"),
}


@pytest.fixture
def client_for(db, token, outsider):
    def build(who: str) -> ApiClient:
        return {
            "agent": lambda: ApiClient(token),
            "nobody": lambda: ApiClient(),
            "wrong": lambda: ApiClient("tresen_" + "x" * 43),
            "revoked": lambda: ApiClient(revoked_token(make_agent())),
            "inactive": lambda: ApiClient(make_token(outsider)),
        }[who]()

    return build


@pytest.mark.parametrize("case", REJECTED.values(), ids=REJECTED.keys())
def test_rejected_request_has_the_error_shape_and_writes_nothing(client_for, case):
    who, body, status, code = case
    client = client_for(who)
    before = row_counts()

    response = client.post(INBOUND, body, content_type="application/json")

    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert set(error) <= {"code", "message", "details"}
    assert error["message"]
    if code:
        assert error["code"] == code
    assert row_counts() == before
    assert not any(before.values())


def test_unknown_field_is_named(api_client):
    response = api_client.post_json(INBOUND, {**GOOD, "priority": "high"})

    assert response.status_code == 422
    details = response.json()["error"]["details"]
    assert [d["problem"] for d in details] == ["Extra inputs are not permitted"]
    assert details[0]["field"].endswith("priority")


def test_missing_from_is_named(api_client):
    response = api_client.post_json(INBOUND, {"text": "Hallo"})

    assert response.status_code == 422
    assert [d["field"].split(".")[-1] for d in response.json()["error"]["details"]] == ["from"]


def test_field_path_is_the_clients_own(api_client):
    response = api_client.post_json(
        INBOUND, {**GOOD, "from": {"email": "kunde"}, "priority": "high"}
    )

    fields = sorted(d["field"] for d in response.json()["error"]["details"])
    assert fields == ["from.email", "priority"]


def test_invalid_json_has_its_own_code(api_client):
    response = api_client.post(INBOUND, "{nope", content_type="application/json")

    assert response.json()["error"]["code"] == "invalid_json"


def test_oversized_body_is_refused(api_client):
    body = with_(text="x" * 5000)
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000):
        response = api_client.post(INBOUND, body, content_type="application/json")

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    assert not any(row_counts().values())


def test_body_just_under_the_limit_is_accepted(api_client):
    body = with_(text="x" * 500)
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=len(body.encode())):
        response = api_client.post(INBOUND, body, content_type="application/json")

    assert response.status_code == 201


@pytest.mark.parametrize(
    "path",
    ["/conversations", "/conversations/1", "/customers", "/customers/1"],
)
def test_reads_need_a_token(anonymous_client, path):
    response = anonymous_client.get_json(path)

    assert response.status_code == 401
    assert response.json() == {
        "error": {"code": "unauthenticated", "message": "a valid API token is required"}
    }


def test_malformed_authorization_header_is_401(db):
    client = ApiClient(HTTP_AUTHORIZATION="Token abc")

    assert client.get_json("/conversations").status_code == 401


def test_unknown_objects_are_404_with_the_error_shape(api_client):
    for path in ("/conversations/999999", "/customers/999999"):
        response = api_client.get_json(path)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_bad_query_parameter_is_422(api_client):
    response = api_client.get_json("/conversations", {"limit": 0})

    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "limit"
