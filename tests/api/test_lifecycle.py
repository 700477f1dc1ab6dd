"""E-invoicing lifecycle statuses through the API: the same rules as the CDAR files."""

from datetime import date
from decimal import Decimal

from dunning.scan import scan
from receivables.models import LifecycleEvent, Payment

from .conftest import assert_error


def test_statuses_are_recorded_and_move_the_invoices(api, company, make_invoice):
    paid = make_invoice(number="FA-1", amount=Decimal("240.00"))
    refused = make_invoice(number="FA-2")
    rejected = make_invoice(number="FA-3")
    items = [
        {"number": "FA-1", "status": "VRBL:FR:212", "date": "2026-02-10", "amount": "240.00"},
        {"number": "FA-2", "status": "Refusée", "date": "2026-02-05", "reason": "Prix"},
        {"number": "FA-3", "status": "213", "date": "2026-02-01"},
    ]
    body = api.post("/api/lifecycle", {"items": items}).json()
    assert (body["created"], body["payments_created"], body["rejected"]) == (3, 1, ["FA-3"])
    assert "FA-3" in body["warnings"][0]
    scan(company, date(2026, 3, 31))
    for doc in (paid, refused, rejected):
        doc.refresh_from_db()
    assert (paid.state, paid.paid_amount) == ("paid", Decimal("240.00"))
    assert (refused.stop_reason, rejected.stop_reason) == ("disputed", "rejected")
    again = api.post("/api/lifecycle", {"items": items}).json()
    assert (again["created"], again["unchanged"]) == (0, 3)
    assert Payment.objects.for_company(company).count() == 1


def test_a_bad_item_refuses_the_batch_and_names_it(api, company, make_invoice):
    make_invoice(number="FA-1")
    items = [
        {"number": "FA-1", "status": "205", "date": "2026-02-10"},
        {"number": "FA-404", "status": "205", "date": "2026-02-10"},
        {"number": "FA-1", "status": "212", "date": "2026-02-11"},
    ]
    body = assert_error(api.post("/api/lifecycle", {"items": items}), 422, "invalid")
    assert [(d["index"], d["field"]) for d in body["details"]] == [(1, "number"), (2, "amount")]
    assert not LifecycleEvent.objects.exists()


def test_a_viewer_cannot_record_statuses(client, vera, make_invoice):
    from api.tokens import create_token

    from .conftest import Api

    viewer = Api(client, create_token(vera, "t")[1])
    item = {"number": "F00001", "status": "205", "date": "2026-02-10"}
    assert viewer.post("/api/lifecycle", {"items": [item]}).status_code == 403
