"""What each kind of message is taken for (pure: no database, no server)."""

import pytest

from inbox.classify import classify, our_reminder

from . import mails

OURS = "<reminder-12.3@alice.example>"


def test_a_thunderbird_reply_is_a_reply_to_our_reminder_with_its_attachment():
    found = classify(mails.thunderbird_reply(OURS[1:-1]))
    assert found.kind == "reply" and found.answers == [OURS]
    assert our_reminder(found.answers[0]) == (12, 3)
    assert "livraison était incomplète" in found.text
    assert [(n, t) for n, t, _c in found.attachments] == [("BL-2026-0117.pdf", "application/pdf")]


def test_an_outlook_html_reply_keeps_its_text_and_html():
    found = classify(mails.outlook_html_reply(OURS[1:-1]))
    assert found.kind == "reply" and "payé hier" in found.text and "<script>" in found.html


def test_an_exchange_out_of_office_is_an_automatic_reply():
    found = classify(mails.exchange_out_of_office(OURS[1:-1]))
    assert found.kind == "auto_reply" and found.answers == [OURS]


@pytest.mark.parametrize(
    "subject",
    [
        "Out of Office: Reminder",
        "Abwesenheitsnotiz: Mahnung",
        "Absence : Relance",
        "Automatic reply: x",
    ],
)
def test_out_of_office_subjects_in_three_languages(subject):
    raw = f"From: a@b.example\r\nSubject: {subject}\r\nMessage-ID: <q@b>\r\n\r\nx\r\n".encode()
    assert classify(raw).kind == "auto_reply"


@pytest.mark.parametrize("maker", [mails.postfix_bounce, mails.exim_bounce])
def test_bounces_name_the_address_the_servers_words_and_the_returned_message(maker):
    found = classify(maker(OURS))
    assert found.kind == "bounce"
    assert found.bounced == ["daisy@anyway.example"]
    assert "550 5.1.1" in found.server_words
    assert found.answers[0] == OURS


def test_a_plain_message_from_a_stranger_is_a_reply_to_nothing():
    found = classify(mails.unrelated())
    assert found.kind == "reply" and found.answers == []
