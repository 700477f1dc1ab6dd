"""Reminder batches through the API: preview, confirm, summary, outbox rows, calls."""

import pytest
from django.core import mail

from receivables.models import Document, Invoice
from reminders.models import Batch, PhoneCall, Reminder

from .conftest import AS_OF, assert_error


@pytest.fixture
def scanned(api, overdue):
    assert api.post("/api/scan", {"as_of": AS_OF}).json()["changed"] == 3
    return overdue


def preview(api, **selection):
    response = api.post("/api/reminder-batches/preview", {"as_of": AS_OF, **selection})
    assert response.status_code == 200, response.content
    return response.json()


def test_a_preview_says_what_goes_and_what_fails(api, scanned):
    body = preview(api)
    assert body["counts"]["email"] == 1 and body["counts"]["failed"] == 1
    [message] = body["messages"]
    assert message["customer"] == "ANYWAY SARL"
    assert sorted(message["documents"]) == ["A-1", "A-2"]  # one reminder per customer
    assert message["recipient"] == ["daisy@anyway.example"]
    assert "A-1" in message["body_text"]
    [failure] = body["failures"]
    assert failure["customer"] == "Sans Mail" and failure["error"]
    assert not Batch.objects.exists()  # a preview writes nothing


def test_confirming_the_preview_creates_the_batch(api, scanned, django_capture_on_commit_callbacks):
    token = preview(api)["preview"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = api.post("/api/reminder-batches", {"preview": token})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["totals"] == {"queued": 1, "failed": 1}
    assert body["errors"][0]["customer"] == "Sans Mail"
    assert len(callbacks) == 1  # sending starts after commit, in the background
    batch = Batch.objects.get(pk=body["id"])
    assert batch.reminders.count() == 2


def test_a_batch_is_sent_and_its_summary_read(api, scanned, django_capture_on_commit_callbacks):
    token = preview(api, channel="email")["preview"]
    with django_capture_on_commit_callbacks(execute=True):
        batch_id = api.post("/api/reminder-batches", {"preview": token}).json()["id"]
    # The test settings run tasks in the database queue: send here as the worker would.
    from reminders.tasks import process_batch

    process_batch.call(batch_id)
    assert len(mail.outbox) == 1
    summary = api.get(f"/api/reminder-batches/{batch_id}").json()
    assert summary["totals"] == {"sent": 1, "failed": 1}  # Sans Mail has no address
    assert summary["done"]
    a1 = Invoice.objects.get(number="A-1")
    assert (a1.reminder_count, a1.dunning_level, a1.to_remind) == (1, 1, False)


def test_a_filtered_preview_keeps_only_that_channel(api, scanned):
    body = preview(api, channel="letter")
    assert body["messages"] == [] and body["failures"] == []
    assert preview(api, level=3)["messages"] == []


def test_a_preview_confirmed_after_a_change_is_refused(api, scanned):
    token = preview(api)["preview"]
    Invoice.objects.filter(number="A-1").update(disputed=True)
    body = assert_error(api.post("/api/reminder-batches", {"preview": token}), 409, "conflict")
    assert body["details"]
    assert not Batch.objects.exists()


def test_a_forged_preview_is_refused(api, scanned):
    body = assert_error(api.post("/api/reminder-batches", {"preview": "x:y"}), 422, "invalid")
    assert "Aperçu" in body["message"]


def test_a_preview_of_another_company_is_not_found(api, charlie_api, scanned):
    token = preview(api)["preview"]
    assert_error(charlie_api.post("/api/reminder-batches", {"preview": token}), 404, "not_found")


def test_unknown_or_foreign_documents_are_not_found(api, charlie_api, scanned):
    ids = [scanned["a"].pk]
    response = charlie_api.post("/api/reminder-batches/preview", {"document_ids": ids})
    assert_error(response, 404, "not_found")


def test_a_viewer_cannot_preview_or_send(viewer_api, scanned):
    assert_error(viewer_api.post("/api/reminder-batches/preview", {}), 403, "forbidden")
    assert_error(viewer_api.post("/api/reminder-batches", {"preview": "x"}), 403, "forbidden")


def _confirmed(api):
    token = preview(api)["preview"]
    return api.post("/api/reminder-batches", {"preview": token}).json()["id"]


def test_reminders_are_listed_with_their_state(api, scanned):
    batch_id = _confirmed(api)
    body = api.get("/api/reminders", {"batch": batch_id}).json()
    assert body["count"] == 2
    states = {r["customer"]: r["state"] for r in body["items"]}
    assert states == {"ANYWAY SARL": "queued", "Sans Mail": "failed"}
    stuck = api.get("/api/reminders", {"stuck": True}).json()
    assert [r["customer"] for r in stuck["items"]] == ["Sans Mail"]
    one = api.get(f"/api/reminders/{body['items'][0]['id']}").json()
    assert "body_html" in one


def test_other_companies_objects_are_not_found(api, charlie_api, scanned):
    batch_id = _confirmed(api)
    reminder = Reminder.objects.first()
    assert_error(charlie_api.get(f"/api/reminder-batches/{batch_id}"), 404, "not_found")
    assert_error(charlie_api.get(f"/api/reminders/{reminder.pk}"), 404, "not_found")
    assert_error(charlie_api.post(f"/api/reminders/{reminder.pk}/cancel"), 404, "not_found")
    assert_error(charlie_api.post(f"/api/reminders/{reminder.pk}/retry"), 404, "not_found")
    assert_error(charlie_api.post(f"/api/reminder-batches/{batch_id}/letters"), 404, "not_found")
    assert charlie_api.get("/api/reminders").json()["count"] == 0


def test_a_queued_reminder_can_be_cancelled_once(api, scanned):
    _confirmed(api)
    queued = Reminder.objects.get(state="queued")
    body = api.post(f"/api/reminders/{queued.pk}/cancel").json()
    assert body["state"] == "cancelled"
    assert_error(api.post(f"/api/reminders/{queued.pk}/cancel"), 409, "conflict")


def test_a_failed_reminder_is_retried_after_the_data_is_fixed(api, scanned):
    _confirmed(api)
    failed = Reminder.objects.get(state="failed")
    api.post("/api/customers", {"code": "NOMAIL", "emails": ["ok@nomail.example"]})
    body = api.post(f"/api/reminders/{failed.pk}/retry").json()
    assert body["batch"]["totals"] == {"queued": 1}
    assert_error(api.post(f"/api/reminders/{failed.pk + 999}/retry"), 404, "not_found")


def test_a_queued_reminder_cannot_be_retried(api, scanned):
    _confirmed(api)
    queued = Reminder.objects.get(state="queued")
    assert_error(api.post(f"/api/reminders/{queued.pk}/retry"), 409, "conflict")


def test_a_batch_without_letters_has_no_pdf(api, scanned):
    batch_id = _confirmed(api)
    assert_error(api.post(f"/api/reminder-batches/{batch_id}/letters"), 422, "invalid")


def test_letters_come_as_one_pdf(api, scanned):
    token = preview(api, send_as="letter", document_ids=[scanned["a"].pk])["preview"]
    batch_id = api.post("/api/reminder-batches", {"preview": token}).json()["id"]
    response = api.post(f"/api/reminder-batches/{batch_id}/letters")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert int(response["X-Page-Count"]) >= 1


def test_a_call_with_a_promise_stops_the_reminders(api, scanned):
    a1 = scanned["a"]
    response = api.post(
        "/api/calls",
        {"document_ids": [a1.pk], "outcome": "promise", "promise_date": "2026-03-20"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["customer"] == "ANYWAY SARL"
    a1.refresh_from_db()
    assert str(a1.promise_date) == "2026-03-20"
    assert PhoneCall.objects.get().by.username == "alice"


def test_a_call_needs_its_promise_date_and_a_known_customer(api, scanned):
    ids = [scanned["a"].pk]
    assert_error(
        api.post("/api/calls", {"document_ids": ids, "outcome": "promise"}), 422, "invalid"
    )
    assert_error(
        api.post("/api/calls", {"customer": "ZZZ", "outcome": "voicemail"}), 404, "not_found"
    )
    assert_error(api.post("/api/calls", {"document_ids": ids, "outcome": "shrug"}), 422, "invalid")
    mixed = [scanned["a"].pk, scanned["c"].pk]
    assert_error(
        api.post("/api/calls", {"document_ids": mixed, "outcome": "voicemail"}), 422, "invalid"
    )


def test_a_call_on_another_companys_document_is_not_found(charlie_api, scanned):
    body = {"document_ids": [scanned["a"].pk], "outcome": "voicemail"}
    assert_error(charlie_api.post("/api/calls", body), 404, "not_found")
    assert not PhoneCall.objects.exists()
    assert Document.objects.get(pk=scanned["a"].pk).reminder_count == 0


def test_a_lone_message_is_sent_as_edited(api, scanned, django_capture_on_commit_callbacks):
    body = preview(api, channel="email")
    [message] = body["messages"]
    assert message["editable_text"].startswith("Bonjour ")
    assert "Référence à indiquer" not in message["editable_text"]  # payment block apart
    edited = {"subject": "Factures %NUMERO%", "body_text": "Merci de régler %SOLDE%."}
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/reminder-batches", {"preview": body["preview"], "edited": edited})
    assert response.status_code == 201, response.content
    from reminders.tasks import process_batch

    process_batch.call(response.json()["id"])
    [sent] = mail.outbox
    assert sent.subject.startswith("Factures A-") and sent.body.startswith("Merci de régler ")


def test_an_edit_with_a_line_break_or_an_unknown_keyword_is_refused(api, scanned):
    token = preview(api, channel="email")["preview"]
    edited = {"subject": "Rappel\nBcc: x@example.org", "body_text": "%INCONNU%"}
    response = api.post("/api/reminder-batches", {"preview": token, "edited": edited})
    body = assert_error(response, 400, "bad_request")
    assert {(tuple(d["loc"]), d["message"]) for d in body["details"]} == {
        (("edited", "subject"), "L'objet ne peut pas contenir de retour à la ligne."),
        (("edited", "body_text"), "Mot clé inconnu : %INCONNU%."),
    }
    assert not Batch.objects.exists()
    html = {"preview": token, "edited": {"body_html": "<p>x</p>"}}
    assert_error(api.post("/api/reminder-batches", html), 422, "invalid")


def test_an_edit_needs_a_lone_message(api, scanned):
    scanned["c"].customer.emails = "compta@sansmail.example"
    scanned["c"].customer.save()
    body = preview(api)
    assert [m["editable_text"] for m in body["messages"]] == [None, None]
    response = api.post(
        "/api/reminder-batches", {"preview": body["preview"], "edited": {"subject": "x"}}
    )
    body = assert_error(response, 400, "bad_request")
    assert body["details"] == [
        {"loc": ["edited"], "message": "Un message ne se modifie que s'il est seul dans l'envoi."}
    ]
    assert not Batch.objects.exists()
