"""Rel Tph / Rel mail / Rel mail+ / Rel courr from the worklist: the screens around
reminders.services (preview, send, summary, calls)."""

from datetime import UTC, datetime


def test_preview_needs_a_selection(alice_client, seed_docs):
    response = alice_client.post(
        "/relances/apercu/", {"channel": "email", "next": "/relance/"}, follow=True
    )
    assert "Sélectionnez au moins une pièce" in response.content.decode()


def test_preview_lists_the_selected_documents_only(alice_client, seed_docs):
    ids = [seed_docs["3"].pk, seed_docs["5"].pk]
    response = alice_client.post("/relances/apercu/", {"channel": "email", "ids": ids})
    assert response.status_code == 200
    assert sorted(d.number for d in response.context["documents"]) == ["3", "5"]


def test_preview_ignores_another_companys_documents(alice_client, seed_docs, other_invoice):
    response = alice_client.post(
        "/relances/apercu/", {"channel": "email", "ids": [other_invoice.pk, seed_docs["5"].pk]}
    )
    assert [d.number for d in response.context["documents"]] == ["5"]


def test_rel_tph_opens_the_call_form(alice_client, seed_docs):
    response = alice_client.post(
        "/relances/apercu/", {"channel": "phone", "ids": [seed_docs["3"].pk]}, follow=True
    )
    html = response.content.decode()
    assert "Appel téléphonique" in html and "LENTY Sarah" in html


def test_viewer_cannot_send(viewer_client, seed_docs):
    response = viewer_client.post(
        "/relances/envoyer/", {"channel": "email", "ids": [seed_docs["3"].pk]}
    )
    assert response.status_code == 403


def test_the_summary_tells_the_time_on_the_companys_clock(alice_client, company):
    """A batch made at 11:35 UTC in December was made at 12:35 in Paris, 06:35 in Montréal."""
    from reminders.models import Batch

    batch = Batch.objects.create(
        company=company, created_at=datetime(2026, 12, 2, 11, 35, tzinfo=UTC)
    )
    page = alice_client.get(f"/relances/lots/{batch.pk}/").content.decode()
    assert "02/12/2026 12:35" in page
    company.timezone = "America/Montreal"
    company.save()
    page = alice_client.get(f"/relances/lots/{batch.pk}/").content.decode()
    assert "02/12/2026 06:35" in page
