"""Walk EVERY URL and API route as a user of another company, as a viewer and anonymously.

Path parameters are filled with the pk of one of Charlie's rows (another company): the
answer must be a refusal (302 to login, 401, 403, 404, 405), never a 500, never a page
or body carrying Charlie's data, and Charlie's rows must be unchanged after the walk.
A URL with parameters and no rule below fails the test: add its rule when adding it.
"""

import importlib.util
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.test import Client

from api.main import api
from api.tokens import create_token
from banking.models import Statement, StatementLine
from inbox.models import InboundAttachment, InboundMessage
from receivables.models import Customer, Document, Invoice, Membership, Payment, Quote, Role

from . import charlie as dataset
from .walk import api_routes, django_routes

# Which of Charlie's rows fills each path parameter: {url name: {param: model or literal}}.
RULES: dict[str, dict] = {
    "banking:statement": {"pk": Statement},
    "banking:confirm": {"pk": StatementLine},
    "banking:reject": {"pk": StatementLine},
    "insight:csv": {"chart": "aging"},
    "document_detail": {"pk": Invoice},
    "document_stop": {"pk": Invoice},
    "document_pdf": {"pk": Invoice},
    "customer_detail": {"pk": Customer},
    "customer_notes": {"pk": Customer},
    "customer_edit": {"pk": Customer},
    "customer_block": {"pk": Customer},
    "customer_promise": {"pk": Customer},
    "customer_invoice_charges": {"pk": Customer},
    "document_waive": {"pk": Invoice},
    "customer_portal": {"pk": Customer},
    "customer_portal_revoke": {"pk": Customer},
    "settings_user": {"pk": Membership},
    # a scan's task result: Charlie's own is refused in tests/onboarding (404)
    "import_refresh": {"task_id": "0e6f1c1e-0000-4000-8000-000000000000"},
    # an upload kept for the mapping step: its token lives in its uploader's session only
    "import_mapping": {"token": "0" * 32},
    "reply_handle": {"pk": InboundMessage},
    # the customer portal: a token that leads nowhere (tests/security/test_portal_walk.py
    # walks them with another customer's token, an expired one and none)
    **{
        name: {"token": "0" * 32, "ref": "0" * 16}
        for name in (
            "portal",
            "portal_logo",
            "portal_invoice",
            "portal_statement_pdf",
            "portal_paid",
            "portal_promise",
            "portal_dispute",
            "portal_plan",
            "portal_pay",
        )
    },  # fmt: skip
    "reply_file": {"pk": InboundAttachment},
    # a payment provider's events: an opaque endpoint per company, no id; Charlie's own
    # endpoint with Alice's signature is refused in tests/banking/test_online.py (400)
    "webhook_payments": {"provider": "stripe", "endpoint": "0" * 32},
}
# API path parameters: {(path, param): model}; by parameter name when the path is not listed.
API_RULES: dict = {
    "customer_id": Customer,
    "invoice_id": Invoice,
    "document_id": Document,
    "quote_id": Quote,
    "payment_id": Payment,
    ("/api/customers/{id}/reckoning", "id"): Customer,
}
# Reachable without logging in (the login itself, language switch, API description).
PUBLIC = {
    "login",
    "logout",
    "set_language",
    "admin/login/",
    "admin:login",
    "admin:logout",
    "admin:jsi18n",
    "api:openapi-json",
    "api:openapi-view",
    "favicon",
    "healthz",  # minimal by design (relance/ops/health.py); /metrics checks its own token
    "webhook_payments",  # the provider's signature is the authentication (banking/online/)
}
# A viewer (read-only) may POST only to these: the rest must refuse (403/404/405).
# Pages that only read may answer a POST like a GET: list them in READ_ONLY.
# Screen options and "remove from my list" touch only the viewer's own preferences/session.
VIEWER_POST = {
    "logout",
    "set_language",
    "admin:logout",
    "worklist_options",
    "worklist_remove",
    "worklist_undo",
}
READ_ONLY = {
    "home",
    "insight:dashboard",
    "insight:csv",
    "worklist",
    "invoice_list",
    "quote_list",
    "customer_list",
    "settings_policies",
    "settings_templates",
    "batch_preview",  # renders what would be sent, writes nothing
    "settings_template_preview",  # renders typed words on a document, writes nothing
}
REFUSED = {401, 403, 404, 405}


def _add_rules_from_reminders():
    """Routes of apps landing later get their rules here when their models exist."""
    try:
        from reminders.models import Batch, PhoneCall, Reminder, Template
    except ImportError:
        return
    for model, words in (
        (Reminder, ("reminder",)),
        (Batch, ("batch",)),
        (Template, ("template",)),
        (PhoneCall, ("call",)),
    ):
        for w in words:
            API_RULES.setdefault(f"{w}_id", model)
    from dunning.models import Policy
    from portal.models import PaymentPlan

    RULES.update(
        {
            "batch_summary": {"pk": Batch},
            "batch_letters": {"pk": Batch},
            "outbox_mark_sent": {"pk": Reminder},
            "outbox_retry": {"pk": Reminder},
            "outbox_cancel": {"pk": Reminder},
            "settings_template": {"pk": Template},
            "settings_policy": {"pk": Policy},
            "plan_decide": {"pk": PaymentPlan},
        }
    )


_add_rules_from_reminders()


@pytest.fixture
def charlie_rows(other_company, charlie, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    rows = dataset.build(other_company)
    # stored files that would show if served to another company (web/screens/files.py)
    rows[Invoice].pdf.save("chx.pdf", ContentFile(b"%PDF-1.4 CHARLIE-SECRET %%EOF"))
    other_company.logo.save("chx.png", ContentFile(b"CHARLIE-SECRET"))
    att = InboundAttachment(message=rows[InboundMessage], filename="chx.pdf",
                            mimetype="application/pdf", size=14, sha256="0" * 64)  # fmt: skip
    att.file.save("chx-reply.pdf", ContentFile(b"CHARLIE-SECRET"))
    rows[InboundAttachment] = att
    return rows


@pytest.fixture
def viewer(company):
    user = get_user_model().objects.create_user("vic", password="pw-vic")
    Membership.objects.create(user=user, company=company, role=Role.VIEWER)
    return user


def _value(rule, rows):
    if isinstance(rule, type):
        return rows[rule].pk
    return rule


def _charlie_params(route) -> bool:
    """True when a path parameter is filled with one of Charlie's rows."""
    return any(isinstance(v, type) for v in RULES.get(route.name, {}).values())


def _path(route, rows) -> str:
    if not route.params:
        return route.fill({})
    if route.route.startswith("api/"):
        # token-only: a session or no token gets 401 whatever the id (the API walk below
        # fills ids with the other company's rows)
        return route.fill(dict.fromkeys(route.params, "1"))
    if route.name.startswith("admin:") or route.route.startswith("admin/"):
        # the admin is for the site's staff only: anything goes, it must redirect to login
        return route.fill({p: "receivables" if p == "app_label" else "1" for p in route.params})
    if route.name not in RULES:
        pytest.fail(f"no isolation rule for URL {route.name!r} ({route.route}): add it to RULES")
    return route.fill({p: _value(RULES[route.name][p], rows) for p in route.params})


def _leaks(response) -> list[str]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8", "replace")
    return [m for m in dataset.MARKERS if m in text]


def _to_login(response) -> bool:
    where = response.get("Location", "")
    return response.status_code == 302 and ("/login/" in where)


def test_every_company_model_has_a_charlie_row(charlie_rows):
    missing = [m for m in dataset.company_models() if m not in charlie_rows]
    assert not missing


def test_every_url_refuses_another_company_and_anonymous(
    charlie_rows, other_company, alice, viewer
):
    before = dataset.snapshot(other_company)
    anon, as_alice, as_viewer = Client(), Client(), Client()
    as_alice.force_login(alice)
    as_viewer.force_login(viewer)
    problems = []
    routes = django_routes()
    assert len(routes) > 20
    for route in routes:
        path = _path(route, charlie_rows)
        for method in ("get", "post"):
            cache.clear()  # no rate limit between probes
            r = getattr(anon, method)(path)
            if route.name not in PUBLIC and not (_to_login(r) or r.status_code in REFUSED):
                problems.append(f"anonymous {method.upper()} {path}: {r.status_code}")
            for who, client, user in (("alice", as_alice, alice), ("viewer", as_viewer, viewer)):
                client.force_login(user)  # the walk visits the logout URLs too
                r = getattr(client, method)(path)
                admin = route.route.startswith("admin/")
                if r.status_code >= 500:
                    problems.append(f"{who} {method.upper()} {path}: {r.status_code}")
                if leaked := _leaks(r):
                    problems.append(f"{who} {method.upper()} {path}: shows {leaked}")
                if (admin and route.params) or _charlie_params(route):
                    if not ((admin and _to_login(r)) or r.status_code in REFUSED):
                        problems.append(f"{who} {method.upper()} {path}: {r.status_code}")
                if (
                    who == "viewer"
                    and method == "post"
                    and route.name not in PUBLIC | VIEWER_POST | READ_ONLY
                    and not ((admin and _to_login(r)) or r.status_code in REFUSED)
                ):
                    problems.append(f"viewer may POST {path}: {r.status_code}")
    assert not problems, "\n".join(problems)
    assert dataset.snapshot(other_company) == before


def _awaited(path: str) -> bool:
    """/api/worklist calls receivables.worklist, which lands with the screens: until then
    it is not checked for 500 (once the module exists, it is)."""
    return path == "/api/worklist" and importlib.util.find_spec("receivables.worklist") is None


def _api_path(path, params, rows):
    values = {}
    for p in params:
        rule = API_RULES.get((path, p), API_RULES.get(p))
        if rule is None:
            pytest.fail(f"no isolation rule for API parameter {p!r} of {path}: add it to API_RULES")
        values[p] = _value(rule, rows)
    return path.format(**values)


def test_every_api_route_refuses_another_company_and_anonymous(
    charlie_rows, other_company, alice, viewer
):
    before = dataset.snapshot(other_company)
    tokens = {
        "alice": create_token(alice, "walk")[1],
        "viewer": create_token(viewer, "walk")[1],
    }
    client = Client()
    problems = []
    routes = api_routes(api)
    assert routes
    for method, path, params in routes:
        url = _api_path(path, params, charlie_rows)
        for who in ("anonymous", "alice", "viewer"):
            cache.clear()
            headers = {"HTTP_AUTHORIZATION": f"Bearer {tokens[who]}"} if who in tokens else {}
            r = client.generic(method, url, json.dumps({}), "application/json", **headers)
            if who == "anonymous" and r.status_code != 401:
                problems.append(f"anonymous {method} {url}: {r.status_code}")
            if r.status_code >= 500 and not _awaited(path):
                problems.append(f"{who} {method} {url}: {r.status_code}")
            if leaked := _leaks(r):
                problems.append(f"{who} {method} {url}: shows {leaked}")
            if params and r.status_code < 400:
                problems.append(f"{who} {method} {url} on Charlie's row: {r.status_code}")
            if who == "viewer" and method != "GET" and r.status_code < 400:
                problems.append(f"viewer may {method} {url}: {r.status_code}")
    assert not problems, "\n".join(problems)
    assert dataset.snapshot(other_company) == before
