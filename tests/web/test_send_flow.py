"""Worklist → Rel mail → preview → send → summary, through the real services."""

import pytest
from django.core import mail

from reminders.defaults import ensure_default_templates
from reminders.models import CallOutcome, PhoneCall


@pytest.fixture
def templated(company, policies, settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    ensure_default_templates(company)


def test_rel_mail_previews_sends_and_summarises(
    alice_client, seed_docs, templated, django_capture_on_commit_callbacks
):
    ids = [seed_docs["3"].pk, seed_docs["5"].pk]
    preview = alice_client.post("/relances/apercu/", {"channel": "email", "ids": ids})
    html = preview.content.decode()
    assert "2 relances prêtes à partir" in html
    assert "sarah@example.org" in html and "daisy@anyway.example" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(
            "/relances/envoyer/", {"channel": "email", "ids": ",".join(map(str, ids))}
        )
    assert response.status_code == 302
    summary = alice_client.get(response["Location"]).content.decode()
    assert "2 envoyées" in summary
    assert len(mail.outbox) == 2
    seed_docs["3"].refresh_from_db()
    assert seed_docs["3"].reminder_count == 1
    alice_client.post("/relance/options/", {"show_not_due": "on"})
    worklist = alice_client.get("/relance/?q=lenty").content.decode()
    assert 'data-col="reminder_count">1<' in worklist
    page = alice_client.get(f"/pieces/{seed_docs['3'].pk}/").content.decode()
    assert "Voir le contenu envoyé" in page


def test_a_letter_batch_says_letters_to_print_not_sent(
    alice_client, seed_docs, templated, lenty, django_capture_on_commit_callbacks
):
    """A letter leaves when someone prints and posts it: the summary must not tell the
    user it was sent."""
    lenty.address, lenty.postal_code, lenty.city = "8 allée des Tilleuls", "35700", "Rennes"
    lenty.save()
    ids = [seed_docs["3"].pk, seed_docs["5"].pk]
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(
            "/relances/envoyer/", {"channel": "letter", "ids": ",".join(map(str, ids))}
        )
    summary = alice_client.get(response["Location"]).content.decode()
    assert "2 courriers à imprimer" in summary and "envoyé" not in summary
    assert "Courriers à imprimer (PDF, 2 pages)" in summary
    assert len(mail.outbox) == 0


def test_preview_names_a_customer_without_email(alice_client, seed_docs, templated, lenty):
    lenty.emails = ""
    lenty.save()
    html = alice_client.post(
        "/relances/apercu/", {"channel": "email", "ids": [seed_docs["3"].pk]}
    ).content.decode()
    assert "pas d&#x27;adresse e-mail" in html and "Envoyer les relances" not in html


def test_logging_a_call_with_a_promise(alice_client, seed_docs, templated):
    doc = seed_docs["3"]
    response = alice_client.post(
        f"/relances/appel/?ids={doc.pk}",
        {
            "ids": str(doc.pk),
            "outcome": CallOutcome.PROMISE,
            "promise_date": "2026-12-20",
            "note": "Paiera vendredi",
        },
    )
    assert response.status_code == 302
    call = PhoneCall.objects.get()
    assert call.note == "Paiera vendredi"
    doc.refresh_from_db()
    assert str(doc.promise_date) == "2026-12-20"
    html = alice_client.get(f"/clients/{doc.customer_id}/").content.decode()
    assert "Paiera vendredi" in html


def test_a_promise_needs_its_date(alice_client, seed_docs, templated):
    doc = seed_docs["3"]
    response = alice_client.post(
        f"/relances/appel/?ids={doc.pk}", {"ids": str(doc.pk), "outcome": "promise"}
    )
    assert response.status_code == 200 and "Indiquez la date promise" in response.content.decode()
    assert not PhoneCall.objects.exists()


def test_summary_of_another_companys_batch_is_404(
    charlie_client, alice, seed_docs, templated, company
):
    from reminders.services import create_batch

    batch = create_batch(company, [seed_docs["3"]], channel="email", user=alice)
    assert charlie_client.get(f"/relances/lots/{batch.pk}/").status_code == 404


def test_template_editor_live_preview_on_a_real_document(alice_client, seed_docs, templated):
    response = alice_client.post(
        "/parametres/modeles/apercu/",
        {
            "subject": "Rappel %NUMERO% (%NB_RAPPELS%)",
            "body_text": "Solde %SOLDE% %INCONNU%",
            "document": seed_docs["3"].pk,
            "language": "fr",
        },
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode().replace("\u202f", " ").replace("\xa0", " ")
    assert "Rappel 3 (0)" in html and "720,00 €" in html and "%INCONNU%" in html


def test_template_list_and_edit(alice_client, templated, company):
    from reminders.models import Template

    html = alice_client.get("/parametres/modeles/").content.decode()
    assert "Relance 1" in html
    template = Template.objects.for_company(company).first()
    page = alice_client.get(f"/parametres/modeles/{template.pk}/").content.decode()
    assert "%DT_DERNIER_RAPPEL%" in page  # the keyword list


def test_template_with_unknown_keyword_is_refused(alice_client, templated, company):
    from reminders.models import Template

    template = Template.objects.for_company(company).filter(channel="email").first()
    response = alice_client.post(
        f"/parametres/modeles/{template.pk}/",
        {
            "level": template.level_id,
            "channel": "email",
            "language": "fr",
            "subject": "x %FOO%",
            "body_text": "",
            "body_html": "",
        },
    )
    assert response.status_code == 200 and "%FOO%" in response.content.decode()
    template.refresh_from_db()
    assert "%FOO%" not in template.subject


def test_collector_cannot_edit_templates(client, bob, templated, company):
    from reminders.models import Template

    client.force_login(bob)
    template = Template.objects.for_company(company).first()
    assert client.post(f"/parametres/modeles/{template.pk}/", {"subject": "x"}).status_code == 403


def test_preview_asks_to_reread_a_message_with_an_empty_keyword(alice_client, seed_docs, templated):
    """The firm e-mail says « Malgré notre précédent rappel du %DT_DERNIER_RAPPEL% »: sent
    on an invoice never reminded, it would read « du , ». The preview says so."""
    doc = seed_docs["3"]
    html = alice_client.post(
        "/relances/apercu/", {"channel": "firm_email", "ids": [doc.pk]}
    ).content.decode()
    assert "À relire :" in html and "%DT_DERNIER_RAPPEL%" in html
    doc.reminder_count, doc.last_reminder_date = 1, doc.due_date
    doc.save()
    html = alice_client.post(
        "/relances/apercu/", {"channel": "firm_email", "ids": [doc.pk]}
    ).content.decode()
    assert "À relire :" not in html
