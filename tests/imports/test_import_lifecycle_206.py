"""206 « Approuvée partiellement » carries the amount the buyer approved: kept on the
status, shown on the invoice page and the timeline, and the collector is told the part
not approved. It stops no reminder (DOMAIN.md maps only 207/210, 208, 212, 213)."""

from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.urls import reverse

from dunning.policies import ensure_default_policies
from dunning.scan import scan
from receivables.imports import ImportRejected, import_file
from receivables.lifecycle import apply_statuses
from receivables.models import LifecycleEvent, Payment
from receivables.upsert import UpsertError

SAMPLE = Path(__file__).parent / "samples" / "lifecycle" / "partielle_206.xml"
AS_OF = date(2026, 12, 3)


@pytest.fixture
def invoice(company, make_invoice):
    ensure_default_policies(company)
    return make_invoice(
        number="FA-2026-0009", issue_date=date(2026, 10, 2), due_date=date(2026, 11, 1),
        amount=D("900.00"),
    )  # fmt: skip


def test_the_cdar_file_keeps_the_approved_amount_and_tells_the_part_not_approved(
    company, invoice, alice_client
):
    result = import_file(company, SAMPLE.read_bytes(), SAMPLE.name, today=AS_OF)
    event = LifecycleEvent.objects.get()
    assert (event.code, event.amount, event.date) == ("206", D("600.00"), date(2026, 11, 10))
    assert event.reason == "2 postes sur 3 livrés"
    assert any("600.00 sur 900.00" in w and "300.00 non approuvés" in w for w in result.warnings)
    assert Payment.objects.count() == 0  # an approval is no payment
    scan(company, AS_OF)
    invoice.refresh_from_db()
    assert invoice.lifecycle_status == "206" and invoice.to_remind  # still reminded
    page = alice_client.get(reverse("document_detail", args=[invoice.pk])).content.decode()
    page = page.replace("\u202f", " ").replace("\xa0", " ")
    assert "Approuvée partiellement" in page and "Approuvé : 600,00 € sur 900,00 €" in page
    assert "approuvé : 600,00" in page  # the timeline


def test_an_approved_amount_above_the_invoice_is_refused_and_nothing_is_kept(company, invoice):
    data = SAMPLE.read_bytes().replace(b">600.00<", b">950.00<")
    with pytest.raises(ImportRejected) as caught:
        import_file(company, data, SAMPLE.name, today=AS_OF)
    assert "950.00" in str(caught.value.errors[0].reason)
    assert LifecycleEvent.objects.count() == 0


def test_a_206_by_the_api_or_csv_keeps_its_amount_too(company, invoice):
    item = {"number": "FA-2026-0009", "status": "Approuvée partiellement",
            "date": "2026-11-10", "amount": "750.00"}  # fmt: skip
    apply_statuses(company, [item])
    assert LifecycleEvent.objects.get().amount == D("750.00")
    with pytest.raises(UpsertError):
        apply_statuses(company, [{**item, "date": "2026-11-11", "amount": "-1"}])


def test_a_debit_note_gets_its_lifecycle_status_like_an_invoice(
    company, invoice, settings, tmp_path
):
    from dunning.debit_notes import invoice_charges

    settings.MEDIA_ROOT = tmp_path
    (note,) = invoice_charges([invoice], AS_OF)
    apply_statuses(company, [{"number": note.number, "status": "210", "date": "2026-12-04"}])
    note.refresh_from_db()
    assert note.lifecycle_status == "210"  # refused by the buyer: the dispute stop
