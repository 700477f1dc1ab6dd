"""Rel Tph / Rel mail / Rel mail+ / Rel courr from the worklist: the screens around
reminders (preview, batches, summary, calls)."""

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from django.utils.html import strip_tags

from receivables.models import Customer, Document
from reminders.defaults import ensure_default_templates
from web.screens import batches


@pytest.fixture
def crowd(company, policies, today):
    """A late invoice for each of 32 customers: 26 at Relance 1 (e-mail), 4 at the
    formal notice (letter), 2 without an e-mail address. Their ids."""
    ensure_default_templates(company)

    def customer(i):
        email = "" if i in (5, 17) else f"c{i:02d}@x.example"
        return Customer(
            company=company,
            code=f"K{i:02d}",
            name=f"Client {i:02d}",
            emails=email,
            address=f"{i} rue Haute",
            postal_code="35000",
            city="Rennes",
        )

    customers = Customer.objects.bulk_create(customer(i) for i in range(32))
    docs = Document.objects.bulk_create(
        Document(
            company=company,
            customer=c,
            kind="invoice",
            number=f"F{i:02d}",
            issue_date=today - timedelta(days=80),
            due_date=today - timedelta(days=50 if i >= 28 else 10),
            amount=100 + i,
            to_remind=True,
            pending_level=5 if i >= 28 else 2,
        )
        for i, c in enumerate(customers)
    )
    return [d.pk for d in docs]


def _preview(client, ids, **data):
    return client.post("/relances/apercu/", {"ids": ",".join(map(str, ids)), **data})


def _counts(html: str) -> str:
    """The counts line as a person reads it."""
    return strip_tags(re.search(r'<p id="preview-counts">(.*?)</p>', html).group(1))


def test_a_big_preview_words_twenty_messages_and_lists_the_others(alice_client, crowd):
    html = _preview(alice_client, crowd).content.decode()
    assert _counts(html) == "30 relances prêtes à partir : 26 e-mails, 4 courriers · 2 impossibles"
    assert html.count('class="card preview-message"') == 20
    assert html.count('class="preview-row"') == 10
    assert "Les 20 premières sont affichées en entier, les 10 autres dans le tableau" in html
    full, others = html.split('id="preview-others"')
    assert "Client 21" in full and "Client 22" not in full  # 20 shown: 00 to 21 less 05, 17
    assert all(f"Client {i}" in others for i in range(22, 32))
    assert "Mise en demeure" in others and "Courrier" in others and "c22@x.example" in others
    assert "10 autres relances" in others and "rédigé au moment de l'envoi" in others
    # the failures are listed however many messages there are
    assert "Client 05" in full and "Client 17" in full and full.count("pas d&#x27;adresse") == 2
    assert "non listée" not in html


def test_the_table_of_the_others_is_capped_and_says_how_many_it_leaves_out(
    alice_client, crowd, monkeypatch
):
    monkeypatch.setattr(batches, "LISTED", 4)
    html = _preview(alice_client, crowd).content.decode()
    assert html.count('class="preview-row"') == 4
    assert "… et 6 autres relances, vérifiées mais non listées ici." in html


def test_each_listed_message_can_be_read_in_full(alice_client, crowd):
    response = _preview(alice_client, crowd)
    last = response.context["listed"][-1]
    assert (last.customer.name, last.subject) == ("Client 31", "")  # checked, not worded
    links = re.findall(r'href="(/relances/apercu/\?[^"]+)"', response.content.decode())
    assert len(links) == 10
    html = alice_client.get(unescape(links[-1])).content.decode()
    assert _counts(html) == "1 relance prête à partir : 1 courrier"
    assert html.count('class="card preview-message"') == 1 and "Mise en demeure" in html
    assert 'id="preview-others"' not in html


def test_a_preview_in_english_counts_per_channel(alice_client, crowd):
    alice_client.post("/i18n/setlang/", {"language": "en", "next": "/relance/"})
    html = _preview(alice_client, crowd).content.decode()
    assert _counts(html) == "30 reminders ready to go: 26 e-mails, 4 letters · 2 impossible"
    assert "10 other reminders" in html and "their text is written when they are sent" in html


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
