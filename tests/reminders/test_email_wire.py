"""What goes on the wire: the bytes our SMTP backend writes (channels/email/mime.py) say
what Django's `message()` says, read back by the stdlib parser."""

import base64
import re
from email import message_from_bytes, policy
from email.utils import parsedate_to_datetime

import pytest
from django.core.mail import BadHeaderError
from django.core.mail.message import sanitize_address
from hypothesis import given
from hypothesis import strategies as st

from channels.email import EmailChannel
from channels.email.mime import PLAIN_ADDRESS, envelope_address
from channels.email.smtp import as_bytes
from channels.email.transport import _EmailWithInlineImages
from receivables.qrcodes import qr_png
from reminders.delivery import DeliveryError, Email

PNG = qr_png(b"BCD\n002\n1\nSCT\n\nAlice\nFR7630006000011234567890189\nEUR1\n\nRF203")
PNG2 = qr_png(b"BCD\n002\n1\nSCT\n\nAlice\nFR7630006000011234567890189\nEUR2\n\nRF204")
PDF = b"%PDF-1.4 fake\n" * 500
ALICE = "Société Alice <compta@alice.example>"


def img(png: bytes) -> str:
    return f'<img src="data:image/png;base64,{base64.b64encode(png).decode()}">'


def email(**fields) -> Email:
    values = dict(
        from_email="Alice SARL <compta@alice.example>",
        to=["daisy@anyway.example"],
        subject="Rappel : facture F-1",
        text="Bonjour,\n\nVotre facture F-1 est échue.\n",
        message_id="<reminder-1.1@alice.example>",
    )
    return Email(**{**values, **fields})


LONG_LINE = "une ligne sans fin, " * 80  # 1,600 characters
CASES = {
    "ascii text only": email(subject="Reminder: invoice F-1", text="Hello,\n\nPlease pay.\n"),
    "non-ascii names and subject": email(
        from_email=ALICE,
        to=["Ünïcode Person <u@example.org>", "plain@example.org", "jose@exämple.org"],
        reply_to=["compta@alice.example"],
        subject="Rappel : facture F-1 échue — 120,00 €",
    ),
    "long ascii subject": email(subject="Reminder " + "about the overdue invoice " * 8),
    "long non-ascii subject": email(subject="Rappel : factures échues " + "F-1, é€ " * 30),
    "html": email(html="<p>Bonjour, <b>échue</b></p>"),
    "html, one image": email(html=f"<p>Bonjour</p>{img(PNG)}", reply_to=["a@alice.example"]),
    "html, two images, three attachments": email(
        html=f"<p>Payez</p>{img(PNG)}<p>ou</p>{img(PNG2)}",
        attachments=[
            ("Facture-F-1.pdf", PDF, "application/pdf"),
            ("Relevé été.pdf", PDF[:100], "application/pdf"),
            ("détail.csv", "n°;montant\nF-1;120,00 €\n".encode(), "text/csv"),
        ],
    ),
    "text only, one attachment": email(attachments=[("F-1.pdf", PDF, "application/pdf")]),
    "long non-ascii filename": email(
        attachments=[("Facture " + "échue " * 40 + ".pdf", b"%PDF", "application/pdf")]
    ),
    "quoted filename": email(attachments=[('a "b" \\c.pdf', b"%PDF", "application/pdf")]),
    "long lines": email(text=f"{LONG_LINE}\n{LONG_LINE}é\n", html=f"<p>{LONG_LINE}</p>"),
    "dot and From lines": email(
        text=".\n.début\nFrom me\n"
        + "x" * 73
        + "\nFrom here to there\nFrom "
        + "y" * 80
        + "\nfin. \n",
        html="<p>\n.\nFrom a\n</p>",
    ),
    "CRLF input": email(text="Bonjour,\r\n\r\nligne 2\r\n.\r\nFrom x\r\n", html="<p>a</p>\r\n"),
    "lone CR, tabs, trailing spaces": email(text="a\rb\tc \nd\t\n  \nfin"),
    "no newline at the end": email(text="Bonjour", html="<p>Bonjour</p>"),
}


def build(case: Email) -> _EmailWithInlineImages:
    return EmailChannel().build(case)


def parsed(raw: bytes):
    return message_from_bytes(raw, policy=policy.default)


def tree(part) -> dict:
    """What a reader sees of a part: types, names, decoded content, subparts."""
    params = {k: v for k, v in part["Content-Type"].params.items() if k != "boundary"}
    seen = {
        "type": part.get_content_type(),
        "params": params,
        "disposition": part.get_content_disposition(),
        "filename": part.get_filename(),
        "content-id": part["Content-ID"],
    }
    if part.is_multipart():
        seen["parts"] = [tree(p) for p in part.iter_parts()]
    else:
        seen["content"] = part.get_content()
    return seen


NOT_COMPARED = {"date", "content-type", "content-transfer-encoding"}


def headers(msg) -> list[tuple[str, str]]:
    # stripped: Django's folding of a long subject adds a leading space, drops a trailing one
    return [(k, str(v).strip()) for k, v in msg.items() if k.lower() not in NOT_COMPARED]


def assert_same_message(ours: bytes, django: bytes) -> None:
    mine, theirs = parsed(ours), parsed(django)
    assert sorted(headers(mine)) == sorted(headers(theirs))
    assert (
        abs(parsedate_to_datetime(mine["Date"]) - parsedate_to_datetime(theirs["Date"])).seconds < 5
    )
    assert tree(mine) == tree(theirs)
    assert not mine.defects and all(not p.defects for p in mine.walk())


@pytest.fixture
def locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_our_bytes_say_what_djangos_message_says(case, locmem):
    msg = build(case)
    assert_same_message(msg.wire_bytes(), msg.message().as_bytes(linesep="\r\n"))


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_our_bytes_are_7bit_crlf_lines_any_server_takes(case, locmem):
    raw = build(case).wire_bytes()
    assert raw.isascii()
    lines = raw.split(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"") and b"\r" not in raw.replace(b"\r\n", b"")
    assert max(map(len, lines)) <= 78  # far within SMTP's 998
    assert not any(line.startswith(b"From ") for line in lines)


def test_extra_headers_cc_and_an_empty_body_are_written_as_django_does(locmem):
    msg = _EmailWithInlineImages(
        subject="Relance n°1",
        body="",
        from_email="compta@alice.example",
        to=["a@x.org"],
        cc=["Cécile <c@x.org>"],
        bcc=["hidden@x.org"],
        headers={"Message-ID": "<m@x>", "X-Relance": "niveau 2 — échu", "Sender": "Sé <s@x.org>"},
    )
    msg.attach_alternative("<p>seulement du HTML</p>", "text/html")
    msg.attach("F-1.pdf", PDF, "application/pdf")
    ours = msg.wire_bytes()
    assert_same_message(ours, msg.message().as_bytes(linesep="\r\n"))
    assert b"hidden@x.org" not in ours  # Bcc: in the envelope only


def test_a_message_django_builds_otherwise_goes_through_the_stdlib(locmem):
    msg = _EmailWithInlineImages(subject="s", body="b", to=["a@x.org"])
    msg.attach("forwarded.eml", "Subject: hi\n\nbody\n", "message/rfc822")
    assert parsed(msg.wire_bytes()).get_payload()[1].get_content_type() == "message/rfc822"


BAD_HEADERS = {
    "subject": email(subject="Rappel\r\nBcc: victim@example.org"),
    "recipient": email(to=["daisy@anyway.example\nBcc: victim@example.org"]),
    "reply-to": email(reply_to=["a@alice.example\r\nX-Evil: 1"]),
    "message-id": email(message_id="<m@x>\nBcc: victim@example.org"),
    "filename": email(attachments=[("F-1.pdf\r\nX-Evil: 1", PDF, "application/pdf")]),
}


@pytest.mark.parametrize("case", BAD_HEADERS.values(), ids=BAD_HEADERS.keys())
def test_a_header_with_a_line_break_is_refused_and_nothing_sent(case, smtp_server):
    with pytest.raises(ValueError):  # BadHeaderError is one
        build(case).wire_bytes()
    channel = EmailChannel()
    with pytest.raises(DeliveryError) as raised:
        channel.send(case)
    channel.close()
    assert raised.value.permanent
    assert smtp_server.received == []


def test_a_subject_with_a_line_break_raises_djangos_error(locmem):
    with pytest.raises(BadHeaderError):
        build(BAD_HEADERS["subject"]).wire_bytes()


def test_every_part_gets_its_own_boundary_found_nowhere_else(locmem):
    raw = build(CASES["html, two images, three attachments"]).wire_bytes()
    boundaries = re.findall(rb'boundary="([^"]+)"', raw)
    assert len(boundaries) == len(set(boundaries)) == 3  # mixed, related, alternative
    for b in boundaries:  # each appears only as its delimiter lines
        lines = [line for line in raw.split(b"\r\n") if b in line]
        assert all(line in (b"--" + b, b"--" + b + b"--") or b"boundary=" in line for line in lines)
    html = parsed(raw).get_body(("html",)).get_content()
    assert html.count("cid:") == 2 and "data:" not in html


def test_a_real_server_receives_the_message_whole(smtp_server):
    case = CASES["dot and From lines"]
    case.html, case.attachments = f"<p>.</p>{img(PNG)}", [("F-1.pdf", PDF, "application/pdf")]
    channel = EmailChannel()
    channel.send(case)
    channel.close()
    [received] = smtp_server.received
    assert received.mail_from == "compta@alice.example"
    assert received.rcpt_tos == ["daisy@anyway.example"]
    with pytest.MonkeyPatch.context() as mp:  # Django's message, read the same way
        mp.setattr(
            "django.conf.settings.EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend"
        )
        django_bytes = build(case).message().as_bytes(linesep="\r\n")
    assert_same_message(received.raw, django_bytes)
    assert received.message.get_body(("plain",)).get_content().startswith(".\r\n.début\r\nFrom me")


def test_the_stdlib_flattening_is_kept_exact_for_other_messages(locmem):
    msg = build(CASES["html, one image"]).message()
    assert as_bytes(msg) == msg.as_bytes(linesep="\r\n")


def test_the_sender_in_the_envelope_is_djangos(locmem):
    for addr in (ALICE, "Bench SARL <compta@bench.example>", "jose@exämple.org"):
        assert envelope_address(addr, "utf-8") == sanitize_address(addr, "utf-8")
    with pytest.raises(ValueError):
        envelope_address("<a@alice.example> et la suite", "utf-8")


@given(st.from_regex(PLAIN_ADDRESS, fullmatch=True))
def test_a_plain_address_is_its_own_sanitized_form(addr):
    assert envelope_address(addr, "utf-8") == sanitize_address(addr, "utf-8") == addr


def test_the_envelope_names_bare_addresses_whatever_the_headers_say(smtp_server):
    # MAIL FROM and RCPT TO carry the address alone: the sender's name, a recipient's
    # name, and an internationalised domain (punycode) are left to the headers
    case = CASES["non-ascii names and subject"]
    channel = EmailChannel()
    channel.send(case)
    channel.close()
    [received] = smtp_server.received
    assert received.mail_from == "compta@alice.example"
    assert received.rcpt_tos == ["u@example.org", "plain@example.org", "jose@xn--exmple-cua.org"]
