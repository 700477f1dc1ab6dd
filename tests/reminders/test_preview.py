"""Preview and batch creation: what goes out, what cannot and why, written once."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django_tasks_db.models import DBTaskResult

from dunning.models import Channel
from receivables.models import Customer
from reminders.batches import create_batch
from reminders.models import Batch, Reminder, ReminderState, Template
from reminders.preview import default_channel, preview_batch

from .conftest import AS_OF


def test_a_customers_documents_go_in_one_reminder_at_the_most_overdue_level(late_invoice, company):
    older = late_invoice(number="OLD", due_date=date(2026, 2, 1), pending_level=3)
    newer = late_invoice(number="NEW", due_date=date(2026, 3, 1), pending_level=2)
    preview = preview_batch(company, [newer, older], as_of=AS_OF)
    [msg] = preview.messages
    assert [d.number for d in msg.documents] == ["OLD", "NEW"]
    assert (msg.level.rank, msg.channel) == (3, Channel.FIRM_EMAIL)  # Relance 2: firm e-mail
    assert msg.subject.startswith("Relance : impayé de")
    # the level claims charges: 40 € per invoice in the breakdown (art. D441-5 C. com.)
    assert "Indemnité forfaitaire pour frais de recouvrement : 40,00\xa0€" in msg.body_text
    assert msg.body_text.count("Indemnité forfaitaire pour frais de recouvrement") == 2
    assert msg.attachments == ["facture-OLD.pdf", "facture-NEW.pdf"]
    assert preview.counts["firm_email"] == 1 and preview.counts["failed"] == 0
    # each document keeps its own level: NEW is not pushed past level 2
    assert msg.document_ranks == {older.pk: 3, newer.pk: 2}


def test_one_reminder_per_document_when_asked(late_invoice, company):
    docs = [late_invoice(), late_invoice()]
    preview = preview_batch(company, docs, group_by_customer=False, as_of=AS_OF)
    assert [len(m.documents) for m in preview.messages] == [1, 1]


def test_the_user_may_pick_another_channel_than_the_levels(late_invoice, company):
    doc = late_invoice()
    assert default_channel(doc) == Channel.EMAIL
    [msg] = preview_batch(company, [doc], channel=Channel.LETTER, as_of=AS_OF).messages
    assert msg.channel == Channel.LETTER
    assert "3 rue de Paris" in msg.letter_html and "35000 Rennes" in msg.letter_html


def test_preview_states_each_failure_in_words_and_writes_nothing(late_invoice, company):
    no_mail = Customer.objects.create(company=company, code="N", name="Sans Mail")
    blocked = Customer.objects.create(
        company=company,
        code="B",
        name="Bloqué",
        emails="b@x.example",
        no_reminders=True,
        no_reminders_reason="procédure collective",
    )
    english = Customer.objects.create(
        company=company, code="E", name="English Ltd", emails="e@x.example", language="en"
    )
    ok = late_invoice()
    docs = [
        ok,
        late_invoice(customer=no_mail),
        late_invoice(customer=blocked),
        late_invoice(customer=english, with_pdf=False),
        late_invoice(number="LIT", disputed=True),
    ]
    Template.objects.filter(level__rank=2, channel="email", language="en").delete()
    company.language = "en"  # the customer's language, else the company's: none here
    company.save()
    preview = preview_batch(company, docs, as_of=AS_OF)
    reasons = {
        (m.customer.name, tuple(d.number for d in m.documents)): m.error for m in preview.failures
    }
    assert reasons[("Sans Mail", (docs[1].number,))] == "pas d'adresse e-mail"
    assert (
        reasons[("Bloqué", (docs[2].number,))]
        == "client bloqué : ne pas relancer (procédure collective)"
    )
    assert reasons[("English Ltd", (docs[3].number,))].startswith(
        "pas de modèle pour le niveau « Relance 1 »"
    )
    assert reasons[("ANYWAY SARL", ("LIT",))] == "pièce en litige"
    assert preview.counts["failed"] == 4
    assert not Reminder.objects.exists()


def test_a_letter_needs_a_postal_address(late_invoice, company):
    nowhere = Customer.objects.create(company=company, code="X", name="X", emails="x@x.example")
    preview = preview_batch(
        company, [late_invoice(customer=nowhere)], channel="letter", as_of=AS_OF
    )
    assert preview.failures[0].error == "pas d'adresse postale"


def test_create_batch_writes_the_outbox_then_enqueues_after_commit(
    late_invoice, company, alice, django_capture_on_commit_callbacks
):
    doc = late_invoice()
    nomail = Customer.objects.create(company=company, code="N", name="Sans Mail")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        batch = create_batch(company, [doc, late_invoice(customer=nomail)], user=alice, as_of=AS_OF)
        assert DBTaskResult.objects.count() == 0  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    assert DBTaskResult.objects.count() == 1
    states = dict(batch.reminders.values_list("customer__name", "state"))
    assert states == {"ANYWAY SARL": ReminderState.QUEUED, "Sans Mail": ReminderState.FAILED}
    assert batch.counts["email"] == 1 and batch.counts["failed"] == 1
    row = batch.reminders.get(state="queued")
    assert row.recipient == ["daisy@anyway.example"] and list(row.documents.all()) == [doc]
    assert row.words_pending  # worded by the worker that sends it (test_wording)


def test_one_document_cannot_get_two_live_reminders_for_one_level(late_invoice, company):
    """Sent again while it is going out: no second reminder, and no batch of refusals
    either; the error names the batch already sending it."""
    from reminders.already import AlreadySending

    doc, other = late_invoice(), late_invoice()
    first = create_batch(company, [doc], as_of=AS_OF)
    with pytest.raises(AlreadySending) as refused:
        create_batch(company, [doc], channel="letter", as_of=AS_OF)
    assert refused.value.batch == first
    assert refused.value.messages == [
        f"Déjà en cours d'envoi : ces pièces sont dans l'envoi n° {first.pk}."
    ]
    assert Batch.objects.count() == 1
    # with something new in it, the selection goes, and the repeat is listed as refused
    second = create_batch(company, [doc, other], channel="letter", as_of=AS_OF)
    states = dict(second.reminders.values_list("state", "last_error"))
    assert states == {
        ReminderState.QUEUED: "",
        ReminderState.FAILED: "un rappel de ce niveau est déjà envoyé ou en file d'attente",
    }
    assert Reminder.objects.filter(state="queued").count() == 2


def test_a_single_message_can_be_edited_before_it_leaves(late_invoice, company):
    doc = late_invoice()
    batch = create_batch(
        company, [doc], edited={"subject": "Petit oubli ?", "body_text": "Merci !"}, as_of=AS_OF
    )
    row = batch.reminders.get()
    assert row.subject == "Petit oubli ?"
    assert row.body_text.startswith("Merci !\n\nIBAN : FR76")  # the payment block under it
    with pytest.raises(ValidationError):
        create_batch(company, [late_invoice()], edited={"subject": "a\nBcc: x"}, as_of=AS_OF)
    with pytest.raises(ValidationError):
        create_batch(
            company,
            [
                late_invoice(),
                late_invoice(
                    customer=Customer.objects.create(
                        company=company, code="Z", name="Z", emails="z@z.example"
                    )
                ),
            ],
            edited={"subject": "x"},
            as_of=AS_OF,
        )


def test_another_companys_documents_are_ignored(late_invoice, company, other_company):
    doc = late_invoice()
    assert preview_batch(other_company, [doc], as_of=AS_OF).messages == []


def test_a_customers_expired_quote_and_overdue_invoice_go_in_two_messages(
    late_invoice, company, customer
):
    from receivables.models import Quote

    invoice = late_invoice(number="F-7")
    quote = Quote.objects.create(
        company=company,
        customer=customer,
        number="D-7",
        issue_date=date(2026, 1, 10),
        due_date=date(2026, 2, 10),
        amount="980.00",
        state="expired",
        to_remind=True,
        pending_level=1,
    )
    preview = preview_batch(company, [quote, invoice], as_of=AS_OF)
    assert [[d.number for d in m.documents] for m in preview.messages] == [["F-7"], ["D-7"]]
    invoice_msg, quote_msg = preview.messages
    assert invoice_msg.subject == "Rappel : facture(s) F-7 échue(s)"
    assert quote_msg.subject == "Votre devis D-7 est arrivé à échéance"
    assert "D-7" not in invoice_msg.body_text and "F-7" not in quote_msg.body_text
    assert preview.failures == []
    batch = create_batch(company, [quote, invoice], as_of=AS_OF)
    assert batch.reminders.filter(customer=customer).count() == 2


def _late_customers(company, late_invoice, names, **fields):
    """One late invoice (no PDF) for each of these customers, created in one query."""

    def customer(name):
        address = dict(address="1 rue Haute", postal_code="35000", city="Rennes")
        values = dict(company=company, code=name, name=name, emails=f"{name.lower()}@x.example")
        return Customer(**{**values, **address, **fields})

    customers = Customer.objects.bulk_create(customer(name) for name in names)
    return [late_invoice(customer=c, with_pdf=False) for c in customers]


def test_word_first_words_the_first_messages_and_only_checks_the_others(late_invoice, company):
    docs = _late_customers(company, late_invoice, ["A", "C", "D", "E"])
    docs += _late_customers(company, late_invoice, ["B"], emails="")  # fails, not counted
    preview = preview_batch(company, docs, as_of=AS_OF, word_first=2)
    assert [m.customer.name for m in preview.messages] == ["A", "C", "D", "E"]
    assert [bool(m.subject and m.body_text and m.body_html) for m in preview.messages] == [
        True,
        True,
        False,
        False,
    ]
    checked = preview.messages[3]
    assert (checked.subject, checked.body_text, checked.body_html) == ("", "", "")
    assert checked.recipient == ["e@x.example"] and checked.attachments == [
        f"facture-{docs[3].number}.pdf"
    ]
    assert [(m.customer.name, m.error) for m in preview.failures] == [("B", "pas d'adresse e-mail")]
    assert preview.counts["email"] == 4 and preview.counts["failed"] == 1


def test_word_first_leaves_letters_beyond_it_unworded_but_checked(late_invoice, company):
    docs = _late_customers(company, late_invoice, ["A", "B", "C"])
    docs += _late_customers(company, late_invoice, ["AB"], address="", postal_code="", city="")
    preview = preview_batch(company, docs, channel="letter", as_of=AS_OF, word_first=1)
    assert [bool(m.letter_html) for m in preview.messages] == [True, False, False]
    assert (
        preview.messages[2].recipient[0] == "C" and "35000 Rennes" in preview.messages[2].recipient
    )
    assert [m.error for m in preview.failures] == ["pas d'adresse postale"]
    assert preview.counts["letter"] == 3


def test_a_message_worded_under_word_first_still_lists_the_customers_other_overdue_invoices(
    late_invoice, company
):
    selected = late_invoice(number="SEL", with_pdf=False)
    late_invoice(number="AUTRE", due_date=date(2026, 2, 10), with_pdf=False, to_remind=False)
    [full] = preview_batch(company, [selected], as_of=AS_OF).messages
    [first] = preview_batch(company, [selected], as_of=AS_OF, word_first=1).messages
    assert "AUTRE" in full.body_text
    assert first.body_text == full.body_text


def test_an_invoice_stopped_on_the_e_invoicing_platform_is_not_reminded_by_hand(
    late_invoice, company
):
    from receivables.lifecycle import apply_statuses

    rejected, refused = late_invoice(number="REJ"), late_invoice(number="REF")
    apply_statuses(company, [
        {"number": "REJ", "status": "213", "date": AS_OF},
        {"number": "REF", "status": "210", "date": AS_OF},
    ])  # fmt: skip
    preview = preview_batch(company, [rejected, refused], as_of=AS_OF)
    reasons = {tuple(d.number for d in m.documents): m.error for m in preview.failures}
    assert reasons[("REJ",)] == "statut plateforme 213 Rejetée"
    assert reasons[("REF",)] == "statut plateforme 210 Refusée"
    assert not preview.messages


def test_what_goes_worded_lists_the_customers_other_overdue_invoices(late_invoice, company):
    """Letters are worded when the batch is written, e-mails when the preview shows them
    (and, in a batch, as they leave): each names the customer's other overdue invoices,
    read once for the messages worded (none for a batch of e-mails)."""
    chased = late_invoice(number="CHASED")
    late_invoice(number="OTHER", due_date=date(2026, 3, 2), to_remind=False, pending_level=None)
    [shown] = preview_batch(company, [chased], as_of=AS_OF, word_first=1).messages
    [checked] = preview_batch(company, [chased], as_of=AS_OF, words=False).messages
    assert not checked.body_text and checked.recipient  # checked only: worded as it leaves
    batch = create_batch(company, [chased], channel="letter", as_of=AS_OF)
    [letter] = batch.reminders.all()
    for words in (shown.body_text, letter.body_text):
        chased_part, others = words.split("Autres pièces échues")
        assert "CHASED" in chased_part and "OTHER" in others
