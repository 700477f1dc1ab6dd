"""A sending process that dies: its reminders are shown as interrupted, in words, once its
lease runs out (not ten minutes of « en cours d'envoi »), and the next run takes them up.
The real kill of a real worker is tests/proof/test_lease.py."""

import time
from html import unescape

import pytest
from django.core import mail
from django.utils.html import strip_tags

from reminders import lease, ledger, outbox
from reminders.defaults import ensure_default_templates
from reminders.models import Batch
from reminders.sending import send_outbox


@pytest.fixture
def templated(company, policies, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    ensure_default_templates(company)


def _summary(client, batch) -> str:
    return " ".join(
        unescape(strip_tags(client.get(f"/relances/lots/{batch.pk}/").content.decode())).split()
    )


def test_a_dead_workers_reminders_show_as_interrupted_then_go_out_once(
    alice_client, seed_docs, templated, settings
):
    settings.RELANCE_OUTBOX_TIMEOUT = 3  # seconds; 45 by default
    ids = f"{seed_docs['3'].pk},{seed_docs['5'].pk}"
    alice_client.post("/relances/envoyer/", {"channel": "email", "ids": ids})
    batch = Batch.objects.get()
    # a worker takes both e-mails, hands the first to the server, and dies there
    first, _second = outbox.claim(10, batch.pk)
    assert ledger.hand_over(first)
    lease.renew(first.claimed_by)  # its last sign of life
    page = _summary(alice_client, batch)
    assert "2 en cours" in page and "interrompu" not in page  # alive, as far as we know
    time.sleep(3.2)  # no renewal: the lease runs out
    page = _summary(alice_client, batch)
    assert "2 interrompus" in page and "2 en cours" not in page
    assert "Envoi interrompu. Le processus d'envoi qui tenait 2 rappels s'est arrêté" in page
    assert "repart de lui-même" in page and "passera « à vérifier »" in page
    alice_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = _summary(alice_client, batch)
    assert "2 interrupted" in page
    assert "Sending interrupted. The sending process that held 2 reminders stopped" in page
    send_outbox()  # the next run: the one never handed over goes, once
    assert len(mail.outbox) == 1
    page = _summary(alice_client, batch)
    assert "1 sent" in page and "1 to check" in page and "interrupted" not in page
    assert "Interrupted while sending: check whether it went out" in page
