"""The link: only a hash stored, one neutral page for anything that leads nowhere, and
the statement a customer sees from it."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from portal.models import PortalLink
from portal.tokens import hash_of, issue_token, resolve, revoke, settings_for


def test_only_the_hash_of_the_token_is_stored(company, token):
    link = PortalLink.objects.get()
    assert len(token) >= 32 and link.token_hash == hash_of(token)
    stored = [str(v) for v in PortalLink.objects.values_list(flat=False).get()]
    assert token not in " ".join(stored)
    assert resolve(token).pk == link.pk


def test_each_reminder_renews_the_customers_links(company, token, on_day):
    customer = resolve(token).customer
    PortalLink.objects.update(expires_at=timezone.now() + timedelta(days=2))
    second = issue_token(company, customer)
    days = settings_for(company).link_days
    for link in PortalLink.objects.all():
        assert link.expires_at > timezone.now() + timedelta(days=days - 1)
    assert resolve(token) and resolve(second)


def test_wrong_expired_and_revoked_tokens_get_one_neutral_page(client, company, token):
    good = client.get(reverse("portal", args=[token]))
    assert good.status_code == 200 and b"F2026-001" in good.content
    wrong = client.get(reverse("portal", args=[token[:-1] + ("A" if token[-1] != "A" else "B")]))
    PortalLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    expired = client.get(reverse("portal", args=[token]))
    PortalLink.objects.update(expires_at=timezone.now() + timedelta(days=1))
    revoke(company, resolve(token).customer)
    revoked = client.get(reverse("portal", args=[token]))
    pages = {(r.status_code, r.content) for r in (wrong, expired, revoked)}
    assert len(pages) == 1
    status, body = pages.pop()
    assert status == 404 and b"F2026" not in body and b"Dupont" not in body
    assert revoked["Cache-Control"] == "no-store" and revoked["Referrer-Policy"] == "same-origin"


def test_the_statement_states_what_the_reminders_state(client, token, two_invoices):
    page = client.get(reverse("portal", args=[token])).content.decode()
    for number in ("F2026-001", "F2026-002"):
        assert number in page
    assert "960,00" in page  # 720 + 240, the balance of the two
    for doc in two_invoices:
        assert f"/{doc.pk}/" not in page  # no invoice id in any URL


def test_english_customer_reads_english(client, token, two_invoices):
    customer = two_invoices[0].customer
    customer.language = "en"
    customer.save()
    page = client.get(reverse("portal", args=[token])).content.decode()
    assert "Open invoices" in page and "Factures ouvertes" not in page
    french = client.get(reverse("portal", args=[token]) + "?lang=fr").content.decode()
    assert "Factures ouvertes" in french


def test_invoice_pdf_by_opaque_reference_only(client, token, two_invoices):
    page = client.get(reverse("portal", args=[token])).content.decode()
    import re

    refs = re.findall(r"/factures/([0-9a-f]{16})/", page)
    assert len(refs) == 2
    pdf = client.get(reverse("portal_invoice", args=[token, refs[0]]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("attachment")
    assert client.get(reverse("portal_invoice", args=[token, "0" * 16])).status_code == 404
    statement = client.get(reverse("portal_statement_pdf", args=[token]))
    assert statement.status_code == 200 and statement.content.startswith(b"%PDF")
