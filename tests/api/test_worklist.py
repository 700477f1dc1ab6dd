from receivables.models import Invoice

from .conftest import AS_OF, assert_error


def scan(api):
    response = api.post("/api/scan", {"as_of": AS_OF})
    assert response.status_code == 200, response.content
    return response.json()


def test_the_scan_marks_the_overdue_invoices(api, overdue):
    body = scan(api)
    assert body["changed"] == 3
    assert body["to_remind"] == 3
    assert {c["number"] for c in body["changes"]} == {"A-1", "A-2", "N-1"}
    assert {c["new_pending"] for c in body["changes"]} == {1}  # never skips a level
    assert scan(api)["changed"] == 0  # idempotent


def test_a_dry_run_scan_changes_nothing(api, overdue):
    body = api.post("/api/scan", {"as_of": AS_OF, "dry_run": True}).json()
    assert body["changed"] == 3
    assert not Invoice.objects.filter(to_remind=True).exists()


def test_a_viewer_cannot_run_the_scan(viewer_api, overdue):
    assert_error(viewer_api.post("/api/scan", {"as_of": AS_OF}), 403, "forbidden")


def test_the_scan_touches_only_the_tokens_company(charlie_api, overdue):
    body = charlie_api.post("/api/scan", {"as_of": AS_OF}).json()
    assert body["changed"] == 0
    assert not Invoice.objects.filter(to_remind=True).exists()


def test_the_worklist_lists_what_to_remind_with_totals(api, overdue, worklist_ready):
    scan(api)
    body = api.get("/api/worklist", {"as_of": AS_OF, "order": "-amount"}).json()
    assert body["count"] == 3
    assert body["totals"]["amount"] == "825.10"
    first = body["items"][0]
    assert (first["number"], first["days_late"], first["customer"]) == ("A-1", 10, "ANYWAY SARL")
    assert first["balance"] == "720.00"
    assert first["pending_level"] == 1


def test_the_worklist_is_paginated(api, overdue, worklist_ready):
    scan(api)
    page = api.get("/api/worklist", {"as_of": AS_OF, "page_size": 2, "page": 2}).json()
    assert (page["count"], page["pages"], page["page"], len(page["items"])) == (3, 2, 2, 1)


def test_the_worklist_filters(api, overdue, worklist_ready):
    scan(api)
    found = api.get("/api/worklist", {"as_of": AS_OF, "search": "sans mail"}).json()
    assert [i["number"] for i in found["items"]] == ["N-1"]
    quotes = api.get("/api/worklist", {"as_of": AS_OF, "kind": "quote"}).json()
    assert quotes["count"] == 0


def test_the_worklist_refuses_bad_filters(api, overdue, worklist_ready):
    body = assert_error(api.get("/api/worklist", {"order": "nonsense"}), 422, "invalid")
    assert "nonsense" in body["message"]
    assert_error(api.get("/api/worklist", {"period": "year"}), 422, "invalid")
    assert_error(api.get("/api/worklist", {"page_size": 100000}), 422, "invalid")


def test_a_viewer_reads_the_worklist(viewer_api, api, overdue, worklist_ready):
    scan(api)
    assert viewer_api.get("/api/worklist", {"as_of": AS_OF}).json()["count"] == 3


def test_another_company_sees_an_empty_worklist(charlie_api, api, overdue, worklist_ready):
    scan(api)
    assert charlie_api.get("/api/worklist", {"as_of": AS_OF}).json()["count"] == 0
