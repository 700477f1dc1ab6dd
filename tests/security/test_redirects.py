"""A `next` given by the request leads only to a page of this site (open redirects)."""

import pytest

from reminders.defaults import ensure_default_templates

OUTSIDE = [
    "https://evil.example/relance/",
    "//evil.example/relance/",
    "/\\evil.example/",
    "javascript:alert(document.cookie)",
]


@pytest.mark.parametrize("target", OUTSIDE)
def test_the_preview_never_sends_the_user_elsewhere(alice_client, target):
    # nothing selected: the preview sends the user back where they came from
    response = alice_client.post("/relances/apercu/", {"next": target})
    assert response.status_code == 302
    assert response["Location"] == "/relance/"


@pytest.mark.parametrize("target", OUTSIDE)
def test_the_preview_back_link_stays_on_the_site(alice_client, company, make_invoice, target):
    ensure_default_templates(company)
    doc = make_invoice()
    page = alice_client.post(
        "/relances/apercu/", {"ids": str(doc.pk), "channel": "email", "next": target}
    ).content.decode()
    back = page.split("Retour à la liste", 1)[0].rsplit('href="', 1)[1].split('"', 1)[0]
    assert back == "/relance/"


def test_a_page_of_the_site_is_where_the_user_goes_back(alice_client):
    response = alice_client.post("/relances/apercu/", {"next": "/factures/?filter=open"})
    assert response["Location"] == "/factures/?filter=open"


@pytest.mark.parametrize(
    "path, default",
    [("/relance/enlever/", "/relance/"), ("/relance/remettre/", "/relance/")],
)
def test_the_worklist_actions_refuse_outside_targets(alice_client, path, default):
    for target in OUTSIDE:
        response = alice_client.post(path, {"next": target, "all": "1"})
        assert response["Location"] == default, (path, target)


def test_the_review_actions_refuse_outside_targets(alice_client, company, customer):
    from reminders.models import Reminder

    reminder = Reminder.objects.create(
        company=company, customer=customer, channel="email", state="needs_review"
    )
    for target in OUTSIDE:
        response = alice_client.post(
            f"/relances/a-verifier/{reminder.pk}/annuler/", {"next": target}
        )
        assert response["Location"] == "/relances/a-verifier/", target


def test_every_view_reads_next_through_safe_next():
    """A view added later that reads `next` or the Referer itself fails here."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    reads = re.compile(r"""(POST|GET|data)(\.get\(|\[)["']next["']|HTTP_REFERER""")
    found = [
        str(p.relative_to(root))
        for app in ("web", "banking", "insight", "api", "relance", "receivables", "reminders")
        for p in (root / app).rglob("*.py")
        if reads.search(p.read_text(encoding="utf-8"))
    ]
    assert found == ["web/screens/common.py"]
