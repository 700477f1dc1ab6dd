"""« À vérifier / Envois en échec »: the reminders a person decides on, through the
real services (reminders.review) and Django's test client."""

import pytest
from django.core import mail
from django.utils import translation

from receivables.models import Customer, Document
from reminders.batches import create_batch
from reminders.defaults import ensure_default_templates
from reminders.models import Reminder, ReminderState
from reminders.outbox import claim, drain


@pytest.fixture
def stuck(company, policies, seed_docs, lenty, settings, tmp_path):
    """Invoice 5 (ANYWAY) interrupted mid-send; invoice 3 (LENTY, no e-mail) failed."""
    settings.MEDIA_ROOT = tmp_path / "media"
    ensure_default_templates(company)
    lenty.emails = ""
    lenty.save()
    with translation.override("fr"):  # the failure's words are stored as written
        batch = create_batch(company, [seed_docs["5"], seed_docs["3"]], channel="email")
    [unsure] = claim(10, batch.pk)  # a worker worded it, handed it over, then died
    Reminder.objects.filter(pk=unsure.pk).update(
        state=ReminderState.NEEDS_REVIEW,
        attempts=1,
        last_error="Interrompu pendant l'envoi : vérifier s'il est parti avant de le renvoyer.",
    )
    failed = batch.reminders.get(customer=lenty)
    return {"batch": batch, "unsure": unsure, "failed": failed}


def _state(row):
    return Reminder.objects.get(pk=row.pk).state


def test_the_screen_lists_both_with_their_error_and_message(alice_client, stuck):
    html = alice_client.get("/relances/a-verifier/").content.decode()
    assert "1 rappel peut-être parti" in html and "1 envoi en échec" in html
    assert "ANYWAY SARL" in html and "LENTY Sarah" in html
    assert "Interrompu pendant l&#x27;envoi" in html
    assert "pas d&#x27;adresse e-mail" in html
    assert "daisy@anyway.example" in html  # the recipient
    assert "Rappel : facture(s) 5 échue(s)" in html  # the stored subject
    assert "facture-5.pdf" in html  # its attachment
    assert 'id="decisions-count" aria-hidden="true">2<' in html  # the navigation's badge
    assert "Il est bien parti" in html and "Le renvoyer" in html and "Réessayer" in html


def test_marked_sent_the_document_counts_the_reminder(alice_client, stuck, seed_docs):
    unsure = stuck["unsure"]
    response = alice_client.post(f"/relances/a-verifier/{unsure.pk}/parti/", follow=True)
    html = response.content.decode()
    assert "Noté comme envoyé : ANYWAY SARL, pièces 5" in html
    assert _state(unsure) == ReminderState.SENT
    doc = Document.objects.get(pk=seed_docs["5"].pk)
    assert doc.reminder_count == 1 and doc.last_reminder_date is not None
    assert "peut-être parti" not in html  # decided: off the screen
    assert 'id="decisions-count" aria-hidden="true">1<' in html
    assert mail.outbox == []  # nothing was sent


def test_sent_again_it_is_queued_then_leaves_exactly_once(alice_client, stuck):
    unsure = stuck["unsure"]
    response = alice_client.post(f"/relances/a-verifier/{unsure.pk}/renvoyer/", follow=True)
    assert "repart une fois" in response.content.decode()
    assert _state(unsure) == ReminderState.QUEUED
    assert drain(stuck["batch"].pk).sent == 1
    assert drain(stuck["batch"].pk).sent == 0
    assert [m.to for m in mail.outbox] == [["daisy@anyway.example"]]
    assert _state(unsure) == ReminderState.SENT


def test_a_failed_one_is_retried_with_the_corrected_address(alice_client, stuck, lenty):
    failed = stuck["failed"]
    response = alice_client.post(
        f"/relances/a-verifier/{failed.pk}/renvoyer/",
        {"emails": "sarah@lenty.example", "next": "/relances/a-verifier/"},
        follow=True,
    )
    html = response.content.decode()
    assert "Rappel refait pour LENTY Sarah" in html
    assert Customer.objects.get(pk=lenty.pk).emails == "sarah@lenty.example"
    redone = Reminder.objects.filter(customer=lenty).exclude(pk=failed.pk).get()
    assert redone.state == ReminderState.QUEUED and redone.recipient == ["sarah@lenty.example"]
    assert "1 envoi en échec" not in html  # redone: off the screen
    again = alice_client.post(f"/relances/a-verifier/{failed.pk}/renvoyer/", follow=True)
    assert "déjà été refait" in again.content.decode()  # a second click: no second batch
    assert Reminder.objects.filter(customer=lenty).count() == 2


def test_a_bad_address_is_refused_in_words(alice_client, stuck, lenty):
    failed = stuck["failed"]
    response = alice_client.post(
        f"/relances/a-verifier/{failed.pk}/renvoyer/", {"emails": "sarah@"}, follow=True
    )
    assert "Adresse e-mail invalide : sarah@" in response.content.decode()
    assert Customer.objects.get(pk=lenty.pk).emails == ""
    assert Reminder.objects.filter(customer=lenty).count() == 1


def test_cancelled_it_leaves_the_screen(alice_client, stuck):
    failed = stuck["failed"]
    response = alice_client.post(f"/relances/a-verifier/{failed.pk}/annuler/", follow=True)
    assert "Rappel annulé" in response.content.decode()
    assert _state(failed) == ReminderState.CANCELLED


def test_a_viewer_sees_the_list_but_may_not_decide(viewer_client, stuck):
    html = viewer_client.get("/relances/a-verifier/").content.decode()
    assert "ANYWAY SARL" in html and "Il est bien parti" not in html
    unsure = stuck["unsure"]
    for action in ("parti", "renvoyer", "annuler"):
        assert viewer_client.post(f"/relances/a-verifier/{unsure.pk}/{action}/").status_code == 403
    assert _state(unsure) == ReminderState.NEEDS_REVIEW


def test_another_companys_reminder_is_not_found(charlie_client, stuck):
    unsure = stuck["unsure"]
    for action in ("parti", "renvoyer", "annuler"):
        assert charlie_client.post(f"/relances/a-verifier/{unsure.pk}/{action}/").status_code == 404
    assert _state(unsure) == ReminderState.NEEDS_REVIEW
    assert "ANYWAY" not in charlie_client.get("/relances/a-verifier/").content.decode()


def test_actions_need_a_csrf_token(client, bob, stuck):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(bob)
    unsure = stuck["unsure"]
    assert strict.post(f"/relances/a-verifier/{unsure.pk}/parti/").status_code == 403
    assert _state(unsure) == ReminderState.NEEDS_REVIEW


def test_the_batch_summary_links_to_the_screen(alice_client, stuck):
    batch = stuck["batch"]
    html = alice_client.get(f"/relances/lots/{batch.pk}/").content.decode()
    assert f'href="/relances/a-verifier/?batch={batch.pk}"' in html
    assert "Décider des 2 rappels à vérifier ou en échec" in html
    assert "1 en échec" in html and "1 à vérifier" in html  # the summary line
    only = alice_client.get(f"/relances/a-verifier/?batch={batch.pk}").content.decode()
    assert "ANYWAY SARL" in only


def test_nothing_to_decide_says_so_without_a_badge(alice_client, company):
    html = alice_client.get("/relances/a-verifier/").content.decode()
    assert "Rien à vérifier" in html and "decisions-count" not in html
