"""What goes on the wire: the faster flattening writes the stdlib's exact bytes."""

import re
from email import message_from_bytes, policy

from channels.email import Email, EmailChannel
from channels.email.smtp import as_bytes
from receivables.qrcodes import qr_png

PNG = qr_png(b"BCD\n002\n1\nSCT\n\nAlice\nFR7630006000011234567890189\nEUR1\n\nRF203")


def _message():
    import base64

    uri = base64.b64encode(PNG).decode()
    email = Email(
        from_email="Société Alice <compta@alice.example>",
        to=["daisy@anyway.example", "Ünïcode Person <u@example.org>"],
        subject="Rappel : facture F-1 échue, un objet assez long pour être plié sur deux lignes",
        text="Bonjour,\n\nligne très longue " * 120,
        html=f'<p>Bonjour</p><img src="data:image/png;base64,{uri}">',
        message_id="<reminder-1.1@alice.example>",
        reply_to=["compta@alice.example"],
        attachments=[("Facture-F-1.pdf", b"%PDF-1.4 fake" * 500, "application/pdf")],
    )
    return EmailChannel().build(email).message()


def test_fast_flattening_writes_exactly_the_stdlib_bytes(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    msg = _message()
    assert as_bytes(msg) == msg.as_bytes(linesep="\r\n")


def test_every_part_gets_its_own_boundary_found_nowhere_else(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    raw = as_bytes(_message())
    boundaries = re.findall(rb'boundary="([^"]+)"', raw)
    assert len(boundaries) == len(set(boundaries)) == 3  # mixed, related, alternative
    for b in boundaries:  # each appears only as its delimiter lines
        lines = [line for line in raw.split(b"\r\n") if b in line]
        assert all(line in (b"--" + b, b"--" + b + b"--") or b"boundary=" in line for line in lines)
    parsed = message_from_bytes(raw, policy=policy.default)
    assert "Rappel : facture F-1 échue, un objet assez long" in parsed["Subject"]
    assert [p.get_filename() for p in parsed.iter_attachments()] == ["Facture-F-1.pdf"]
    assert parsed.get_body(("html",)).get_content().count("cid:") == 1
