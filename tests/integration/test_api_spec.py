"""The OpenAPI document is generated from the routes that run, so it cannot drift from them."""
import re

from tests.integration.api_support import World, bearer


def test_every_api_route_is_in_the_document_and_nothing_else(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"] == "3.1.0"
    documented = {(method.upper(), path) for path, item in spec["paths"].items() for method in item
                  if method != "parameters"}
    routed = {(method, re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)) for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/api/v1/") for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert documented == routed


def test_every_operation_declares_its_security_and_problems(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path, item in spec["paths"].items():
        for method, op in ((m, o) for m, o in item.items() if m != "parameters"):
            if path in ("/api/v1/openapi.json", "/api/v1/docs"):
                continue
            assert op["security"] in ([{"personalToken": []}], [{"brandKey": []}]), path
            assert {"401", "403", "422", "429"} <= set(op["responses"]), (method, path)
            if method == "post" and path in ("/api/v1/orders", "/api/v1/partner/brands/{brand}/withdrawals"):
                assert any(p.get("name") == "Idempotency-Key" and p["required"] for p in op["parameters"])


def test_docs_page_lists_every_operation_and_loads_nothing_from_elsewhere(client):
    page = client.get("/api/v1/docs").get_data(as_text=True)
    spec = client.get("/api/v1/openapi.json").get_json()
    for path in spec["paths"]:
        assert path in page
    assert "<script" not in page
    assert all(url.startswith("/") for url in re.findall(r'(?:href|src)="([^"]*)"', page))  # no CDN


def test_the_document_needs_no_token_and_sets_no_cookie(client, make, db):
    world = World(make, db.session)
    for response in (client.get("/api/v1/openapi.json"),
                     client.get("/api/v1/openapi.json", headers=bearer(world.buyer_token))):
        assert response.status_code == 200 and "Set-Cookie" not in response.headers
