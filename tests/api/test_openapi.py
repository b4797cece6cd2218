"""The schema and the interactive docs."""

import json

from django.test import Client

from tresen.testing.factories import API


def test_openapi_lists_the_public_paths(db):
    response = Client().get(f"{API}/openapi.json")

    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Tresen API"
    paths = schema["paths"]
    assert "post" in paths[f"{API}/messages/inbound"]
    assert "get" in paths[f"{API}/conversations"]
    assert "get" in paths[f"{API}/conversations/{{conversation_id}}"]
    assert "post" in paths[f"{API}/conversations/{{conversation_id}}/replies"]
    assert "get" in paths[f"{API}/customers"]
    assert "post" in paths[f"{API}/customers/merge"]


def test_openapi_declares_bearer_auth(db):
    schema = json.loads(Client().get(f"{API}/openapi.json").content)

    schemes = schema["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())
    inbound = schema["paths"][f"{API}/messages/inbound"]["post"]
    assert inbound["security"]


def test_inbound_schema_uses_the_from_alias(db):
    schema = json.loads(Client().get(f"{API}/openapi.json").content)

    inbound = schema["components"]["schemas"]["InboundIn"]
    assert "from" in inbound["properties"]
    assert "from" in inbound["required"]
    assert "sender" not in inbound["properties"]


def test_docs_page_is_html(db):
    response = Client().get(f"{API}/docs")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b"openapi.json" in response.content


def test_docs_page_needs_no_outside_host(db):
    html = Client().get(f"{API}/docs").content.decode()

    assert "cdn.jsdelivr.net" not in html
    assert 'src="https://' not in html
