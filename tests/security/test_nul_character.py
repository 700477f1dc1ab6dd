"""A NUL character anywhere a client can type gets a clear refusal naming the field, never
a 500 (PostgreSQL stores no NUL in text and refuses it even in a search): every string of
every API input (walked from the OpenAPI schema, so a field added later is covered), every
search box, every form."""

import json

import pytest
from django.core.cache import cache

from api.main import api as ninja_api
from api.tokens import create_token
from receivables.models import Customer, Document

NUL = "A\x00B"
SEARCH_SCREENS = ["/relance/", "/factures/", "/devis/", "/clients/"]


def _resolve(node: dict, schema: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def _join(head: str, tail: str) -> str:
    if not tail:
        return head
    return head + tail if tail.startswith("[") else f"{head}.{tail}"


def string_probes(node: dict, schema: dict, depth: int = 0) -> list[tuple[object, str]]:
    """(a JSON value with NUL in one string, the path of that string), for every string."""
    node = _resolve(node, schema)
    if depth > 8:
        return []
    probes = []
    for option in node.get("anyOf", []) + node.get("oneOf", []) + node.get("allOf", []):
        probes += string_probes(option, schema, depth + 1)
    if node.get("type") == "string":
        probes.append((NUL, ""))
    for name, prop in node.get("properties", {}).items():
        probes += [({name: v}, _join(name, p)) for v, p in string_probes(prop, schema, depth + 1)]
    if node.get("type") == "array" and "items" in node:
        probes += [([v], _join("[0]", p)) for v, p in string_probes(node["items"], schema, depth)]
    return list({p: (v, p) for v, p in probes}.values())


def api_probes() -> list[tuple[str, str, str, object, str]]:
    """(method, path, where, value, field) for every string input of every operation."""
    schema = ninja_api.get_openapi_schema()
    found = []
    for route, operations in schema["paths"].items():
        path = route.replace("{batch_id}", "1").replace("{reminder_id}", "1")
        for method, op in operations.items():
            for param in op.get("parameters", []):
                if param["in"] == "query" and string_probes(param["schema"], schema):
                    found.append((method, path, "query", NUL, param["name"]))
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                for value, field in string_probes(body["schema"], schema):
                    found.append((method, path, "body", value, field))
    return found


PROBES = api_probes()


def test_the_walk_finds_the_api_inputs():
    fields = {(p[1], p[4]) for p in PROBES}
    assert ("/api/worklist", "search") in fields
    assert ("/api/reminders", "customer") in fields
    assert ("/api/calls", "note") in fields
    assert ("/api/invoices", "customer.name") in fields
    assert ("/api/payments/batch", "items[0].allocations[0].invoice") in fields
    assert len(PROBES) > 100


@pytest.mark.parametrize(
    "method,path,where,value,field", PROBES, ids=[f"{p[0]} {p[1]} {p[4]}" for p in PROBES]
)
def test_a_nul_in_any_api_input_is_refused_naming_the_field(
    client, alice, customer, method, path, where, value, field
):
    cache.clear()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {create_token(alice, 'nul')[1]}"}
    before = Document.objects.count(), Customer.objects.count()
    if where == "query":
        r = getattr(client, method)(path, {field: value}, **auth)
    else:
        r = client.post(path, json.dumps(value), content_type="application/json", **auth)
    assert r.status_code == 422, (r.status_code, r.content[:300])
    named = set()
    for d in r.json()["details"]:
        named |= {d["field"], f"items[{d['index']}].{d['field']}" if "index" in d else ""}
        assert "caractère nul" in d["message"]
    assert field in named, r.json()
    assert (Document.objects.count(), Customer.objects.count()) == before


@pytest.mark.parametrize("url", SEARCH_SCREENS)
def test_a_nul_in_a_search_box_is_refused_naming_the_box(alice_client, customer, url):
    r = alice_client.get(url, {"q": NUL})
    assert r.status_code == 400
    assert "caractère nul" in r.content.decode() and "« q »" in r.content.decode()


def test_a_nul_in_a_form_field_is_refused_and_changes_nothing(alice_client, customer):
    r = alice_client.post(f"/clients/{customer.pk}/notes/", {"notes": "appeler\x00lundi"})
    assert r.status_code == 400
    assert "« notes »" in r.content.decode()
    customer.refresh_from_db()
    assert customer.notes == ""


def test_the_refusal_is_in_english_for_an_english_user(alice_client, customer):
    r = alice_client.get("/clients/", {"q": NUL}, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 400
    assert "null character" in r.content.decode()
