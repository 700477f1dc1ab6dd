"""An invoice's e-invoicing lifecycle status on its page, in its timeline and on the worklist."""

from datetime import date
from decimal import Decimal

import time_machine

from dunning.policies import ensure_default_policies
from dunning.scan import scan
from receivables.lifecycle import apply_statuses
from web.models import UserPreference

TODAY = date(2026, 12, 3)


def _statuses(company, make_invoice):
    ensure_default_policies(company)
    rejected = make_invoice(number="FA-13", due_date=date(2026, 11, 1), amount=Decimal("2400"))
    partly = make_invoice(number="FA-09", due_date=date(2026, 11, 1), amount=Decimal("900"))
    apply_statuses(company, [
        {"number": "FA-13", "status": "213", "date": date(2026, 10, 3), "reason_code": "DEST_INC",
         "reason": "Destinataire inconnu de l'annuaire", "source": "cdv_213.xml"},
        {"number": "FA-09", "status": "212", "date": date(2026, 11, 4), "amount": "300.00"},
    ])  # fmt: skip
    scan(company, TODAY)
    return rejected, partly


def test_the_invoice_page_shows_the_status_the_reason_and_the_timeline(
    alice_client, company, make_invoice
):
    rejected, _partly = _statuses(company, make_invoice)
    with time_machine.travel(TODAY, tick=False):
        page = alice_client.get(f"/pieces/{rejected.pk}/").content.decode()
    facts = page.split('id="h-doc"', 1)[1].split("</section>", 1)[0]
    assert 'data-lifecycle="213"' in facts and "213 Rejetée" in facts
    assert "Destinataire inconnu de l&#x27;annuaire" in facts
    assert "rejetée par la plateforme" in page  # the stop reason of the « Relance » card
    history = page.split('id="h-history"', 1)[1].split("</section>", 1)[0]
    assert "Statut plateforme : 213 Rejetée" in history and "cdv_213.xml" in history


def test_the_worklist_shows_the_status_beside_the_number(
    alice_client, alice, company, make_invoice
):
    _rejected, partly = _statuses(company, make_invoice)
    with time_machine.travel(TODAY, tick=False):
        shown = alice_client.get("/relance/").content.decode()
        pref = UserPreference.of(alice)
        pref.show_not_due = True  # « afficher les pièces non échues »
        pref.save()
        everything = alice_client.get("/relance/").content.decode()
    row = shown.split(f'data-id="{partly.pk}"', 1)[1].split("</tr>", 1)[0]
    assert "212 Encaissée" in row and "300,00" in row  # still reminded for its 600,00
    assert 'data-lifecycle="213"' not in shown  # a rejected invoice is not to remind
    assert 'data-lifecycle="213"' in everything  # but is shown among the open ones
    assert "Rejetée par la plateforme" in everything  # in its « Niveau » column


def test_the_status_reads_in_english(alice_client, company, make_invoice):
    rejected, _partly = _statuses(company, make_invoice)
    with time_machine.travel(TODAY, tick=False):
        page = alice_client.get(
            f"/pieces/{rejected.pk}/", HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
    assert "213 Rejected" in page
