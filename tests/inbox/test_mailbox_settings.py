"""The reply mailbox's settings: saved with an encrypted password, « Tester » says what
the real server (Dovecot) answered, and a mailbox that fails shows it."""

from django.urls import reverse

from inbox.fetch import fetch_mailbox
from inbox.models import Mailbox


def form(dovecot, **over):
    data = {
        "host": dovecot.host, "port": dovecot.port, "security": "none", "login": "alice",
        "password": dovecot.password("alice"), "folder": "INBOX", "after_read": "move",
        "done_folder": "Relance", "enabled": "on",
    }  # fmt: skip
    return {**data, **over}


def test_tester_logs_in_and_says_so(client, alice, dovecot):
    client.force_login(alice)
    dovecot.deliver("alice", b"From: a@b.example\r\nSubject: x\r\n\r\nx\r\n")
    page = client.post(reverse("settings_mailbox"), form(dovecot, action="test")).content.decode()
    assert "Connexion réussie" in page and "1 message(s)" in page
    box = Mailbox.objects.get()
    assert box.password == dovecot.password("alice")
    assert dovecot.password("alice") not in box.password_encrypted


def test_tester_shows_the_servers_refusal_in_words(client, alice, dovecot):
    client.force_login(alice)
    page = client.post(
        reverse("settings_mailbox"), form(dovecot, password="nope", action="test")
    ).content.decode()
    assert "Échec de la connexion" in page and "AUTHENTICATIONFAILED" in page


def test_an_empty_password_keeps_the_stored_one(client, alice, dovecot):
    client.force_login(alice)
    client.post(reverse("settings_mailbox"), form(dovecot))
    client.post(reverse("settings_mailbox"), form(dovecot, password="", folder="INBOX"))
    assert Mailbox.objects.get().password == dovecot.password("alice")


def test_a_failing_mailbox_shows_its_state(client, alice, dovecot):
    client.force_login(alice)
    client.post(reverse("settings_mailbox"), form(dovecot, password="nope"))
    fetch_mailbox(Mailbox.objects.get())
    page = client.get(reverse("settings_mailbox")).content.decode()
    assert (
        "1 échec de suite" in page and "AUTHENTICATIONFAILED" in page and "Prochain essai" in page
    )


def test_a_collector_cannot_change_the_mailbox(client, bob, dovecot):
    client.force_login(bob)
    assert client.post(reverse("settings_mailbox"), form(dovecot)).status_code == 403
    assert not Mailbox.objects.exists()
