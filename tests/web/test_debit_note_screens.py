"""The customer file's « Facturer les pénalités » issues the debit note; its page lists
the invoices charged and lets a collector waive it with a reason, kept in the timeline."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from receivables.models import Document, DocumentKind


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_invoice_the_charges_then_waive_them_with_a_reason(alice_client, make_invoice, customer):
    make_invoice(number="FA-0008", amount=Decimal("1008.14"), due_date=date(2026, 9, 25))
    with time_machine.travel(date(2026, 12, 3), tick=False):
        page = alice_client.get(reverse("customer_detail", args=[customer.pk])).content.decode()
        assert "Facturer les pénalités" in page
        response = alice_client.post(reverse("customer_invoice_charges", args=[customer.pk]))
        assert response.status_code == 302
        note = Document.objects.get(kind=DocumentKind.DEBIT_NOTE)
        assert (note.number, note.amount) == ("ND-00001", Decimal("63.16"))
        note.to_remind = True  # as the scan puts it at its next level
        note.save(update_fields=["to_remind"])
        worklist = alice_client.get(reverse("worklist")).content.decode()
        assert "ND-00001" in worklist  # reminded like an invoice, on the invoices' list
        page = alice_client.get(reverse("document_detail", args=[note.pk])).content.decode()
        assert "Pénalités facturées" in page and "FA-0008" in page
        alice_client.post(reverse("document_waive", args=[note.pk]), {"reason": ""})
        note.refresh_from_db()
        assert note.state == "open"  # no reason, no waiver
        alice_client.post(
            reverse("document_waive", args=[note.pk]), {"reason": "Client fidèle, premier retard"}
        )
        note.refresh_from_db()
        assert note.state == "cancelled"
        page = alice_client.get(reverse("customer_detail", args=[customer.pk])).content.decode()
        assert "ND-00001 abandonnée" in page and "Client fidèle, premier retard" in page
        assert "Avoir AV-00001 émis" in page and "annule la note de débit ND-00001" in page
        credit = Document.objects.get(kind=DocumentKind.CREDIT_NOTE)
        assert (credit.number, credit.amount, credit.cancels) == ("AV-00001", note.amount, note)
        page = alice_client.get(reverse("document_detail", args=[note.pk])).content.decode()
        assert "annulée par l'avoir" in page and "AV-00001" in page
        page = alice_client.get(reverse("document_detail", args=[credit.pk])).content.decode()
        assert "Annule en totalité" in page and "ND-00001" in page
        assert alice_client.get(reverse("document_pdf", args=[credit.pk])).status_code == 200
        response = alice_client.post(reverse("customer_invoice_charges", args=[customer.pk]))
        assert Document.objects.filter(kind=DocumentKind.DEBIT_NOTE).count() == 1  # not again
