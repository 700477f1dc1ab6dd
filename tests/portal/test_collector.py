"""The collector's side: « Voir comme le client », switching a customer's links off,
answering a payment plan, the settings screen."""

from django.urls import reverse

from portal.models import PaymentPlan, PlanState, PortalLink, PortalSettings
from portal.plans import request_plan
from portal.tokens import resolve


def test_see_as_the_customer_shows_their_page_without_a_link(alice_client, token, two_invoices):
    customer = two_invoices[0].customer
    page = alice_client.get(reverse("customer_portal", args=[customer.pk])).content.decode()
    assert "F2026-001" in page and "Aperçu" in page
    assert "/p/" not in page and "disabled" in page  # nothing to send from the preview
    links_before = PortalLink.objects.count()
    file = alice_client.get(reverse("customer_detail", args=[customer.pk])).content.decode()
    assert "Voir comme le client" in file and 'id="broken-promises">0<' in file
    assert PortalLink.objects.count() == links_before


def test_switching_a_customers_links_off(alice_client, client, token, two_invoices):
    customer = two_invoices[0].customer
    r = alice_client.post(reverse("customer_portal_revoke", args=[customer.pk]))
    assert r.status_code == 302 and resolve(token) is None
    assert client.get(f"/p/{token}/").status_code == 404


def test_a_collector_accepts_a_plan_from_the_file(alice_client, token, two_invoices, on_day):
    plan = request_plan(resolve(token), 2, "Trésorerie tendue", "198.51.100.2")
    file = alice_client.get(reverse("customer_detail", args=[plan.customer_id])).content.decode()
    assert "Trésorerie tendue" in file and "Accepter l" in file
    r = alice_client.post(reverse("plan_decide", args=[plan.pk]), {"decision": "accept"})
    assert r.status_code == 302
    assert PaymentPlan.objects.get().state == PlanState.ACCEPTED


def test_the_settings_screen(alice_client, company):
    r = alice_client.post(
        reverse("settings_portal"),
        {"enabled": "on", "link_days": "30", "promise_days": "15",
         "plan_max_instalments": "4", "plan_max_days": "120"},
    )  # fmt: skip
    assert r.status_code == 302
    saved = PortalSettings.objects.get(company=company)
    assert (saved.link_days, saved.promise_days, saved.plan_max_instalments) == (30, 15, 4)
    page = alice_client.get(reverse("settings_portal")).content.decode()
    assert "orizon des promesses (jours)" in page
    assert saved.plan_break_days == 15  # not posted: the default kept
    assert "rompu après un retard de (jours)" in page
    alice_client.post(
        reverse("settings_portal"),
        {"enabled": "on", "link_days": "30", "promise_days": "15",
         "plan_max_instalments": "4", "plan_max_days": "120", "plan_break_days": "0"},
    )  # fmt: skip
    assert PortalSettings.objects.get(company=company).plan_break_days == 0  # never broken
