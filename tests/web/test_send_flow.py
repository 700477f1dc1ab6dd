"""Worklist → Rel mail → preview → send → summary, through the real services."""

import io

import pytest
from django.core import mail
from pypdf import PdfReader

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
    # the button gives the real length of the PDF it opens (a letter that states the
    # charges line by line may run onto a second page)
    pdf = alice_client.get(response["Location"].rstrip("/") + "/courriers.pdf")
    pages = len(
        PdfReader(
            io.BytesIO(b"".join(pdf.streaming_content) if pdf.streaming else pdf.content)
        ).pages
    )
    assert pages >= 2
    assert f"Courriers à imprimer (PDF, {pages} pages)" in summary
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
    from reminders.batches import create_batch

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


def _page(client, response) -> str:
    from html import unescape

    from django.utils.html import strip_tags

    assert response.status_code == 302
    return " ".join(unescape(strip_tags(client.get(response["Location"]).content.decode())).split())


def test_the_same_send_clicked_four_times_makes_one_batch_and_says_it_is_already_going(
    alice_client, seed_docs, templated
):
    """Four clicks while the first batch is still going out (its e-mails wait for the
    worker): the second to fourth land on that batch, « déjà en cours d'envoi », and
    write no batch of refusals."""
    from reminders.models import Batch, Reminder

    form = {"channel": "email", "ids": f"{seed_docs['3'].pk},{seed_docs['5'].pk}"}
    clicks, pages = [], []
    for _ in range(4):  # each click, then the page it leads to
        clicks.append(alice_client.post("/relances/envoyer/", form))
        pages.append(_page(alice_client, clicks[-1]))
    [batch] = Batch.objects.all()
    assert {r["Location"] for r in clicks} == {f"/relances/lots/{batch.pk}/"}
    assert "0 envoyée · 2 en cours" in pages[0] and "Déjà" not in pages[0]
    for page in pages[1:]:
        assert f"Déjà en cours d'envoi : ces pièces sont dans l'envoi n° {batch.pk}." in page
        assert "0 envoyée · 2 en cours" in page and "en échec" not in page
    assert list(Reminder.objects.values_list("state", flat=True)) == ["queued", "queued"]


def test_a_send_repeated_after_it_went_out_says_so_and_writes_nothing(
    alice_client, seed_docs, templated, lenty, django_capture_on_commit_callbacks
):
    """The e-mails went out at once, then the same form is sent again: « déjà envoyé »,
    in the person's language, and no reminder at the next level. A document of the
    selection that cannot go for another reason is named."""
    import re

    from reminders.models import Batch

    lenty.emails = ""
    lenty.save()
    ids = f"{seed_docs['3'].pk},{seed_docs['5'].pk}"
    preview = alice_client.post("/relances/apercu/", {"channel": "email", "ids": ids})
    token = re.search(r'name="send_token" value="(\w+)"', preview.content.decode())[1]
    form = {"channel": "email", "ids": ids, "send_token": token}
    with django_capture_on_commit_callbacks(execute=True):
        sent = alice_client.post("/relances/envoyer/", form)
    assert "1 envoyée" in _page(alice_client, sent) and len(mail.outbox) == 1
    [batch] = Batch.objects.all()
    page = _page(alice_client, alice_client.post("/relances/envoyer/", form))
    assert f"Déjà envoyé : ces pièces ont été relancées à ce niveau (envoi n° {batch.pk})" in page
    alice_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = _page(alice_client, alice_client.post("/relances/envoyer/", form))
    assert (
        f"Already sent: these documents were reminded at this level (batch no. {batch.pk})" in page
    )
    assert Batch.objects.count() == 1 and len(mail.outbox) == 1


def test_a_selection_already_going_out_names_what_else_cannot_go(
    alice_client, seed_docs, templated, lenty
):
    """Nothing new can go: one document is already being sent (by another form), the
    other has no e-mail address. No batch of refusals; both reasons said."""
    from reminders.models import Batch

    alice_client.post("/relances/envoyer/", {"channel": "email", "ids": seed_docs["5"].pk})
    [batch] = Batch.objects.all()
    lenty.emails = ""
    lenty.save()
    ids = f"{seed_docs['3'].pk},{seed_docs['5'].pk}"
    page = _page(
        alice_client, alice_client.post("/relances/envoyer/", {"channel": "email", "ids": ids})
    )
    assert f"Déjà en cours d'envoi : ces pièces sont dans l'envoi n° {batch.pk}." in page
    assert "Les autres ne peuvent pas partir : LENTY Sarah (3) : pas d'adresse e-mail." in page
    assert Batch.objects.count() == 1
