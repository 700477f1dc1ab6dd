"""What the document page shows about dunning."""

from datetime import date
from decimal import Decimal as D

import pytest

from dunning.services import document_dunning_state

DUE = date(2026, 3, 13)


def test_the_document_state_tells_level_next_action_and_charges(company, policies, make_invoice):
    inv = make_invoice(
        due_date=DUE, amount=D("1000.00"), dunning_level=2, reminder_count=2,
        last_reminder_date=date(2026, 3, 20),
    )  # fmt: skip
    before = document_dunning_state(inv, date(2026, 3, 25))
    assert (before.level_name, before.to_remind, before.next_level_name) == (
        "Relance 1",
        False,
        "Relance 2",
    )
    assert before.next_action_date == date(2026, 3, 28)  # J+15
    assert (before.reminder_count, before.last_reminder_date) == (2, date(2026, 3, 20))
    # 1000 € × 12.15 % × 12 days / 365 = 3.994… → 3.99, + 40 €
    assert (before.days_late, before.charges.interest, before.charges.total_due) == (
        12,
        D("3.99"),
        D("43.99"),
    )

    due = document_dunning_state(inv, date(2026, 3, 30))
    assert (due.to_remind, due.to_remind_since, due.pending_level_name) == (
        True,
        date(2026, 3, 28),
        "Relance 2",
    )

    inv.disputed = True
    inv.save()
    held = document_dunning_state(inv, date(2026, 3, 30))
    assert (held.to_remind, held.stop_reason_label, held.next_action_date) == (
        False,
        "en litige",
        None,
    )


@pytest.mark.django_db
def test_a_new_default_procedure_takes_over_from_the_old_one_wherever_it_is_saved(company):
    """The admin, the settings screen and the API all save through the model."""
    from dunning.models import Policy, PolicyKind

    old = Policy.objects.create(company=company, name="Ancienne", is_default=True)
    new = Policy.objects.create(company=company, name="Nouvelle", is_default=True)
    quotes = Policy.objects.create(
        company=company, name="Devis", kind=PolicyKind.QUOTE, is_default=True
    )

    old.refresh_from_db()
    assert (old.is_default, new.is_default, quotes.is_default) == (False, True, True)
