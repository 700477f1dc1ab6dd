"""Bounces and automatic replies as real servers write them (sisimai's corpus, see
tests/inbox/real/README.md): flufl.bounce reads the DSNs and the layouts it knows,
inbox/bounce_text.py the others; a delay, an SES delivery notice or a person's message
names nobody."""

from pathlib import Path

import pytest

from inbox.classify import classify
from inbox.fetch import fetch_mailbox
from inbox.models import InboundMessage, Kind
from receivables.models import Customer

REAL = Path(__file__).parent / "real"

BOUNCES = {
    # standard delivery reports (RFC 3464) and layouts flufl.bounce knows
    "lhost-postfix-01": ["kijitora@example.org"],
    "lhost-exim-01": ["kijitora@example.ed.jp"],
    "lhost-gmail-01": ["userunknown@example.jp"],
    "lhost-qmail-01": ["kijitora@example.ne.jp"],
    "rhost-franceptt-01": ["pseudo-local-part-kijitora-nyaaan@orange.fr"],
    # read from the server's words
    "lhost-postfix-07": ["kijitora@user.example.or.jp"],  # Japanese text, the 550 under a rule
    "lhost-yahoo-01": ["kijitora@example.org"],  # « <addr>: » / « Remote host said: 550 »
    "lhost-office365-02": ["kijitora@example.onmicrosoft.com"],  # « Delivery has failed to… »
    "lhost-exchange2003-04": ["kijitora@example.com"],  # « could not be reached »
    "lhost-amazonworkmail-01": ["kijitora@example.jp"],  # quoted-printable report in text
    "lhost-dragonfly-24": ["userunknown@libsisimai.net"],  # « error delivering your mail to »
    "lhost-x1-01": ["kijitora@example.co.jp"],  # « The following addresses had delivery errors »
    "lhost-v5sendmail-04": ["kijitora@example.ed.jp", "mikeneko@example.ac.jp"],
    "lhost-opensmtpd-02": ["mailboxfull@example.jp", "userunknown@example.jp"],
    "lhost-amazonses-10": ["bounce@simulator.amazonses.com"],  # SES JSON in an SNS envelope
}
NOT_BOUNCES = {
    "lhost-v5sendmail-01": "reply",  # « 421 … Deferred »: a delay, nobody failed for good
    "lhost-amazonses-12": "reply",  # SES « Delivery » notice: delivered
    "rfc3834-01": "auto_reply",  # « Away until May 5 »
    "rfc3834-02": "auto_reply",  # « Automatic reply: Nyaan »
    "is-not-bounce-02": "reply",  # a person's message with the original attached
}


@pytest.mark.parametrize("name,addresses", sorted(BOUNCES.items()))
def test_a_real_bounce_names_the_addresses_that_failed(name, addresses):
    found = classify((REAL / f"{name}.eml").read_bytes())
    assert (found.kind, found.bounced) == ("bounce", addresses)


@pytest.mark.parametrize("name,kind", sorted(NOT_BOUNCES.items()))
def test_what_is_not_a_permanent_failure_marks_no_address(name, kind):
    found = classify((REAL / f"{name}.eml").read_bytes())
    assert (found.kind, found.bounced) == (kind, [])


def test_a_real_postfix_bounce_read_from_the_mailbox_marks_the_customer(mailbox, dovecot, company):
    """A Postfix bounce whose notification is in Japanese, the 550 line under a rule of
    dashes: the customer with that address stops receiving e-mails."""
    customer = Customer.objects.create(
        company=company, code="K1", name="Kijitora", emails="kijitora@user.example.or.jp"
    )
    other = Customer.objects.create(
        company=company, code="K2", name="Shironeko", emails="shironeko@example.org"
    )
    dovecot.deliver("alice", (REAL / "lhost-postfix-07.eml").read_bytes())
    assert fetch_mailbox(mailbox).kinds == {Kind.BOUNCE: 1}
    message = InboundMessage.objects.get()
    assert (message.kind, message.customer) == (Kind.BOUNCE, customer)
    customer.refresh_from_db()
    other.refresh_from_db()
    assert "550" in customer.email_undeliverable and "User unknown" in customer.email_undeliverable
    assert not other.email_undeliverable


def test_a_huge_line_from_a_stranger_is_read_only_as_far_as_an_smtp_line_goes():
    """Lines are cut at 1,000 characters (RFC 5321's limit): one line of a stranger's
    message cannot make the address search crawl, and nothing beyond the cut is taken."""
    from inbox.bounce_text import permanent_failures

    near = "550 5.1.1 <daisy@anyway.example> user unknown"
    far = "550 5.1.1 " + "x" * 2000 + " <far@anyway.example>"
    huge = "550 5.1.1 " + "x" * 50_000 + "@" + "b." * 20_000 + "!"
    assert permanent_failures("\n".join([near, far, huge]), set()) == {"daisy@anyway.example"}
